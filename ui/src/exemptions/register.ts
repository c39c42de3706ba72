import type { ExemptionCategory, ExpiryState, ManagementGroupNode, RegisterEntry, ScopeLevel } from "../ipc/bindings";
import type { RegisterSeed } from "../app/navigation";
import { categoryLabel } from "../shared/categoryLabel";
import { compareText, type Compare } from "../shared/listView";
import { findGroup, subscriptionsUnder } from "../shared/managementGroups";

/** The register's words and its filters, with no React: what the Exemptions
 * screen shows is `visible(filtered by search and sort)`, tested on its own. */

export type StateKind = ExpiryState["kind"];

/** What the filters hold; `null` is "any". */
export type RegisterFilters = {
  /** A scope and everything under it: `mg:<group name>` or `sub:<subscription id>`. */
  scope: string | null;
  /** A subscription id. */
  subscription: string | null;
  category: ExemptionCategory | null;
  state: StateKind | null;
  /** An initiative (policy set definition) id. */
  initiative: string | null;
  /** A recommendation key, or `ref:<reference id>` for one that did not resolve. */
  recommendation: string | null;
  /** Created, requested or approved by. */
  person: string | null;
  /** Only these exemptions (another screen sent them). */
  exemptionIds: readonly string[] | null;
};

export const NO_FILTERS: RegisterFilters = {
  scope: null,
  subscription: null,
  category: null,
  state: null,
  initiative: null,
  recommendation: null,
  person: null,
  exemptionIds: null,
};

export const isFiltered = (f: RegisterFilters) => Object.values(f).some((v) => v !== null);

/** The filters a seed from another screen asks for (everything else cleared). */
export function filtersFromSeed(seed: RegisterSeed): RegisterFilters {
  return {
    ...NO_FILTERS,
    recommendation: seed.recommendationKey ?? null,
    state: seed.expiringSoon ? "expiresSoon" : null,
    exemptionIds: seed.exemptionIds && seed.exemptionIds.length > 0 ? seed.exemptionIds : null,
  };
}

export const LEVEL_WORDS: Record<ScopeLevel, string> = {
  ManagementGroup: "Management group",
  Subscription: "Subscription",
  ResourceGroup: "Resource group",
  Resource: "Resource",
};

export const STATE_WORDS: Record<StateKind, string> = {
  never: "Never expires",
  active: "Active",
  expiresSoon: "Expires soon",
  expired: "Expired",
};

/** The state badge's text; none for an exemption that never expires. */
export function stateBadge(state: ExpiryState): string | null {
  switch (state.kind) {
    case "never":
      return null;
    case "active":
      return "Active";
    case "expired":
      return "Expired";
    case "expiresSoon":
      return state.days === 0 ? "Expires today" : `Expires in ${state.days} day${state.days === 1 ? "" : "s"}`;
  }
}

export const shownName = (e: RegisterEntry) => e.exemption.displayName || e.exemption.name;

/** "Storage accounts should restrict network access", "A, B", or "Every recommendation of <initiative>". */
export function recommendationText(e: RegisterEntry): string {
  if (e.recommendations.length === 0) return `Every recommendation of ${e.initiativeName ?? "its initiative"}`;
  return e.recommendations.map((r) => r.displayName).join(", ");
}

const recommendationId = (r: RegisterEntry["recommendations"][number]) => r.recommendationKey ?? `ref:${r.referenceId}`;

/** Expired first, then the soonest; never-expiring last. */
const STATE_ORDER: Record<StateKind, number> = { expired: 0, expiresSoon: 1, active: 2, never: 3 };
const stateRank = (s: ExpiryState) => STATE_ORDER[s.kind] * 100_000 + (s.kind === "expiresSoon" ? s.days : 0);
const expiry = (e: RegisterEntry) =>
  e.exemption.expiresOn ? Date.parse(e.exemption.expiresOn) || 0 : Number.POSITIVE_INFINITY;
const created = (e: RegisterEntry) => (e.createdAt ? Date.parse(e.createdAt) || 0 : 0);
const text = (get: (e: RegisterEntry) => string | null | undefined): Compare<RegisterEntry> => {
  return (a, b) => compareText(get(a) ?? "~", get(b) ?? "~");
};

/** How each column sorts (ascending). Module-level: `useListView` keeps them by identity. */
export const REGISTER_COMPARES: Record<string, Compare<RegisterEntry>> = {
  name: text(shownName),
  scope: (a, b) => compareText(a.scopeName, b.scopeName),
  expires: (a, b) => expiry(a) - expiry(b),
  state: (a, b) => stateRank(a.expiry) - stateRank(b.expiry),
  recommendation: text(recommendationText),
  initiative: text((e) => e.initiativeName),
  category: text((e) => e.exemption.category),
  created: (a, b) => created(a) - created(b),
  people: text((e) => e.requestedBy ?? e.approvedBy),
};

