import type { Subscription } from "../ipc/bindings";

const SUBSCRIPTION_SCOPE = /^\/subscriptions\/([^/]+)(\/.*)?$/i;
const MANAGEMENT_GROUP_SCOPE = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/?$/i;

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

export type ScopeParts = {
  /** The subscription's display name, a management group's name, or else the scope itself. */
  primary: string;
  /** For a scope narrower than a subscription, the resource group's or resource's name. */
  secondary: string | null;
  /** What the secondary names, for a tooltip or an accessible label. */
  kind: "subscription" | "resourceGroup" | "resource" | "managementGroup" | "other";
};

/** A scope in two short parts for narrow places such as a table cell:
 * `/subscriptions/{id}/resourceGroups/rg/providers/…/vaults/kv` becomes the
 * subscription's display name and `kv` (the last path segment); a management
 * group becomes its name and "Management group". */
export function scopeParts(scope: string, subscriptions: readonly Subscription[]): ScopeParts {
  const match = SUBSCRIPTION_SCOPE.exec(scope);
  if (!match?.[1]) {
    const mg = MANAGEMENT_GROUP_SCOPE.exec(scope)?.[1];
    if (mg) return { primary: mg, secondary: "Management group", kind: "managementGroup" };
    return { primary: scope, secondary: null, kind: "other" };
  }
  const primary = subscriptionName(match[1], subscriptions);
  const rest = (match[2] ?? "").split("/").filter(Boolean);
  if (rest.length === 0) return { primary, secondary: null, kind: "subscription" };
  const kind = rest.length === 2 && rest[0]!.toLowerCase() === "resourcegroups" ? "resourceGroup" : "resource";
  return { primary, secondary: rest.at(-1)!, kind };
}
