import { useDeferredValue, useMemo, useState } from "react";

/** Which column a list is sorted by; `null` is the list's own order. */
export type SortState = { column: string; descending: boolean } | null;

export type Compare<T> = (a: T, b: T) => number;

/** Sorting names: case- and accent-insensitive, with numbers in number order. */
const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });
export const compareText = (a: string, b: string) => collator.compare(a, b);

/** The words of a search, lower-cased; a row matches when its search key holds every one. */
export function searchWords(search: string): string[] {
  return search.toLowerCase().split(/\s+/).filter(Boolean);
}

/** `rows` (already in order) whose key, at the same index in `keys`, holds every word. */
export function filterByWords<T>(rows: readonly T[], keys: readonly string[], words: readonly string[]): readonly T[] {
  if (words.length === 0) return rows;
  const out: T[] = [];
  for (let i = 0; i < rows.length; i++) {
    const key = keys[i]!;
    let all = true;
    for (const w of words) {
      if (!key.includes(w)) {
        all = false;
        break;
      }
    }
    if (all) out.push(rows[i]!);
  }
  return out;
}

export function sortRows<T>(
  rows: readonly T[],
  sort: SortState,
  compares: Readonly<Record<string, Compare<T>>>,
  defaultCompare?: Compare<T>,
): readonly T[] {
  const by = sort ? compares[sort.column] : undefined;
  if (sort && by) {
    const sign = sort.descending ? -1 : 1;
    // Ties fall back to the list's own order, so a sort is stable and predictable.
    return [...rows].sort((a, b) => sign * by(a, b) || (defaultCompare ? defaultCompare(a, b) : 0));
  }
  return defaultCompare ? [...rows].sort(defaultCompare) : rows;
}

type Options<T> = {
  /** The text a search looks in; computed once per row and kept (lower-cased) while the row
   * is. Keep it the same function (module-level, or `useCallback`) or every key is recomputed. */
  searchText: (row: T) => string;
  search: string;
  sort: SortState;
  /** How each sortable column compares two rows (ascending). */
  compares: Readonly<Record<string, Compare<T>>>;
  /** The order without a column sort (and for ties); none keeps the order rows came in. */
  defaultCompare?: Compare<T>;
};

/** A list's rows sorted and filtered, cheaply enough to follow every keystroke.
 *
 * Sorting happens only when the rows or the sort change. Each row's search
 * key is computed once (cached by row object, so rows appended while a read
 * streams in cost only their own keys). A keystroke filters the sorted rows
 * against those keys at a deferred priority, so the search box never waits
 * for the list; `stale` says the shown rows are for an older search. */
export function useListView<T extends object>(rows: readonly T[], options: Options<T>) {
  const { searchText, search, sort, compares, defaultCompare } = options;
  // A new `searchText` (say, subscription names now known) starts a new cache.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const cache = useMemo(() => new WeakMap<T, string>(), [searchText]);
  const sorted = useMemo(
    () => sortRows(rows, sort, compares, defaultCompare),
    // The compare functions are module-level constants by convention.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, sort],
  );
  const keys = useMemo(() => {
    return sorted.map((row) => {
      let key = cache.get(row);
      if (key === undefined) {
        key = searchText(row).toLowerCase();
        cache.set(row, key);
      }
      return key;
    });
  }, [sorted, cache, searchText]);
  const deferred = useDeferredValue(search);
  const shown = useMemo(() => filterByWords(sorted, keys, searchWords(deferred)), [sorted, keys, deferred]);
  return { shown, total: rows.length, stale: deferred !== search };
}

/** "12 of 50,000 shown", "50,000 exemptions", and while a read still streams in, "loading… 3,000 so far". */
export function countLabel(shown: number, total: number, noun: string, loading: boolean): string {
  const n = (x: number) => x.toLocaleString("en-US");
  const plural = total === 1 ? noun : `${noun}s`;
  if (shown === total) return loading ? `loading… ${n(total)} so far` : `${n(total)} ${plural}`;
  const count = `${n(shown)} of ${n(total)} shown`;
  return loading ? `${count} · loading… ${n(total)} so far` : count;
}

/** Whether a query's rows are still arriving: it is fetching and its data has
 * grown since the fetch began (a streamed read hands rows over in batches).
 * A plain refetch of data already shown is not "arriving". */
export function useArriving(query: { isFetching: boolean; dataUpdatedAt: number }): boolean {
  const [since, setSince] = useState<number | null>(null);
  if (query.isFetching && since === null) setSince(query.dataUpdatedAt);
  if (!query.isFetching && since !== null) setSince(null);
  return query.isFetching && since !== null && query.dataUpdatedAt > since;
}
