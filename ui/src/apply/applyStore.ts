import {
  commands,
  events,
  type ApplyItem,
  type ApplyProgress,
  type ApplyReport,
  type ApplyStopped,
  type ErrorPayload,
  type ItemState,
} from "../ipc/bindings";
import { toErrorPayload } from "../shared/errors";

/** What the UI shows of one apply: its report, kept current by `apply-progress` events. */
export type ApplyView = {
  id: string;
  report: ApplyReport | null;
  items: readonly ApplyItem[];
  succeeded: number;
  failed: number;
  cancelled: number;
  /** Not sent: the exemption changed in Azure since the preview (changes to existing exemptions only). */
  changed: number;
  total: number;
  /** Every item reached a final state. */
  finished: boolean;
  cancelling: boolean;
  error: ErrorPayload | null;
  /** The backend stopped it before every write was final (an internal error); it can be resumed. */
  stopped: boolean;
  /** Some screen is showing it now. */
  watched: boolean;
  /** The user has seen it finish (or dismissed it): the shell stops mentioning it. */
  seen: boolean;
};

/** What the store keeps of one apply. Never changed in place: every change
 * puts a new entry (and a new report) in the map. */
type Entry = Readonly<{
  id: string;
  report: ApplyReport | null;
  /** Events that arrive while a report is being fetched, replayed onto it. */
  buffer: readonly ApplyProgress[] | null;
  /** Events since subscribers last heard, folded into the report when they next do. */
  pending: readonly ApplyProgress[];
  fetches: number;
  cancelling: boolean;
  error: ErrorPayload | null;
  stopped: boolean;
  watchers: number;
  seen: boolean;
  /** Every item was final when subscribers last heard: a finish is announced once per run. */
  finished: boolean;
}>;

const FINAL: ReadonlySet<ItemState> = new Set(["Succeeded", "Failed", "Cancelled", "Changed"]);
const RANK: Record<ItemState, number> = {
  Planned: 0,
  Sending: 1,
  Retrying: 2,
  Succeeded: 3,
  Failed: 3,
  Cancelled: 3,
  Changed: 3,
};
const NOTIFY_EVERY_MS = 50;

export const isFinal = (state: ItemState) => FINAL.has(state);

/** Every apply this window knows of, outside React: an apply goes on (and its
 * progress is kept) when the Exempt pane closes. Events are queued as they
 * come and folded in (into new objects, so an older view never changes) when
 * subscribers hear of them: at most every 50 ms, so thousands of writes don't
 * re-render thousands of times. */
class ApplyStore {
  private entries = new Map<string, Entry>();
  private orphans = new Map<string, readonly ApplyProgress[]>();
  private views = new Map<string, ApplyView>();
  private listAll: ApplyView[] | null = null;
  private dirty = new Set<string>();
  private listeners = new Set<() => void>();
  private finishListeners = new Set<(view: ApplyView) => void>();
  private listening: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  /** Hears of each apply whose every item became final (again, after a retry or resume). */
  onFinished(listener: (view: ApplyView) => void) {
    this.finishListeners.add(listener);
    return () => void this.finishListeners.delete(listener);
  }

  /** Listens to `apply-progress` and `apply-stopped` once for the whole window. */
  ensureListening(): Promise<void> {
    this.listening ??= Promise.all([
      events.applyProgress.listen((e) => this.onProgress(e.payload)),
      events.applyStopped.listen((e) => this.onStopped(e.payload)),
    ]).then(
      () => undefined,
      (error: unknown) => {
        this.listening = null;
        throw error;
      },
    );
    return this.listening;
  }

  /** Starts sending a prepared plan; resolves to the apply's id. */
  async start(planId: string): Promise<string> {
    await this.ensureListening();
    const id = await commands.applyPlan(planId);
    this.track(id);
    return id;
  }

