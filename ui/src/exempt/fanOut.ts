import type { PlannedWrite } from "../ipc/bindings";

export type FanOut = {
  /** How many exemptions one name becomes. */
  total: number;
  /** Each initiative, with how many of its assignments get an exemption. */
  initiatives: { name: string; count: number }[];
  /** Writes at an assignment's own scope below the chosen one. */
  below: number;
};

/** What one name becomes: one exemption per initiative assignment, some of them below the chosen scope. */
export function fanOut(writes: readonly PlannedWrite[]): FanOut {
  const counts = new Map<string, number>();
  for (const w of writes) counts.set(w.initiativeName, (counts.get(w.initiativeName) ?? 0) + 1);
  return {
    total: writes.length,
    initiatives: [...counts].map(([name, count]) => ({ name, count })),
    below: writes.filter((w) => w.belowChosenScope).length,
  };
}

/** "1 name → 5 exemptions, one per initiative" */
export function fanOutHeadline(f: FanOut): string {
  return `1 name → ${f.total} exemption${f.total === 1 ? "" : "s"}, one per initiative`;
}

/** "Microsoft cloud security benchmark ×3, ISO 27001:2013 ×2; 4 of them at assignments below the chosen scope, at each assignment's own scope." */
export function fanOutDetail(f: FanOut): string {
  const list = f.initiatives.map((i) => (i.count === 1 ? i.name : `${i.name} ×${i.count}`)).join(", ");
  if (f.below === 0) return `${list}.`;
  const them = f.below === 1 ? "1 of them is" : `${f.below} of them are`;
  return `${list}; ${them} for assignments below the chosen scope, written at each assignment's own scope.`;
}
