import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { Recommendation, RecommendationsSoFar, Severity } from "../ipc/bindings";
import type { FakeChannel } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import { filterAndSort, filterByStatus, statusCounts } from "./filterAndSort";
import { RecommendationsPage } from "./RecommendationsPage";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const rec = (
  key: string,
  displayName: string,
  severity: Severity,
  unhealthyCount: number,
  reason: string | null = null,
  counts: { healthy?: number; notApplicable?: number; exempted?: number } = {},
): Recommendation => ({
  key,
  displayName,
  description: "",
  severity,
  assessmentType: reason ? "CustomPolicy" : "BuiltIn",
  policyDefinitionId: null,
  unhealthyCount,
  healthyCount: counts.healthy ?? 0,
  notApplicableCount: counts.notApplicable ?? 0,
  exemptedCount: counts.exempted ?? 0,
  notExemptibleReason: reason,
});

const RECS = [
  rec("1", "Low storage thing", "Low", 50),
  rec("2", "High storage thing", "High", 1),
  rec("3", "Medium VM thing", "Medium", 9),
  rec("4", "High VM thing", "High", 8),
  rec("5", "Custom tag check", "Medium", 30, "Custom recommendations can't be exempted."),
];

describe("filterAndSort", () => {
  test("sorts by severity, then unhealthy count descending", () => {
    expect(filterAndSort(RECS, "").map((r) => r.key)).toEqual(["4", "2", "5", "3", "1"]);
  });
  test("an unknown severity sorts after the known ones, however many are unhealthy", () => {
    const list = [rec("u", "Unknown one", "Unknown", 500), ...RECS];
    expect(filterAndSort(list, "").map((r) => r.key)).toEqual(["4", "2", "5", "3", "1", "u"]);
  });
  test("filters by every word of the search, ignoring case", () => {
    expect(filterAndSort(RECS, "STORAGE").map((r) => r.key)).toEqual(["2", "1"]);
    expect(filterAndSort(RECS, "high  thing").map((r) => r.key)).toEqual(["4", "2"]);
    expect(filterAndSort(RECS, "nothing")).toEqual([]);
  });
});

describe("the status filter", () => {
  const MIXED = [
    rec("u", "Only unhealthy", "High", 3),
    rec("h", "Only healthy", "High", 0, null, { healthy: 4 }),
    rec("n", "Off by policy", "Low", 0, null, { notApplicable: 2 }),
    rec("e", "All exempted", "Low", 0, null, { notApplicable: 5, exempted: 5 }),
    rec("b", "Some of each", "Medium", 1, null, { healthy: 1, notApplicable: 3, exempted: 1 }),
  ];
  const keys = (status: Parameters<typeof filterByStatus>[1]) => filterByStatus(MIXED, status).map((r) => r.key);

  test("a recommendation matches each state it has resources in", () => {
    expect(keys("all")).toEqual(["u", "h", "n", "e", "b"]);
    expect(keys("Unhealthy")).toEqual(["u", "b"]);
    expect(keys("Healthy")).toEqual(["h", "b"]);
    expect(keys("Exempted")).toEqual(["e", "b"]);
  });
  test("Not applicable leaves out the exempted, which Defender also counts as not applicable", () => {
    expect(keys("NotApplicable")).toEqual(["n", "b"]);
    expect(statusCounts(MIXED[3]!)).toEqual({ Unhealthy: 0, Healthy: 0, NotApplicable: 0, Exempted: 5 });
    expect(statusCounts(MIXED[4]!)).toEqual({ Unhealthy: 1, Healthy: 1, NotApplicable: 2, Exempted: 1 });
  });

  test("on the page, choosing Exempted finds an exempted recommendation again, with search on top", async () => {
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "list_subscriptions") return [{ id: "s1", displayName: "Sub one", state: "Enabled" }];
      if (cmd === "list_recommendations") return MIXED;
      throw { code: "unknown", message: cmd, details: null };
    });
    const user = userEvent.setup();
    renderWithProviders(<RecommendationsPage />);
    expect(await screen.findAllByTestId("recommendation-row")).toHaveLength(5);
    const status = screen.getByRole("combobox", { name: "Status" });
    await user.selectOptions(status, "Exempted");
    const shown = () => screen.queryAllByTestId("recommendation-row").map((r) => r.getAttribute("data-key"));
    await waitFor(() => expect(shown()).toEqual(["b", "e"]));
    expect(screen.getByTestId("list-count")).toHaveTextContent("2 of 5 shown");
    const exempted = screen.getAllByTestId("recommendation-row")[1]!;
    expect(exempted).toHaveAttribute("aria-label", expect.stringContaining("5 exempted"));
    await user.type(screen.getByRole("searchbox", { name: "Search recommendations" }), "each");
    await waitFor(() => expect(shown()).toEqual(["b"]));
    await user.type(screen.getByRole("searchbox", { name: "Search recommendations" }), "zzz");
    expect(await screen.findByText('No recommendation with exempted resources matches "eachzzz".')).toBeInTheDocument();
    await user.selectOptions(status, "Any status");
    await user.clear(screen.getByRole("searchbox", { name: "Search recommendations" }));
    await waitFor(() => expect(shown()).toHaveLength(5));
  });
});

