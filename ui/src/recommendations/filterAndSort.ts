import type { Recommendation, Severity } from "../ipc/bindings";

const SEVERITY_RANK: Record<Severity, number> = { High: 0, Medium: 1, Low: 2, Unknown: 3 };

/** Most severe first, then the most unhealthy resources, then by name. */
export function compareRecommendations(a: Recommendation, b: Recommendation): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    b.unhealthyCount - a.unhealthyCount ||
    a.displayName.localeCompare(b.displayName)
  );
}

/** The recommendations whose name contains every word of `search` (any case), sorted. */
export function filterAndSort(recommendations: readonly Recommendation[], search: string): Recommendation[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return recommendations
    .filter((r) => {
      const name = r.displayName.toLowerCase();
      return words.every((w) => name.includes(w));
    })
    .sort(compareRecommendations);
}
