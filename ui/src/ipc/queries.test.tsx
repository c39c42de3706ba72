import { QueryClient, useQuery } from "@tanstack/react-query";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { applyStore } from "../apply/applyStore";
import { CHANGE_KEY } from "../apply/changeKey";
import { FakeChannel, SUBS, emitProgress, preparationFor, reportFor, resetEvents } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import type {
  AssessedResource,
  Exemption,
  ExemptionDraft,
  Recommendation,
  RecommendationsSoFar,
  SessionInfo,
} from "./bindings";
import {
  RESOURCES_KEPT,
  countedSoFar,
  invalidate,
  queries,
  queryError,
  queryKeys,
  rowsSoFar,
  useRecommendationResources,
} from "./queries";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);
const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);

const IDS = [SUBS[0]!.id];
const DRAFT: ExemptionDraft = {
  recommendationKey: "rec-a",
  scope: { kind: "subscriptions", ids: IDS },
  name: "waiver",
  displayName: "",
  expiresOn: null,
  utcOffsetMinutes: 0,
  category: "Waiver",
  description: "",
};

function Exemptions() {
  const exemptions = useQuery(queries.exemptions(IDS));
  return <span data-testid="exemptions">{exemptions.data ? exemptions.data.length : "…"}</span>;
}

/** A client holding an answer for one key of every kind. */
function seeded() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
  const keys = {
    session: queryKeys.session,
    profiles: queryKeys.profiles,
    subscriptions: queryKeys.subscriptions,
    managementGroups: queryKeys.managementGroups,
    recommendations: queryKeys.recommendations(IDS),
    exemptions: queryKeys.exemptions(IDS),
    resourcesA: queryKeys.resources("rec-a", IDS),
    resourcesB: queryKeys.resources("rec-b", IDS),
    preparation: queryKeys.preparation(DRAFT),
    effect1: queryKeys.effect("apply-1"),
    effect2: queryKeys.effect("apply-2"),
    unfinished: queryKeys.unfinished,
    draft: queryKeys.draft,
    register: queryKeys.register,
    expiring: queryKeys.expiring,
    settings: queryKeys.settings,
  };
  for (const key of Object.values(keys)) client.setQueryData(key, []);
  const stale = () =>
    Object.entries(keys)
      .filter(([, key]) => client.getQueryState(key)?.isInvalidated)
      .map(([name]) => name)
      .sort();
  return { client, stale };
}

beforeEach(() => {
  invokeMock.mockReset();
  applyStore.reset();
  resetEvents();
});

