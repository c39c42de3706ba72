import { QueryClient, useQuery } from "@tanstack/react-query";
import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { applyStore } from "../apply/applyStore";
import { SUBS, emitProgress, preparationFor, reportFor, resetEvents } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import type { ExemptionDraft, SessionInfo } from "./bindings";
import { invalidate, queries, queryKeys } from "./queries";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
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
    expect(stale()).toEqual(["effect1", "exemptions", "recommendations", "resourcesA", "unfinished"]);
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
      "managementGroups",
      "preparation",
      "profiles",
      "recommendations",
      "resourcesA",
      "resourcesB",
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
