import { startTransition, useDeferredValue, useEffect, useMemo, useState } from "react";

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

/** The order of `rows` as indexes into it: by the sorted column (ties in the default
 * order, then the order rows came in), or by the default order, or as they came. */
export function sortOrder<T>(
  rows: readonly T[],
  sort: SortState,
  compares: Readonly<Record<string, Compare<T>>>,
  defaultCompare?: Compare<T>,
): number[] {
  const order = Array.from({ length: rows.length }, (_, i) => i);
  const by = sort ? compares[sort.column] : undefined;
  const sign = sort?.descending ? -1 : 1;
  if (by) order.sort((a, b) => sign * by(rows[a]!, rows[b]!) || (defaultCompare?.(rows[a]!, rows[b]!) ?? 0) || a - b);
  else if (defaultCompare) order.sort((a, b) => defaultCompare(rows[a]!, rows[b]!) || a - b);
  return order;
}

/** `rows` in `order` whose key (same index as the row) holds every word.
 *
 * The last search over each order is kept, so typing on costs what the last
 * keystroke found, not the whole list: when every word of that search is part
 * of a word now, only what it found is looked at again; when the words are the
 * same (a space typed), its rows are returned as they were (the same array, so
 * the table has nothing to do). What was found is kept as a typed array, which
 * the garbage collector does not have to trace (a keystroke over 50,000 rows
 * otherwise leaves arrays of 50,000 behind). */
export function filterInOrder<T>(
  rows: readonly T[],
  order: readonly number[],
  keys: readonly string[],
  words: readonly string[],
): T[] {
  const start = plan(rows, order, keys, words);
  if ("done" in start) return start.done;
  const hits = new Int32Array(start.from.length);
  const n = matchSome(start.from, 0, start.from.length, keys, words, hits, 0);
  return record(rows, order, keys, words, hits, n);
}

/** Candidates a search looks at within the keystroke's render; more, and it
 * looks in slices between frames ([`filterInSlices`]). */
const AT_ONCE = 5_000;
/** How long one slice may take, in milliseconds (a frame is 16). */
const SLICE_MS = 5;

/** [`filterInOrder`] when it has at most [`AT_ONCE`] rows to look at; else `null`. */
function filterIfQuick<T>(
  rows: readonly T[],
  order: readonly number[],
  keys: readonly string[],
  words: readonly string[],
) {
  const start = plan(rows, order, keys, words);
  if ("done" in start) return start.done;
  return start.from.length <= AT_ONCE ? filterInOrder(rows, order, keys, words) : null;
}

/** [`filterInOrder`] in slices of a few milliseconds, yielding to the browser
 * between them (frames, input), so no search over 50,000 rows holds up a frame;
 * `done` gets the rows. Returns a function that cancels it (the next keystroke). */
function filterInSlices<T>(
  rows: readonly T[],
  order: readonly number[],
  keys: readonly string[],
  words: readonly string[],
  done: (shown: T[]) => void,
): () => void {
  const start = plan(rows, order, keys, words);
  if ("done" in start) {
    done(start.done);
    return () => {};
  }
  const { from } = start;
  const hits = new Int32Array(from.length);
  let n = 0;
  let next = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const until = performance.now() + SLICE_MS;
    while (next < from.length && performance.now() < until) {
      const end = Math.min(from.length, next + 1_000);
      n = matchSome(from, next, end, keys, words, hits, n);
      next = end;
    }
    if (next < from.length) channel.port2.postMessage(null);
    else {
      channel.port1.close();
      done(record(rows, order, keys, words, hits, n));
    }
  };
  channel.port2.postMessage(null);
  return () => channel.port1.close();
}

/** Where a search starts: the same words as the last search over `order` give
 * its rows; words that narrow it look only at what it found; else every row. */
function plan<T>(
  rows: readonly T[],
  order: readonly number[],
  keys: readonly string[],
  words: readonly string[],
): { done: T[] } | { from: ArrayLike<number> } {
  const last = lastSearch.get(order);
  const sameKeys = last !== undefined && last.keys === keys && last.rows === rows;
  if (sameKeys && last.words.length === words.length && last.words.every((w, i) => w === words[i]))
    return { done: last.shown as T[] };
  const narrowing = sameKeys && last.words.every((o) => words.some((w) => w.includes(o)));
  return { from: narrowing ? last.found : order };
}

/** Appends to `hits` (from `n` on) the indexes of `from[start..end)` whose key holds every word; the new count. */
function matchSome(
  from: ArrayLike<number>,
  start: number,
  end: number,
  keys: readonly string[],
  words: readonly string[],
  hits: Int32Array,
  n: number,
): number {
  outer: for (let k = start; k < end; k++) {
    const i = from[k]!;
    const key = keys[i]!;
    for (const w of words) if (!key.includes(w)) continue outer;
    hits[n++] = i;
  }
  return n;
}