describe("invalidation after writes", () => {
  test("when an apply finishes, the exemptions on screen are read again, pane or no pane", async () => {
    const report = reportFor("apply-1", preparationFor(DRAFT), "rec-a");
    let exemptions = 0;
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "list_exemptions") return Array.from({ length: exemptions }, (_, i) => ({ id: `x${i}` }));
      if (cmd === "apply_report") return structuredClone(report);
      return null;
    });
    renderWithProviders(<Exemptions />);
    expect(await screen.findByText("0")).toBeInTheDocument();
    applyStore.track("apply-1");
    await waitFor(() => expect(applyStore.view("apply-1")?.report).not.toBeNull());
    expect(callsOf("list_exemptions")).toHaveLength(1);

    exemptions = 1;
    emitProgress({
      applyId: "apply-1",
      index: 0,
      state: "Succeeded",
      attempts: 1,
      message: null,
      succeeded: 1,
      failed: 0,
      total: 1,
    });
    expect(await screen.findByText("1")).toBeInTheDocument();
    expect(callsOf("list_exemptions")).toHaveLength(2);
  });

  test("an apply finishing makes stale what it changed, and nothing else", () => {
    const { client, stale } = seeded();
    invalidate.afterApply(client, "apply-1", "rec-a");
    expect(stale()).toEqual([
      "effect1",
      "exemptions",
      "expiring",
      "recommendations",
      "register",
      "resourcesA",
      "unfinished",
    ]);
  });

  test("new settings go straight in and make the register and the expiring count stale", () => {
    const { client, stale } = seeded();
    const settings = { reminderWindowDays: 7, remindersEnabled: false };
    invalidate.afterSettingsSaved(client, settings);
    expect(client.getQueryData(queryKeys.settings)).toBe(settings);
    expect(stale()).toEqual(["expiring", "register"]);
  });

  test("a change to existing exemptions makes every recommendation's resources stale", () => {
    const { client, stale } = seeded();
    invalidate.afterApply(client, "apply-1", CHANGE_KEY);
    expect(stale()).toEqual([
      "effect1",
      "exemptions",
      "expiring",
      "recommendations",
      "register",
      "resourcesA",
      "resourcesB",
      "unfinished",
    ]);
  });

  test("the tracker seeing Defender catch up makes the counts and that recommendation's resources stale", () => {
    const { client, stale } = seeded();
    invalidate.afterEffectChange(client, "rec-a");
    expect(stale()).toEqual(["recommendations", "resourcesA"]);
  });

  test("a sign-in switch puts the new session in and makes everything else stale", () => {
    const { client, stale } = seeded();
    const info = { account: "someone@contoso.com" } as unknown as SessionInfo;
    invalidate.afterSessionSwitch(client, info);
    expect(client.getQueryData(queryKeys.session)).toBe(info);
    expect(stale()).toEqual([
      "draft",
      "effect1",
      "effect2",
      "exemptions",
      "expiring",
      "managementGroups",
      "preparation",
      "profiles",
      "recommendations",
      "register",
      "resourcesA",
      "resourcesB",
      "settings",
      "subscriptions",
      "unfinished",
    ]);
  });

  test("granting Reader makes the checks stale, and nothing else", async () => {
    const { client, stale } = seeded();
    await invalidate.afterGrantReader(client);
    expect(stale()).toEqual(["preparation"]);
  });
});

/** Shows what a streamed read has so far, as a screen would. */
function StreamedExemptions({ ids }: { ids: readonly string[] }) {
  const exemptions = useQuery(queries.exemptions(ids));
  const soFar = rowsSoFar(exemptions.data);
  const error = queryError(exemptions.error);
  return (
    <>
      <span data-testid="rows">
        {!exemptions.data ? "…" : soFar !== null ? `${soFar} so far…` : `${exemptions.data.length} in all`}
      </span>
      {error ? <span role="alert">{error.message}</span> : null}
    </>
  );
}

const exemption = (i: number) => ({ id: `x${i}` }) as unknown as Exemption;

/** The backend's side of running reads: each `list_exemptions` waits until the test answers it. */
function backendReads() {
  const reads: {
    readId: string;
    onRows: FakeChannel<Exemption[]>;
    answer: (rows: Exemption[]) => void;
    fail: (e: unknown) => void;
  }[] = [];
  invokeMock.mockImplementation((cmd: string, args?: unknown) => {
    const a = args as { readId: string; onRows: FakeChannel<Exemption[]> };
    if (cmd === "list_exemptions")
      return new Promise((answer, fail) => reads.push({ readId: a.readId, onRows: a.onRows, answer, fail }));
    return Promise.resolve(null);
  });
  return reads;
}