  /** Follows an apply (started elsewhere, or interrupted): fetches its report once. */
  track(id: string) {
    if (this.entries.has(id)) return;
    this.entries.set(id, {
      id,
      report: null,
      buffer: this.orphans.get(id) ?? [],
      pending: [],
      fetches: 0,
      cancelling: false,
      error: null,
      stopped: false,
      watchers: 0,
      seen: false,
      finished: false,
    });
    this.orphans.delete(id);
    this.changed(id, true);
    void this.ensureListening()
      .catch(() => {})
      .then(() => this.refresh(id));
  }

  /** Fetches the report again, replaying what arrived meanwhile. */
  async refresh(id: string) {
    const started = this.update(id, (e) => ({ ...folded(e), fetches: e.fetches + 1, buffer: e.buffer ?? [] }));
    if (!started) return;
    const fetch = started.fetches;
    let outcome: (e: Entry) => Entry;
    try {
      const report = await commands.applyReport(id);
      outcome = (e) => ({ ...e, report: foldEvents(report, e.buffer ?? [], true), buffer: null, error: null });
    } catch (error) {
      const payload = toErrorPayload(error);
      outcome = (e) => ({ ...e, buffer: null, error: payload });
    }
    if (this.entries.get(id)?.fetches !== fetch) return;
    this.update(id, outcome);
    this.changed(id, true);
  }

  async cancel(id: string) {
    const entry = this.entries.get(id);
    if (!entry || entry.cancelling) return;
    this.update(id, (e) => ({ ...e, cancelling: true }));
    this.changed(id, true);
    try {
      await commands.cancelApply(id);
    } catch (error) {
      this.update(id, (e) => ({ ...e, cancelling: false, error: toErrorPayload(error) }));
      this.changed(id, true);
    }
  }

  /** Sends the failed writes again; progress keeps coming under the same id. */
  async retryFailed(id: string) {
    await this.again(id, () => commands.retryFailed(id));
  }

  /** Goes on with an interrupted apply. */
  async resume(id: string) {
    this.track(id);
    await this.again(id, () => commands.resumeApply(id));
  }

  private async again(id: string, send: () => Promise<unknown>) {
    await this.ensureListening();
    if (!this.update(id, (e) => ({ ...e, seen: false, cancelling: false, error: null, stopped: false }))) return;
    try {
      await send();
    } catch (error) {
      this.update(id, (e) => ({ ...e, error: toErrorPayload(error) }));
      this.changed(id, true);
      return;
    }
    await this.refresh(id);
  }

  /** A screen shows this apply while mounted; returns the function that stops it. */
  watch(id: string): () => void {
    if (!this.update(id, (e) => ({ ...e, watchers: e.watchers + 1 }))) return () => {};
    this.changed(id, true);
    return () => {
      const finished = this.view(id)?.finished ?? false;
      this.update(id, (e) => ({ ...e, watchers: e.watchers - 1, seen: e.seen || finished }));
      this.changed(id, true);
    };
  }

  dismiss(id: string) {
    if (!this.update(id, (e) => ({ ...e, seen: true }))) return;
    this.changed(id, true);
  }

  view = (id: string | null): ApplyView | null => {
    if (!id) return null;
    const cached = this.views.get(id);
    if (cached) return cached;
    let entry = this.entries.get(id);
    if (!entry) return null;
    const items = entry.report ? entry.report.items : [];
    let succeeded = 0,
      failed = 0,
      cancelled = 0,
      changed = 0;
    for (const item of items) {
      if (item.state === "Succeeded") succeeded++;
      else if (item.state === "Failed") failed++;
      else if (item.state === "Cancelled") cancelled++;
      else if (item.state === "Changed") changed++;
    }
    const finished = entry.report !== null && succeeded + failed + cancelled + changed === items.length;
    if (finished && entry.watchers > 0 && !entry.seen) entry = this.update(id, (e) => ({ ...e, seen: true }))!;
    const view: ApplyView = {
      id,
      report: entry.report,
      items,
      succeeded,
      failed,
      cancelled,
      changed,
      total: items.length,
      finished,
      cancelling: entry.cancelling && !finished,
      error: entry.error,
      stopped: entry.stopped && !finished,
      watched: entry.watchers > 0,
      seen: entry.seen,
    };
    this.views.set(id, view);
    return view;
  };

