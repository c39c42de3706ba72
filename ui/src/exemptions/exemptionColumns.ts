import type { Exemption, Subscription } from "../ipc/bindings";
import { categoryLabel } from "../shared/categoryLabel";
import { compareText, type Compare } from "../shared/listView";
import { scopeParts } from "../shared/subscriptionNames";

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

/** What a search looks in: every column's text, the scope as shown, and the description. */
export function exemptionSearchText(subscriptions: readonly Subscription[]) {
  return (e: Exemption) => {
    const scope = scopeParts(e.scope, subscriptions);
    return [
      e.displayName ?? "",
      e.name,
      scope.primary,
      scope.secondary ?? "",
      e.scope,
      categoryLabel(e.category),
      e.expired ? "expired" : "active",
      e.description ?? "",
      ...e.policyDefinitionReferenceIds,
    ].join("\n");
  };
}
