import { describe, expect, test } from "vitest";
import { filterInOrder, searchWords, sortOrder } from "./listView";

type Row = { id: number; name: string };
const rows: Row[] = Array.from({ length: 2000 }, (_, i) => ({
  id: i,
  name: `Storage account ${i} ${i % 3 ? "west" : "east"}`,
}));
const keys = rows.map((r) => r.name.toLowerCase());
const byNameDescending = sortOrder(rows, { column: "id", descending: true }, { id: (a, b) => a.id - b.id });

/** What a search over every row, from scratch, finds. */
const fresh = (search: string) => {
  const words = searchWords(search);
  return byNameDescending.map((i) => rows[i]!).filter((r) => words.every((w) => r.name.toLowerCase().includes(w)));
};

describe("filterInOrder", () => {
  test("typing on, a space, taking characters back: each keystroke finds what a fresh search does, in the list's order", () => {
    const order = sortOrder(rows, { column: "id", descending: true }, { id: (a, b) => a.id - b.id });
    for (const search of [
      "s",
      "st",
      "storage",
      "storage ",
      "storage 1",
      "storage 12",
      "storage 12 e",
      "storage 1",
      "x",
      "",
    ]) {
      const shown = filterInOrder(rows, order, keys, searchWords(search));
      expect(
        shown.map((r) => r.id),
        search,
      ).toEqual(fresh(search).map((r) => r.id));
    }
  });

  test("a space typed (the same words) gives the same rows, the same array", () => {
    const order = sortOrder(rows, null, {});
    const before = filterInOrder(rows, order, keys, searchWords("account 19"));
    const after = filterInOrder(rows, order, keys, searchWords("account 19 "));
    expect(after).toBe(before);
    expect(after.map((r) => r.id)).toEqual(
      rows.filter((r) => r.name.includes("account") && r.name.includes("19")).map((r) => r.id),
    );
  });

  test("other rows with the same order's indexes are searched afresh", () => {
    const order = sortOrder(rows, null, {});
    filterInOrder(rows, order, keys, searchWords("east"));
    const renamed = rows.map((r) => ({ ...r, name: r.name.replace("east", "north") }));
    const renamedKeys = renamed.map((r) => r.name.toLowerCase());
    expect(filterInOrder(renamed, order, renamedKeys, searchWords("east"))).toEqual([]);
  });
});
