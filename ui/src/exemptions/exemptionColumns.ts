import type { Exemption, Subscription } from "../ipc/bindings";
import { categoryLabel } from "../shared/categoryLabel";
import { compareText, type Compare } from "../shared/listView";

// Never-expiring sorts after every date.
const expiry = (e: Exemption) => (e.expiresOn ? Date.parse(e.expiresOn) || 0 : Number.POSITIVE_INFINITY);
const shownName = (e: Exemption) => e.displayName || e.name;

/** How each column of the exemptions table sorts (ascending). */
export const EXEMPTION_COMPARES: Record<string, Compare<Exemption>> = {
  displayName: (a, b) => compareText(shownName(a), shownName(b)),
  name: (a, b) => compareText(a.name, b.name),
  scope: (a, b) => compareText(a.scope, b.scope),
  category: (a, b) => compareText(a.category ?? "~", b.category ?? "~"),
  expires: (a, b) => expiry(a) - expiry(b),
  state: (a, b) => Number(a.expired) - Number(b.expired),
  refs: (a, b) => compareText(a.policyDefinitionReferenceIds.join(" "), b.policyDefinitionReferenceIds.join(" ")),
};

const SUBSCRIPTION_ID = /^\/subscriptions\/([^/]+)/i;

/** What a search looks in: every column's text, the subscription's name, the scope and the description. */
export function exemptionSearchText(subscriptions: readonly Subscription[]) {
  const names = new Map(subscriptions.map((s) => [s.id.toLowerCase(), s.displayName]));
  return (e: Exemption) => {
    const id = SUBSCRIPTION_ID.exec(e.scope)?.[1]?.toLowerCase();
    const name = (id && names.get(id)) ?? "";
    const refs = e.policyDefinitionReferenceIds.join("\n");
    return `${e.displayName ?? ""}\n${e.name}\n${name}\n${e.scope}\n${categoryLabel(e.category)}\n${e.expired ? "expired" : "active"}\n${e.description ?? ""}\n${refs}`;
  };
}