/** The rows of the first `n` hits, kept as the last search over `order`. */
function record<T>(
  rows: readonly T[],
  order: readonly number[],
  keys: readonly string[],
  words: readonly string[],
  hits: Int32Array,
  n: number,
): T[] {
  const found = hits.slice(0, n);
  const shown: T[] = [];
  for (let k = 0; k < n; k++) shown.push(rows[found[k]!]!);
  lastSearch.set(order, { rows, keys, words, found, shown });
  return shown;
}

/** The last search over each order (see [`filterInOrder`]). */
const lastSearch = new WeakMap<
  readonly number[],
  { rows: readonly unknown[]; keys: readonly string[]; words: readonly string[]; found: Int32Array; shown: unknown[] }
>();

/** Each row's search key, lower-cased, in row order. When `rows` only grew
 * (a streamed read appending a batch), the keys already made are kept and only
 * the new rows' are computed. */
function searchKeys<T>(
  rows: readonly T[],
  searchText: (row: T) => string,
  previous: SearchKeys<T> | null,
): SearchKeys<T> {
  const reuse =
    previous !== null &&
    previous.searchText === searchText &&
    previous.rows.length <= rows.length &&
    previous.rows.length > 0 &&
    previous.rows[0] === rows[0] &&
    previous.rows[previous.rows.length - 1] === rows[previous.rows.length - 1];
  const keys = reuse ? previous.keys.slice() : [];
  for (let i = keys.length; i < rows.length; i++) keys.push(searchText(rows[i]!).toLowerCase());
  return { rows, searchText, keys };
}
type SearchKeys<T> = { rows: readonly T[]; searchText: (row: T) => string; keys: string[] };

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
 * Sorting happens only when the rows or the sort change, and orders indexes,
 * not rows. Each row's search key is computed once (rows appended while a read
 * streams in cost only their own keys). A keystroke filters the sorted indexes
 * against those keys at a deferred priority, so the search box never waits for
 * the list: a search with few rows to look at (typing on narrows the last one)
 * within that render, a search over more in slices of a few milliseconds
 * between frames, the list showing the last rows found meanwhile; `stale` says
 * the shown rows are for an older search. */
export function useListView<T extends object>(rows: readonly T[], options: Options<T>) {
  const { searchText, search, sort, compares, defaultCompare } = options;
  const [keyed, setKeyed] = useState<SearchKeys<T> | null>(null);
  // Adjusting state while rendering: the keys follow the rows in the same render.
  let current = keyed;
  if (current === null || current.rows !== rows || current.searchText !== searchText) {
    current = searchKeys(rows, searchText, keyed);
    setKeyed(current);
  }
  const keys = current.keys;
  const order = useMemo(
    () => sortOrder(rows, sort, compares, defaultCompare),
    // The compare functions are module-level constants by convention.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [rows, sort],
  );
  const deferred = useDeferredValue(search);
  const words = useMemo(() => searchWords(deferred), [deferred]);
  const unfiltered = useMemo(() => order.map((i) => rows[i]!), [rows, order]);
  const quick = useMemo(
    () => (words.length === 0 ? unfiltered : filterIfQuick(rows, order, keys, words)),
    [rows, order, keys, words, unfiltered],
  );
  const [sliced, setSliced] = useState<Sliced<T> | null>(null);
  useEffect(() => {
    if (quick !== null) return;
    // A transition: React renders the page for the rows found in slices too
    // (an update from a message would otherwise render it in one task).
    return filterInSlices(rows, order, keys, words, (shown) =>
      startTransition(() => setSliced({ rows, order, keys, words, shown })),
    );
  }, [quick, rows, order, keys, words]);
  const fresh =
    sliced !== null && sliced.rows === rows && sliced.order === order && sliced.keys === keys && sliced.words === words;
  const settled = quick ?? (fresh ? sliced.shown : null);
  // What the list shows while a search goes on in slices: the rows last settled.
  const [last, setLast] = useState<readonly T[]>(unfiltered);
  if (settled !== null && settled !== last) setLast(settled);
  return { shown: settled ?? last, total: rows.length, stale: deferred !== search || settled === null };
}
type Sliced<T> = { rows: readonly T[]; order: readonly number[]; keys: readonly string[]; words: string[]; shown: T[] };

const NUMBER = new Intl.NumberFormat("en-US");

/** "12 of 50,000 shown", "50,000 exemptions", and while a read still streams in, "loading… 3,000 so far". */
export function countLabel(shown: number, total: number, noun: string, loading: boolean): string {
  const n = (x: number) => NUMBER.format(x);
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
