import type { Subscription } from "../ipc/bindings";

const SUBSCRIPTION_SCOPE = /^\/subscriptions\/([^/]+)(\/.*)?$/i;

/** The subscription GUID a scope lies in, if any. */
export function subscriptionIdOf(scope: string): string | null {
  return SUBSCRIPTION_SCOPE.exec(scope)?.[1] ?? null;
}

export function subscriptionName(id: string, subscriptions: readonly Subscription[]): string {
  const found = subscriptions.find((s) => s.id.toLowerCase() === id.toLowerCase());
  return found ? found.displayName : id;
}

/** A scope as people read it: `/subscriptions/{id}` becomes the subscription's
 * display name; a narrower scope keeps its path below the subscription. */
export function scopeLabel(scope: string, subscriptions: readonly Subscription[]): string {
  const match = SUBSCRIPTION_SCOPE.exec(scope);
  if (!match?.[1]) return scope;
  const name = subscriptionName(match[1], subscriptions);
  return match[2] ? `${name}${match[2]}` : name;
}
