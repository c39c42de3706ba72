import { useState } from "react";
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

/** Rows in the order they keep while the list is counted, and what they were ordered from. */
type Steady = { from: readonly Recommendation[]; ranks: ReadonlyMap<string, number>; rows: readonly Recommendation[] };

/** Most severe first (a row's severity never changes), then in the order the
 * rows first appeared, each part's new rows in the usual order after them. */
function steadyOrder(all: readonly Recommendation[], before: ReadonlyMap<string, number>): Steady {
  const ranks = new Map(before);
  for (const r of [...all].sort(compareRecommendations)) if (!ranks.has(r.key)) ranks.set(r.key, ranks.size);
  const rank = (r: Recommendation) => ranks.get(r.key) ?? 0;
  const rows = [...all].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || rank(a) - rank(b));
  return { from: all, ranks, rows };
}

/** While the list is counted (its counts grow part by part), rows keep their
 * place instead of re-sorting on every part: a row moves only when a new one
 * joins above it. Once counted, the list is in the usual order
 * (`compareRecommendations`), one settling at the end. */
export function useSteadyOrder(all: readonly Recommendation[], counting: boolean): readonly Recommendation[] {
  const [steady, setSteady] = useState<Steady | null>(null);
  if (!counting) {
    if (steady !== null) setSteady(null);
    return all;
  }
  if (steady?.from === all) return steady.rows;
  // Adjusting state while rendering: the order follows the rows in the same render.
  const next = steadyOrder(all, steady?.ranks ?? new Map<string, number>());
  setSteady(next);
  return next.rows;
}