  all = (): ApplyView[] => {
    this.listAll ??= [...this.entries.keys()].map((id) => this.view(id)!);
    return this.listAll;
  };

  private onProgress(p: ApplyProgress) {
    const entry = this.entries.get(p.applyId);
    if (!entry) {
      this.orphans.set(p.applyId, [...(this.orphans.get(p.applyId) ?? []), p]);
      return;
    }
    if (entry.buffer) this.update(p.applyId, (e) => ({ ...e, buffer: [...(e.buffer ?? []), p] }));
    else if (entry.report) this.update(p.applyId, (e) => ({ ...e, pending: [...e.pending, p] }));
    this.changed(p.applyId, false);
  }

  /** The backend gave up on an apply (it panicked or failed inside): show why,
   * and read the journal again so the items show where they stopped. */
  private onStopped(s: ApplyStopped) {
    if (!this.update(s.applyId, (e) => ({ ...e, cancelling: false }))) return;
    void this.refresh(s.applyId).then(() => {
      this.update(s.applyId, (e) => ({ ...e, error: s.error, stopped: true }));
      this.changed(s.applyId, true);
    });
  }

  /** Replaces an entry; returns the new one, or null when the apply is unknown. */
  private update(id: string, change: (e: Entry) => Entry): Entry | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    const next = change(entry);
    this.entries.set(id, next);
    return next;
  }

  private changed(id: string, now: boolean) {
    this.dirty.add(id);
    if (now) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), NOTIFY_EVERY_MS);
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ids = [...this.dirty];
    this.dirty.clear();
    const finished: ApplyView[] = [];
    for (const id of ids) {
      const entry = this.update(id, folded);
      this.views.delete(id);
      this.listAll = null;
      const view = this.view(id);
      if (!entry || !view) continue;
      if (view.finished && !entry.finished) finished.push(view);
      if (view.finished !== entry.finished) this.update(id, (e) => ({ ...e, finished: view.finished }));
    }
    for (const listener of [...this.listeners]) listener();
    for (const view of finished) for (const listener of [...this.finishListeners]) listener(view);
  }

  /** For tests: forget everything. */
  reset() {
    this.entries.clear();
    this.orphans.clear();
    this.views.clear();
    this.dirty.clear();
    this.listAll = null;
    this.listening = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The entry with its queued events folded into its report. */
function folded(e: Entry): Entry {
  if (e.pending.length === 0) return e;
  return { ...e, report: e.report ? foldEvents(e.report, e.pending, false) : null, pending: [] };
}

/** Folds events into a report, giving a new report (and new objects for the
 * items that changed; the others are shared). `guarded`: the events may be
 * older than the report (they came while the report was fetched), so they may
 * only move an item on. */
export function foldEvents(report: ApplyReport, events: readonly ApplyProgress[], guarded: boolean): ApplyReport {
  let items: ApplyItem[] | null = null;
  for (const p of events) {
    const list: readonly ApplyItem[] = items ?? report.items;
    const at = list[p.index]?.index === p.index ? p.index : list.findIndex((i) => i.index === p.index);
    const item = list[at];
    if (!item) continue;
    if (
      guarded &&
      !(p.attempts > item.attempts || (p.attempts === item.attempts && RANK[p.state] >= RANK[item.state]))
    ) {
      continue;
    }
    items ??= report.items.slice();
    items[at] = { ...item, state: p.state, attempts: p.attempts, message: p.message };
  }
  return items ? { ...report, items } : report;
}

export const applyStore = new ApplyStore();
