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
