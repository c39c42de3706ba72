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

type Entry = {
  id: string;
  report: ApplyReport | null;
  /** Events that arrive while a report is being fetched, replayed onto it. */
  buffer: ApplyProgress[] | null;
  fetches: number;
  cancelling: boolean;
  error: ErrorPayload | null;
  stopped: boolean;
  watchers: number;
  seen: boolean;
};

const FINAL: ReadonlySet<ItemState> = new Set(["Succeeded", "Failed", "Cancelled"]);
const RANK: Record<ItemState, number> = { Planned: 0, Sending: 1, Retrying: 2, Succeeded: 3, Failed: 3, Cancelled: 3 };
const NOTIFY_EVERY_MS = 50;

export const isFinal = (state: ItemState) => FINAL.has(state);

/** Every apply this window knows of, outside React: an apply goes on (and its
 * progress is kept) when the Exempt pane closes. Events are folded in as they
 * come; subscribers hear of them at most every 50 ms, so thousands of writes
 * don't re-render thousands of times. */
class ApplyStore {
  private entries = new Map<string, Entry>();
  private orphans = new Map<string, ApplyProgress[]>();
  private views = new Map<string, ApplyView>();
  private listAll: ApplyView[] | null = null;
  private listeners = new Set<() => void>();
  private listening: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

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
    const entry: Entry = {
      id, report: null, buffer: this.orphans.get(id) ?? [], fetches: 0,
      cancelling: false, error: null, stopped: false, watchers: 0, seen: false,
    };
    this.orphans.delete(id);
    this.entries.set(id, entry);
    this.changed(id, true);
    void this.ensureListening().catch(() => {}).then(() => this.refresh(id));
  }

  /** Fetches the report again, replaying what arrived meanwhile. */
  async refresh(id: string) {
    const entry = this.entries.get(id);
    if (!entry) return;
    const fetch = ++entry.fetches;
    entry.buffer ??= [];
    try {
      const report = await commands.applyReport(id);
      if (fetch !== entry.fetches) return;
      for (const p of entry.buffer ?? []) applyEvent(report, p, true);
      entry.report = report;
      entry.error = null;
    } catch (error) {
      if (fetch !== entry.fetches) return;
      entry.error = toErrorPayload(error);
    }
    entry.buffer = null;
    this.changed(id, true);
  }

  async cancel(id: string) {
    const entry = this.entries.get(id);
    if (!entry || entry.cancelling) return;
    entry.cancelling = true;
    this.changed(id, true);
    try {
      await commands.cancelApply(id);
    } catch (error) {
      entry.cancelling = false;
      entry.error = toErrorPayload(error);
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
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.seen = false;
    entry.cancelling = false;
    entry.error = null;
    entry.stopped = false;
    try {
      await send();
    } catch (error) {
      entry.error = toErrorPayload(error);
      this.changed(id, true);
      return;
    }
    await this.refresh(id);
  }

  /** A screen shows this apply while mounted; returns the function that stops it. */
  watch(id: string): () => void {
    const entry = this.entries.get(id);
    if (!entry) return () => {};
    entry.watchers++;
    this.changed(id, true);
    return () => {
      entry.watchers--;
      if (this.view(id)?.finished) entry.seen = true;
      this.changed(id, true);
    };
  }

  dismiss(id: string) {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.seen = true;
    this.changed(id, true);
  }

  view = (id: string | null): ApplyView | null => {
    if (!id) return null;
    const cached = this.views.get(id);
    if (cached) return cached;
    const entry = this.entries.get(id);
    if (!entry) return null;
    const items = entry.report ? entry.report.items.slice() : [];
    let succeeded = 0, failed = 0, cancelled = 0;
    for (const item of items) {
      if (item.state === "Succeeded") succeeded++;
      else if (item.state === "Failed") failed++;
      else if (item.state === "Cancelled") cancelled++;
    }
    const finished = entry.report !== null && succeeded + failed + cancelled === items.length;
    if (finished && entry.watchers > 0) entry.seen = true;
    const view: ApplyView = {
      id, report: entry.report, items, succeeded, failed, cancelled, total: items.length, finished,
      cancelling: entry.cancelling && !finished, error: entry.error, stopped: entry.stopped && !finished,
      watched: entry.watchers > 0, seen: entry.seen,
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
      const list = this.orphans.get(p.applyId) ?? [];
      list.push(p);
      this.orphans.set(p.applyId, list);
      return;
    }
    if (entry.buffer) entry.buffer.push(p);
    else if (entry.report) applyEvent(entry.report, p, false);
    this.changed(p.applyId, false);
  }

  /** The backend gave up on an apply (it panicked or failed inside): show why,
   * and read the journal again so the items show where they stopped. */
  private onStopped(s: ApplyStopped) {
    const entry = this.entries.get(s.applyId);
    if (!entry) return;
    entry.cancelling = false;
    void this.refresh(s.applyId).then(() => {
      entry.error = s.error;
      entry.stopped = true;
      this.changed(s.applyId, true);
    });
  }

  private changed(id: string, now: boolean) {
    this.views.delete(id);
    this.listAll = null;
    if (now) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), NOTIFY_EVERY_MS);
  }

  private flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const listener of [...this.listeners]) listener();
  }

  /** For tests: forget everything. */
  reset() {
    this.entries.clear();
    this.orphans.clear();
    this.views.clear();
    this.listAll = null;
    this.listening = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Folds one event into a report. `guarded`: the event may be older than the
 * report (it came while the report was fetched), so it may only move an item on. */
function applyEvent(report: ApplyReport, p: ApplyProgress, guarded: boolean) {
  const item = report.items[p.index]?.index === p.index ? report.items[p.index] : report.items.find((i) => i.index === p.index);
  if (!item) return;
  if (guarded && !(p.attempts > item.attempts || (p.attempts === item.attempts && RANK[p.state] >= RANK[item.state]))) {
    return;
  }
  item.state = p.state;
  item.attempts = p.attempts;
  item.message = p.message;
}

export const applyStore = new ApplyStore();