describe("RecommendationsPage", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "list_subscriptions")
        return [
          { id: "s1", displayName: "Sub one", state: "Enabled" },
          { id: "s2", displayName: "Sub two", state: "Enabled" },
        ];
      if (cmd === "list_recommendations") return RECS;
      if (cmd === "validate_exemption") return [];
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("loads every subscription's recommendations, sorted, and searches as you type", async () => {
    const user = userEvent.setup();
    renderWithProviders(<RecommendationsPage />);
    const rows = await screen.findAllByTestId("recommendation-row");
    expect(invokeMock).toHaveBeenCalledWith("list_recommendations", {
      readId: expect.any(String),
      subscriptionIds: ["s1", "s2"],
      onParts: expect.anything(),
    });
    expect(rows.map((r) => r.getAttribute("data-key"))).toEqual(["4", "2", "5", "3", "1"]);
    expect(within(rows[2]!).getByText("Can't be exempted")).toBeInTheDocument();

    await user.type(screen.getByRole("searchbox", { name: "Search recommendations" }), "vm");
    expect(screen.getAllByTestId("recommendation-row").map((r) => r.getAttribute("data-key"))).toEqual(["4", "3"]);
    await user.type(screen.getByRole("searchbox", { name: "Search recommendations" }), "zzz");
    expect(screen.queryAllByTestId("recommendation-row")).toHaveLength(0);
    expect(screen.getByText('No recommendation matches "vmzzz".')).toBeInTheDocument();
  });

  test("a recommendation with an unknown severity or without metadata is listed last and can't be exempted", async () => {
    const odd: Recommendation = {
      ...rec("6", "Reported oddly", "Unknown", 99, "Defender for Cloud gives no metadata for this recommendation."),
      assessmentType: "Unknown",
    };
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "list_subscriptions") return [{ id: "s1", displayName: "Sub one", state: "Enabled" }];
      if (cmd === "list_recommendations") return [odd, ...RECS];
      return [];
    });
    renderWithProviders(<RecommendationsPage />);
    const rows = await screen.findAllByTestId("recommendation-row");
    expect(rows.map((r) => r.getAttribute("data-key"))).toEqual(["4", "2", "5", "3", "1", "6"]);
    const last = rows[5]!;
    expect(within(last).getByText("Unknown")).toBeInTheDocument();
    expect(within(last).getByText("Can't be exempted")).toBeInTheDocument();
  });

  test("shows the error with a Retry that works", async () => {
    let fail = true;
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "list_subscriptions") {
        if (fail) throw { code: "azure_unauthorized", message: "Your sign-in has expired.", details: null };
        return [{ id: "s1", displayName: "Sub one", state: "Enabled" }];
      }
      if (cmd === "list_recommendations") return RECS;
      return [];
    });
    const user = userEvent.setup();
    renderWithProviders(<RecommendationsPage />);
    expect(await screen.findByText("Your sign-in has expired.")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(screen.getAllByTestId("recommendation-row")).toHaveLength(5));
    expect(screen.queryByText("Your sign-in has expired.")).not.toBeInTheDocument();
  });

  test("rows show with the first part, their counts grow in place as parts arrive, and the list settles when whole", async () => {
    let onParts: FakeChannel<RecommendationsSoFar> | null = null;
    let answer: (list: Recommendation[]) => void = () => undefined;
    invokeMock.mockImplementation((cmd: string, args?: unknown) => {
      if (cmd === "list_subscriptions")
        return Promise.resolve([1, 2, 3, 4].map((i) => ({ id: `s${i}`, displayName: `Sub ${i}`, state: "Enabled" })));
      if (cmd === "list_recommendations") {
        onParts = (args as { onParts: FakeChannel<RecommendationsSoFar> }).onParts;
        return new Promise<Recommendation[]>((resolve) => (answer = resolve));
      }
      return Promise.resolve([]);
    });
    renderWithProviders(<RecommendationsPage />);
    await waitFor(() => expect(onParts).not.toBeNull());
    const shown = () => screen.queryAllByTestId("recommendation-row").map((r) => r.getAttribute("data-key"));
    const row = (key: string) => screen.getAllByTestId("recommendation-row").find((r) => r.dataset.key === key)!;
    const counting = () => screen.getByTestId("counting");

    onParts!.send({
      recommendations: [rec("4", "High VM thing", "High", 2), rec("3", "Medium VM thing", "Medium", 1)],
      counted: 1,
      subscriptions: 4,
    });
    await waitFor(() => expect(shown()).toEqual(["4", "3"]));
    expect(counting()).toHaveTextContent("Counting… 1 of 4 subscriptions");

    // The next part: counts grow, two rows join; "2" now has more unhealthy than "4" but takes no row's place yet.
    onParts!.send({
      recommendations: [
        rec("2", "High storage thing", "High", 5),
        rec("4", "High VM thing", "High", 3),
        rec("3", "Medium VM thing", "Medium", 9),
        rec("1", "Low storage thing", "Low", 50),
      ],
      counted: 3,
      subscriptions: 4,
    });
    await waitFor(() => expect(counting()).toHaveTextContent("Counting… 3 of 4 subscriptions"));
    expect(shown()).toEqual(["4", "2", "3", "1"]);
    // "2" outgrows "4" by far: still no row moves while counting.
    onParts!.send({
      recommendations: [
        rec("2", "High storage thing", "High", 500),
        rec("4", "High VM thing", "High", 3),
        rec("3", "Medium VM thing", "Medium", 9),
        rec("1", "Low storage thing", "Low", 50),
      ],
      counted: 3,
      subscriptions: 4,
    });
    await waitFor(() => expect(row("2")).toHaveAttribute("aria-label", expect.stringContaining("500 unhealthy")));
    expect(shown()).toEqual(["4", "2", "3", "1"]);
    expect(row("3")).toHaveAttribute("aria-label", expect.stringContaining("9 unhealthy"));
    expect(screen.getByTestId("list-count")).toHaveTextContent("4 recommendations");

    // Whole: the indicator goes (its room stays) and the list takes its usual order.
    answer([
      rec("2", "High storage thing", "High", 6),
      rec("4", "High VM thing", "High", 3),
      rec("3", "Medium VM thing", "Medium", 12),
      rec("1", "Low storage thing", "Low", 51),
    ]);
    await waitFor(() => expect(counting()).toBeEmptyDOMElement());
    expect(shown()).toEqual(["2", "4", "3", "1"]);
    expect(row("3")).toHaveAttribute("aria-label", expect.stringContaining("12 unhealthy"));
  });

  test("Enter on a row opens the Exempt pane", async () => {
    const user = userEvent.setup();
    renderWithProviders(<RecommendationsPage />);
    const rows = await screen.findAllByTestId("recommendation-row");
    rows[1]!.focus();
    await user.keyboard("{Enter}");
    // (jsdom never finishes the drawer's open motion, so it stays aria-hidden here;
    // the browser test checks the dialog by role and name.)
    const dialog = await screen.findByRole("dialog", { hidden: true });
    expect(dialog).toHaveAttribute("aria-label", "Exempt: High storage thing");
    expect(within(dialog).getByRole("checkbox", { name: "Sub two", hidden: true })).toBeInTheDocument();
  });
});