describe("streamed reads", () => {
  test("rows appear as their batches arrive, marked as so far, then the whole list", async () => {
    const reads = backendReads();
    renderWithProviders(<StreamedExemptions ids={IDS} />);
    await waitFor(() => expect(reads).toHaveLength(1));
    expect(screen.getByTestId("rows")).toHaveTextContent("…");
    reads[0]!.onRows.send([exemption(1), exemption(2)]);
    expect(await screen.findByText("2 so far…")).toBeInTheDocument();
    reads[0]!.onRows.send([exemption(3)]);
    reads[0]!.onRows.send([exemption(4), exemption(5)]);
    expect(await screen.findByText("5 so far…")).toBeInTheDocument();
    reads[0]!.answer([1, 2, 3, 4, 5].map(exemption));
    expect(await screen.findByText("5 in all")).toBeInTheDocument();
    expect(callsOf("cancel_read")).toHaveLength(0);
  });

  test("a screen that goes away cancels its read, and the rows so far leave the cache", async () => {
    const reads = backendReads();
    const { unmount, client } = renderWithProviders(<StreamedExemptions ids={IDS} />);
    await waitFor(() => expect(reads).toHaveLength(1));
    reads[0]!.onRows.send([exemption(1)]);
    expect(await screen.findByText("1 so far…")).toBeInTheDocument();
    unmount();
    await waitFor(() => expect(callsOf("cancel_read")).toEqual([["cancel_read", { readId: reads[0]!.readId }]]));
    expect(client.getQueryData(queryKeys.exemptions(IDS))).toBeUndefined();
    reads[0]!.fail({ code: "read_cancelled", message: "The read was stopped.", details: null });

    // Coming back reads again, from the start.
    renderWithProviders(<StreamedExemptions ids={IDS} />);
    await waitFor(() => expect(reads).toHaveLength(2));
    expect(reads[1]!.readId).not.toBe(reads[0]!.readId);
  });

  test("choosing other subscriptions cancels the read of the old ones", async () => {
    const reads = backendReads();
    function Switcher() {
      const [ids, setIds] = useState<readonly string[]>(IDS);
      return (
        <>
          <button onClick={() => setIds([SUBS[1]!.id])}>Other subscription</button>
          <StreamedExemptions ids={ids} />
        </>
      );
    }
    renderWithProviders(<Switcher />);
    await waitFor(() => expect(reads).toHaveLength(1));
    fireEvent.click(screen.getByRole("button", { name: "Other subscription" }));
    await waitFor(() => expect(reads).toHaveLength(2));
    await waitFor(() => expect(callsOf("cancel_read")).toEqual([["cancel_read", { readId: reads[0]!.readId }]]));
    reads[1]!.answer([exemption(7)]);
    expect(await screen.findByText("1 in all")).toBeInTheDocument();
  });

  test("a read the backend stopped on its own is read again, never shown as an error", async () => {
    const reads = backendReads();
    renderWithProviders(<StreamedExemptions ids={IDS} />);
    await waitFor(() => expect(reads).toHaveLength(1));
    reads[0]!.fail({ code: "read_cancelled", message: "The read was stopped.", details: null });
    await waitFor(() => expect(reads).toHaveLength(2));
    reads[1]!.answer([exemption(1)]);
    expect(await screen.findByText("1 in all")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(queryError({ code: "read_cancelled", message: "stopped", details: null })).toBeNull();
  });
});

describe("the recommendations, counted in parts", () => {
  function Recommendations() {
    const recommendations = useQuery(queries.recommendations(IDS));
    const counted = countedSoFar(recommendations.data);
    return (
      <span data-testid="recommendations">
        {!recommendations.data
          ? "…"
          : counted
            ? `counting ${counted.counted} of ${counted.subscriptions}`
            : `${recommendations.data.length} in all`}
      </span>
    );
  }

  test("a part Tauri delivers after the answer does not put the list back to counting", async () => {
    const reads: { onParts: FakeChannel<RecommendationsSoFar>; answer: (list: Recommendation[]) => void }[] = [];
    invokeMock.mockImplementation((cmd: string, args?: unknown) => {
      const { onParts } = args as { onParts: FakeChannel<RecommendationsSoFar> };
      if (cmd === "list_recommendations") return new Promise((answer) => reads.push({ onParts, answer }));
      return Promise.resolve(null);
    });
    const { client } = renderWithProviders(<Recommendations />);
    await waitFor(() => expect(reads).toHaveLength(1));
    const list = [{ key: "a" }, { key: "b" }] as unknown as Recommendation[];
    reads[0]!.onParts.send({ recommendations: list.slice(0, 1), counted: 1, subscriptions: 2 });
    expect(await screen.findByText("counting 1 of 2")).toBeInTheDocument();
    reads[0]!.answer(list);
    expect(await screen.findByText("2 in all")).toBeInTheDocument();
    // The last part (a large message, fetched apart) comes in after the answer.
    reads[0]!.onParts.send({ recommendations: list, counted: 2, subscriptions: 2 });
    await new Promise((r) => setTimeout(r, 200));
    expect(screen.getByTestId("recommendations")).toHaveTextContent("2 in all");
    expect(client.getQueryData(queryKeys.recommendations(IDS))).toBe(list); // the answer, whole
  });
});

describe("a recommendation's resources", () => {
  function Resources() {
    const resources = useRecommendationResources("rec-a", IDS);
    return <span data-testid="resources">{resources.data ? `${resources.data.length} rows` : "…"}</span>;
  }

  test("leave the cache a short while after the last screen showing them closes, not after minutes", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      invokeMock.mockImplementation((cmd: string) =>
        Promise.resolve(cmd === "recommendation_resources" ? [{}, {}, {}] : null),
      );
      const { unmount, client } = renderWithProviders(<Resources />);
      expect(await screen.findByText("3 rows")).toBeInTheDocument();
      unmount();
      const cached = () => client.getQueryData(queryKeys.resources("rec-a", IDS));
      vi.advanceTimersByTime(RESOURCES_KEPT - 1_000);
      expect(cached()).toHaveLength(3); // closed and opened again at once: no new read
      vi.advanceTimersByTime(2_000);
      expect(cached()).toBeUndefined();
      expect(RESOURCES_KEPT).toBeLessThan(5 * 60_000);
    } finally {
      vi.useRealTimers();
    }
  });

  /** The backend's side: each read waits until the test answers it with how many rows it sent. */
  function countedReads() {
    const reads: { onRows: FakeChannel<AssessedResource[]>; answer: (sent: number) => void }[] = [];
    invokeMock.mockImplementation((cmd: string, args?: unknown) => {
      const { onRows } = args as { onRows: FakeChannel<AssessedResource[]> };
      if (cmd === "recommendation_resources") return new Promise((answer) => reads.push({ onRows, answer }));
      return Promise.resolve(null);
    });
    return reads;
  }
  const resource = (i: number) => ({ id: `r${i}` }) as unknown as AssessedResource;

  test("are the rows that came over the channel, not a second copy the answer carries", async () => {
    const reads = countedReads();
    const { client } = renderWithProviders(<Resources />);
    await waitFor(() => expect(reads).toHaveLength(1));
    const sent = [resource(1), resource(2), resource(3)];
    reads[0]!.onRows.send(sent.slice(0, 2));
    reads[0]!.onRows.send(sent.slice(2));
    reads[0]!.answer(3);
    expect(await screen.findByText("3 rows")).toBeInTheDocument();
    const cached = client.getQueryData<AssessedResource[]>(queryKeys.resources("rec-a", IDS))!;
    expect(rowsSoFar(cached)).toBeNull(); // whole
    cached.forEach((row, i) => expect(row).toBe(sent[i]));
  });

  test("are whole only once every row sent has arrived, even a batch arriving after the answer", async () => {
    const reads = countedReads();
    renderWithProviders(<Resources />);
    await waitFor(() => expect(reads).toHaveLength(1));
    reads[0]!.onRows.send([resource(1)]);
    reads[0]!.answer(3); // Tauri fetches a large batch apart: it may come after the answer
    await new Promise((r) => setTimeout(r, 100));
    expect(screen.queryByText("3 rows")).not.toBeInTheDocument();
    reads[0]!.onRows.send([resource(2), resource(3)]);
    expect(await screen.findByText("3 rows")).toBeInTheDocument();
  });

  test("a screen closed while the last batches are on their way stops waiting for them", async () => {
    const reads = countedReads();
    const { unmount, client } = renderWithProviders(<Resources />);
    await waitFor(() => expect(reads).toHaveLength(1));
    reads[0]!.onRows.send([resource(1)]);
    reads[0]!.answer(2);
    unmount();
    await waitFor(() =>
      expect(client.getQueryCache().find({ queryKey: queryKeys.resources("rec-a", IDS) })?.state.fetchStatus).toBe(
        "idle",
      ),
    );
    expect(client.getQueryData(queryKeys.resources("rec-a", IDS))).toBeUndefined();
  });
});