/** What a search looks in: every column's words, the description and the ticket. */
export function registerSearchText(e: RegisterEntry): string {
  const x = e.exemption;
  return [
    x.displayName,
    x.name,
    x.description,
    e.scopeName,
    LEVEL_WORDS[e.level],
    e.subscriptionName,
    e.initiativeName,
    e.assignmentName,
    recommendationText(e),
    categoryLabel(x.category),
    stateBadge(e.expiry) ?? "never",
    e.createdBy,
    e.requestedBy,
    e.approvedBy,
    e.ticket,
  ]
    .filter(Boolean)
    .join("\n");
}

const MG = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)/i;

/** Whether a row passes every filter; made once per change of the filters. */
export function matcher(filters: RegisterFilters, groups: ManagementGroupNode | null | undefined) {
  const f = filters;
  let inScope: ((e: RegisterEntry) => boolean) | null = null;
  if (f.scope?.startsWith("sub:")) {
    const id = f.scope.slice(4).toLowerCase();
    inScope = (e) => e.subscriptionId?.toLowerCase() === id;
  } else if (f.scope?.startsWith("mg:")) {
    const group = findGroup(groups, f.scope.slice(3));
    const names = new Set(group ? groupNames(group) : [f.scope.slice(3).toLowerCase()]);
    const subs = new Set((group ? subscriptionsUnder(group) : []).map((s) => s.toLowerCase()));
    inScope = (e) => {
      if (e.subscriptionId) return subs.has(e.subscriptionId.toLowerCase());
      const mg = MG.exec(e.exemption.scope)?.[1]?.toLowerCase();
      return mg !== undefined && names.has(mg);
    };
  }
  const ids = f.exemptionIds ? new Set(f.exemptionIds.map((id) => id.toLowerCase())) : null;
  const person = f.person?.toLowerCase() ?? null;
  const subscription = f.subscription?.toLowerCase() ?? null;
  return (e: RegisterEntry) =>
    (inScope === null || inScope(e)) &&
    (subscription === null || e.subscriptionId?.toLowerCase() === subscription) &&
    (f.category === null || e.exemption.category === f.category) &&
    (f.state === null || e.expiry.kind === f.state) &&
    (f.initiative === null || e.initiativeId === f.initiative) &&
    (f.recommendation === null || e.recommendations.some((r) => recommendationId(r) === f.recommendation)) &&
    (person === null || [e.createdBy, e.requestedBy, e.approvedBy].some((p) => p?.toLowerCase() === person)) &&
    (ids === null || ids.has(e.exemption.id.toLowerCase()));
}

function groupNames(node: ManagementGroupNode): string[] {
  return [node.name.toLowerCase(), ...node.children.flatMap(groupNames)];
}

export type Option = { value: string; text: string };

const byText = (a: Option, b: Option) => compareText(a.text, b.text);

/** The choices each filter offers, from the rows read (so none leads to an empty list). */
export function filterOptions(entries: readonly RegisterEntry[]) {
  const initiatives = new Map<string, string>();
  const recommendations = new Map<string, string>();
  const people = new Map<string, string>();
  const subscriptions = new Map<string, string>();
  for (const e of entries) {
    if (e.initiativeId) initiatives.set(e.initiativeId, e.initiativeName ?? e.initiativeId);
    for (const r of e.recommendations) recommendations.set(recommendationId(r), r.displayName);
    for (const p of [e.createdBy, e.requestedBy, e.approvedBy]) if (p) people.set(p.toLowerCase(), p);
    if (e.subscriptionId) subscriptions.set(e.subscriptionId, e.subscriptionName ?? e.subscriptionId);
  }
  const list = (m: Map<string, string>) => [...m].map(([value, text]) => ({ value, text })).sort(byText);
  return {
    initiatives: list(initiatives),
    recommendations: list(recommendations),
    people: [...people.values()].map((p) => ({ value: p, text: p })).sort(byText),
    subscriptions: list(subscriptions),
  };
}

/** The scope filter's choices: every management group (indented by depth), then
 * every subscription, so a choice covers what is under it. */
export function scopeOptions(
  groups: ManagementGroupNode | null | undefined,
  subscriptions: readonly Option[],
): (Option & { depth: number })[] {
  const out: (Option & { depth: number })[] = [];
  const visit = (n: ManagementGroupNode, depth: number) => {
    out.push({ value: `mg:${n.name}`, text: n.displayName, depth });
    for (const c of n.children) visit(c, depth + 1);
  };
  if (groups) visit(groups, 0);
  for (const s of subscriptions) out.push({ value: `sub:${s.value}`, text: s.text, depth: 0 });
  return out;
}

const NUMBER = new Intl.NumberFormat("en-US");

/** "Showing 120 of 10,000", "10,000 exemptions", and while the read streams in, "loading… 3,000 so far". */
export function registerCount(shown: number, total: number, loading: boolean): string {
  const n = (x: number) => NUMBER.format(x);
  if (shown === total)
    return loading ? `loading… ${n(total)} so far` : `${n(total)} exemption${total === 1 ? "" : "s"}`;
  const count = `Showing ${n(shown)} of ${n(total)}`;
  return loading ? `${count} · loading… ${n(total)} so far` : count;
}
