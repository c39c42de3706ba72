import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { ApplyProgress, ApplyReport, ItemState } from "../ipc/bindings";
import { SUBS, emitEvent, emitProgress, preparationFor, reportFor, resetEvents } from "../test/fakeIpc";
import { applyStore, type ApplyView } from "./applyStore";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const ID = "apply-1";
const preparation = preparationFor({
  recommendationKey: "rec",
  scope: { kind: "subscriptions", ids: SUBS.map((s) => s.id) },
  name: "waiver",
  displayName: "",
  expiresOn: null,
  utcOffsetMinutes: 0,
  category: "Waiver",
  description: "",
});
let report: ApplyReport;

const event = (index: number, state: ItemState, attempts = 1): ApplyProgress => ({
  applyId: ID,
  index,
  state,
  attempts,
  message: null,
  succeeded: 0,
  failed: 0,
  total: 3,
});

/** Tracks the apply and waits until its report is in. */
async function tracked(): Promise<ApplyView> {
  applyStore.track(ID);
  await vi.waitFor(() => expect(applyStore.view(ID)?.report).not.toBeNull());
  return applyStore.view(ID)!;
}

beforeEach(() => {
  applyStore.reset();
  resetEvents();
  invokeMock.mockReset();
  report = reportFor(ID, preparation, "rec");
  invokeMock.mockImplementation(async (cmd: string) => {
    if (cmd === "apply_report") return structuredClone(report);
    return null;
  });
});
afterEach(() => vi.useRealTimers());

describe("apply store", () => {
  test("an event gives a new view; the view held before it is unchanged, and untouched items are shared", async () => {
    const before = await tracked();
    const snapshot = structuredClone(before);
    const reportBefore = before.report;

    emitProgress(event(0, "Succeeded"));
    await vi.waitFor(() => expect(applyStore.view(ID)).not.toBe(before));
    const after = applyStore.view(ID)!;

    expect(after.items[0]!.state).toBe("Succeeded");
    expect(after.succeeded).toBe(1);
    expect(after.report).not.toBe(reportBefore);
    // Nothing the old view reaches changed: not its items, not its report.
    expect(before).toEqual(snapshot);
    expect(before.items[0]!.state).toBe("Planned");
    expect(reportBefore!.items[0]!.state).toBe("Planned");
    // Only the item that moved is a new object.
    expect(after.items[1]).toBe(before.items[1]);
    expect(after.items[0]).not.toBe(before.items[0]);
  });

  test("events are batched: many events in a burst notify subscribers once", async () => {
    await tracked();
    vi.useFakeTimers();
    const heard = vi.fn();
    const stop = applyStore.subscribe(heard);
    for (let i = 0; i < 50; i++) emitProgress(event(i % 3, i % 2 === 0 ? "Sending" : "Retrying", i + 1));
    expect(heard).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60);
    expect(heard).toHaveBeenCalledTimes(1);
    expect(applyStore.view(ID)!.items.map((i) => i.attempts)).toEqual([49, 50, 48]);
    stop();
  });

  test("events that arrive while the report is fetched are replayed onto it, never moving an item back", async () => {
    let release: () => void = () => {};
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd !== "apply_report") return null;
      const fetched = structuredClone(report);
      fetched.items[1]!.state = "Succeeded";
      fetched.items[1]!.attempts = 1;
      return new Promise((r) => (release = () => r(fetched)));
    });
    applyStore.track(ID);
    await vi.waitFor(() => expect(invokeMock).toHaveBeenCalledWith("apply_report", { applyId: ID }));
    emitProgress(event(0, "Succeeded"));
    emitProgress(event(1, "Sending")); // older than the report: ignored
    release();
    await vi.waitFor(() => expect(applyStore.view(ID)?.report).not.toBeNull());
    expect(applyStore.view(ID)!.items.map((i) => i.state)).toEqual(["Succeeded", "Succeeded", "Planned"]);
  });

  test("a finish is announced once per run, again after a retry", async () => {
    const finished = vi.fn();
    const stop = applyStore.onFinished(finished);
    await tracked();
    emitProgress(event(0, "Succeeded"));
    emitProgress(event(1, "Failed", 3));
    emitProgress(event(2, "Succeeded"));
    await vi.waitFor(() => expect(finished).toHaveBeenCalledTimes(1));
    expect(finished.mock.calls[0]![0]).toMatchObject({ id: ID, finished: true, failed: 1 });
    applyStore.dismiss(ID); // another notification, not another finish
    expect(finished).toHaveBeenCalledTimes(1);

    report.items = report.items.map((i) => ({ ...i, state: i.index === 1 ? "Planned" : "Succeeded", attempts: 1 }));
    await applyStore.retryFailed(ID);
    expect(applyStore.view(ID)!.finished).toBe(false);
    emitProgress(event(1, "Succeeded", 4));
    await vi.waitFor(() => expect(finished).toHaveBeenCalledTimes(2));
    stop();
  });

  test("apply-stopped: the report is read again and the view says why, as a new object", async () => {
    const before = await tracked();
    report.items[0]!.state = "Succeeded";
    emitEvent("apply-stopped", { applyId: ID, error: { code: "internal", message: "stopped", details: null } });
    await vi.waitFor(() => expect(applyStore.view(ID)!.stopped).toBe(true));
    const after = applyStore.view(ID)!;
    expect(after.error?.message).toBe("stopped");
    expect(after.items[0]!.state).toBe("Succeeded");
    expect(before.stopped).toBe(false);
    expect(before.items[0]!.state).toBe("Planned");
  });
});
