import type { Recommendation, Severity } from "../ipc/bindings";
import { compareText, filterInOrder, searchWords, sortOrder, type Compare } from "../shared/listView";

const SEVERITY_RANK: Record<Severity, number> = { High: 0, Medium: 1, Low: 2, Unknown: 3 };

/** Most severe first, then the most unhealthy resources, then by name. */
export function compareRecommendations(a: Recommendation, b: Recommendation): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    b.unhealthyCount - a.unhealthyCount ||
    compareText(a.displayName, b.displayName)
  );
}

/** How each column of the recommendations table sorts (ascending). */
export const RECOMMENDATION_COMPARES: Record<string, Compare<Recommendation>> = {
  name: (a, b) => compareText(a.displayName, b.displayName),
  severity: (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  unhealthy: (a, b) => a.unhealthyCount - b.unhealthyCount,
  exempted: (a, b) => a.exemptedCount - b.exemptedCount,
  exemptible: (a, b) => Number(a.notExemptibleReason !== null) - Number(b.notExemptibleReason !== null),
};

/** What a search looks in: the name. */
export const recommendationSearchText = (r: Recommendation) => r.displayName;

/** The recommendations whose name contains every word of `search` (any case), sorted. */
export function filterAndSort(recommendations: readonly Recommendation[], search: string): readonly Recommendation[] {
  const order = sortOrder(recommendations, null, RECOMMENDATION_COMPARES, compareRecommendations);
  const keys = recommendations.map((r) => recommendationSearchText(r).toLowerCase());
  return filterInOrder(recommendations, order, keys, searchWords(search));
}

/** The status filter: a recommendation matches when it has resources in that state. */
export type StatusFilter = "all" | "Unhealthy" | "Healthy" | "NotApplicable" | "Exempted";

export const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: "all", label: "Any status" },
  { value: "Unhealthy", label: "Unhealthy" },
  { value: "Healthy", label: "Healthy" },
  { value: "NotApplicable", label: "Not applicable" },
  { value: "Exempted", label: "Exempted" },
];

/** How many of the recommendation's resources are in each state. The four
 * do not overlap: "Not applicable" here leaves out the exempted ones
 * (Defender counts those as Not applicable, with cause Exempt). */
export function statusCounts(r: Recommendation): Record<Exclude<StatusFilter, "all">, number> {
  return {
    Unhealthy: r.unhealthyCount,
    Healthy: r.healthyCount,
    NotApplicable: Math.max(0, r.notApplicableCount - r.exemptedCount),
    Exempted: r.exemptedCount,
  };
}

export function matchesStatus(r: Recommendation, status: StatusFilter): boolean {
  return status === "all" || statusCounts(r)[status] > 0;
}

/** The recommendations with resources in `status` (all of them for "all"), in their order. */
export function filterByStatus(
  recommendations: readonly Recommendation[],
  status: StatusFilter,
): readonly Recommendation[] {
  return status === "all" ? recommendations : recommendations.filter((r) => matchesStatus(r, status));
}
