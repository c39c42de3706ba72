import type { QueryFunctionContext, QueryKey, QueryState } from "@tanstack/react-query";
import { Channel } from "@tauri-apps/api/core";
import { toErrorPayload } from "../shared/errors";
import { commands } from "./bindings";

/** Long reads (recommendations, a recommendation's resources, exemptions) run
 * under an id the window chooses, so it can stop one nobody shows any more;
 * they send their rows in batches over a channel as they arrive (the
 * recommendations: their whole list so far, after each part is counted). */

let started = 0;
const session = Date.now().toString(36);
/** Unique for this window's life (the backend cancels an older read under the same id). */
const nextReadId = () => `read-${session}-${++started}`;

/** What a read the window stopped fails with (the backend's `read_cancelled`). */
const READ_CANCELLED = { code: "read_cancelled", message: "The read was stopped.", details: null };

/** Whether an error is a read that was stopped (`read_cancelled`): never an error to show. */
export function isReadCancelled(error: unknown): boolean {
  return !!error && toErrorPayload(error).code === "read_cancelled";
}

/** Runs `read` under a fresh read id; TanStack's abort (the screen unmounted,
 * the key changed, a refetch replaced it) cancels it in the backend. */
export async function cancellable<T>(signal: AbortSignal, read: (readId: string) => Promise<T>): Promise<T> {
  const readId = nextReadId();
  const cancel = () => void commands.cancelRead(readId).catch(() => undefined);
  signal.addEventListener("abort", cancel, { once: true });
  try {
    return await read(readId);
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

/** Lists holding only the rows read so far: the read is still running. */
const partialLists = new WeakSet<object>();

/** How many rows a list holds so far while its read runs ("N so far…"); null once it is whole. */
export function rowsSoFar(data: unknown): number | null {
  return Array.isArray(data) && partialLists.has(data) ? data.length : null;
}

/** How often the rows so far are written into the query at most (batches in between are merged). */
const FLUSH_MS = 50;

/** How far a list read in parts is counted (the recommendations: subscriptions counted so far, out of all). */
export type Counted = { counted: number; subscriptions: number };

const countedLists = new WeakMap<object, Counted>();

/** How far the list shown is counted while its read in parts runs ("counting… N of M"); null once it is whole. */
export function countedSoFar(data: unknown): Counted | null {
  return typeof data === "object" && data !== null ? (countedLists.get(data) ?? null) : null;
}

/** A streamed read as a TanStack query function: while the query has no whole
 * list yet, each batch is written into the query's data (marked partial, and
 * stale, so a screen that comes back reads again); the query resolves with the
 * whole list. A query already showing a whole list keeps it until the new one
 * is whole. When the read is cancelled, the rows so far leave the cache.
 *
 * The command answers with the whole list, or only with how many rows it sent
 * (`recommendation_resources`): then the whole list is the rows that came over
 * the channel, kept in one array as they arrive, and no second copy of
 * thousands of rows is parsed (WebKit keeps the memory of every copy). */
export function streamed<T>(
  context: QueryFunctionContext<QueryKey>,
  start: (readId: string, onRows: Channel<T[]>) => Promise<T[] | number>,
): Promise<T[]> {
  const soFar: T[] = [];
  return progressive<T>(context, async (readId, show) => {
    let whole: ((rows: T[]) => void) | null = null;
    let sent = -1;
    const answer = await start(
      readId,
      new Channel<T[]>((batch) => {
        for (const row of batch) soFar.push(row);
        if (sent < 0) show(soFar);
        else if (soFar.length >= sent) whole?.(soFar);
      }),
    );
    if (Array.isArray(answer)) return answer;
    // Tauri delivers a large batch after a fetch of its own, which may end
    // after the command's answer: the list is whole once `answer` rows came.
    sent = answer;
    if (soFar.length >= sent) return soFar;
    return new Promise<T[]>((resolve, reject) => {
      whole = resolve;
      context.signal.addEventListener("abort", () => reject(READ_CANCELLED), { once: true });
    });
  });
}

/** A read whose every part is its whole list so far (the recommendations,
 * counted a chunk of subscriptions at a time) as a TanStack query function:
 * each part replaces the rows shown, marked with how far it is counted
 * (`countedSoFar`); otherwise as `streamed`. */
export function streamedParts<T, P extends Counted>(
  context: QueryFunctionContext<QueryKey>,
  rowsOf: (part: P) => T[],
  start: (readId: string, onParts: Channel<P>) => Promise<T[]>,
): Promise<T[]> {
  return progressive<T>(context, (readId, show) =>
    start(
      readId,
      new Channel<P>((part) => show(rowsOf(part), { counted: part.counted, subscriptions: part.subscriptions })),
    ),
  );
}

/** What `streamed` and `streamedParts` share: `show(rows, counted)` writes the
 * rows so far into the query (at most every `FLUSH_MS`) unless it shows a
 * whole list already; a read that ends without its whole list puts back what
 * was there before it. */
function progressive<T>(
  { client, queryKey, signal }: QueryFunctionContext<QueryKey>,
  start: (readId: string, show: (rows: T[], counted?: Counted) => void) => Promise<T[]>,
): Promise<T[]> {
  const query = client.getQueryCache().find<T[]>({ queryKey, exact: true });
  const before: QueryState<T[], Error> | undefined = query ? { ...query.state } : undefined;
  const showRows = before?.data === undefined || rowsSoFar(before.data) !== null;
  let soFar: T[] = [];
  let counted: Counted | undefined;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The read has ended: a part or batch Tauri delivers after the answer
   * (it fetches a large message apart) never replaces the whole list. */
  let settled = false;
  const flush = () => {
    timer = null;
    if (signal.aborted) return;
    const rows = [...soFar];
    partialLists.add(rows);
    if (counted) countedLists.set(rows, counted);
    client.setQueryData<T[]>(queryKey, rows, { updatedAt: 0 });
  };
  const stop = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const show = (rows: T[], progress?: Counted) => {
    if (!showRows || signal.aborted || settled) return;
    soFar = rows;
    counted = progress;
    timer ??= setTimeout(flush, FLUSH_MS);
  };
  // TanStack keeps data set during a fetch; a read that ends without its whole
  // list puts back what was there before it.
  const forget = (fetchStatus: "idle" | "fetching") => {
    stop();
    if (query && before && rowsSoFar(query.state.data) !== null) query.setState({ ...before, fetchStatus });
  };
  const cancelled = () => forget("idle");
  signal.addEventListener("abort", cancelled, { once: true });
  return cancellable(signal, (readId) => start(readId, show))
    .catch((error: unknown) => {
      if (!signal.aborted) forget("fetching");
      throw error;
    })
    .finally(() => {
      settled = true;
      stop();
      signal.removeEventListener("abort", cancelled);
    });
}
