import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { Exemption } from "../ipc/bindings";
import type { FakeChannel } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import { ExemptionsPage } from "./ExemptionsPage";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const SUBS = [
  { id: "s1", displayName: "Sub one", state: "Enabled" },
  { id: "s2", displayName: "Sub two", state: "Enabled" },
];
const exemption = (i: number, category: "Waiver" | "Mitigated", expiresOn: string | null): Exemption => ({
  id: `/subscriptions/s${(i % 2) + 1}/providers/Microsoft.Authorization/policyExemptions/ex-${i}`,
  name: `ex-${i}`,
  scope: `/subscriptions/s${(i % 2) + 1}`,
  displayName: `Exemption ${i}`,
  description: null,
  category,
  expiresOn,
  expired: false,
  policyAssignmentId: "/providers/Microsoft.Authorization/policyAssignments/a",
  policyDefinitionReferenceIds: [`ref_${i}`],
});
const ALL = [
  exemption(0, "Waiver", "2030-03-01T00:00:00Z"),
  exemption(1, "Mitigated", null),
  exemption(2, "Waiver", "2029-01-01T00:00:00Z"),
  exemption(3, "Mitigated", "2031-01-01T00:00:00Z"),
  exemption(4, "Waiver", "2028-06-01T00:00:00Z"),
  exemption(5, "Waiver", null),
];

const ids = () => screen.queryAllByTestId("exemption-row").map((r) => r.getAttribute("data-id")?.split("/").at(-1));
const count = () => screen.getByTestId("list-count");

describe("ExemptionsPage", () => {
  let finish: (rows: Exemption[]) => void;
  let batch: (rows: Exemption[]) => void;
  beforeEach(() => {
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_subscriptions") return SUBS;
      if (cmd === "list_exemptions") {
        const channel = (args as { onRows: FakeChannel<Exemption[]> }).onRows;
        batch = (rows) => channel.send(rows);
        return new Promise((resolve) => (finish = resolve));
      }
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("rows arriving in batches show 'loading… N so far' and keep the selected, focused row", async () => {
    const user = userEvent.setup();
    renderWithProviders(<ExemptionsPage />);
    await waitFor(() =>
      expect(invokeMock).toHaveBeenCalledWith(
        "list_exemptions",
        expect.objectContaining({ subscriptionIds: ["s1", "s2"] }),
      ),
    );

    // A streamed read hands its first rows over while it is still fetching.
    act(() => batch(ALL.slice(0, 3)));
    await waitFor(() => expect(ids()).toEqual(["ex-0", "ex-1", "ex-2"]));
    expect(count()).toHaveTextContent("loading… 3 so far");
    await user.click(screen.getByText("Exemption 1"));
    const row = () => screen.getAllByTestId("exemption-row")[1]!;
    expect(row()).toHaveAttribute("aria-selected", "true");
    expect(row()).toHaveFocus();

    act(() => batch(ALL.slice(3, 5)));
    await waitFor(() => expect(ids()).toHaveLength(5));
    expect(count()).toHaveTextContent("loading… 5 so far");
    expect(row()).toHaveAttribute("aria-selected", "true");
    expect(row()).toHaveFocus();

    await act(async () => finish(ALL));
    await waitFor(() => expect(count()).toHaveTextContent("6 exemptions"));
    expect(ids()).toEqual(["ex-0", "ex-1", "ex-2", "ex-3", "ex-4", "ex-5"]);
    expect(row()).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getAllByTestId("exemption-row")[2]).toHaveFocus();
  }, 20_000);

  test("searches every column and sorts by any of them", async () => {
    const user = userEvent.setup();
    renderWithProviders(<ExemptionsPage />);
    await waitFor(() => expect(invokeMock).toHaveBeenCalledWith("list_exemptions", expect.anything()));
    await act(async () => finish(ALL));
    await waitFor(() => expect(ids()).toHaveLength(6));

    // "Sub two" is the subscription's name, not in the exemption itself.
    await user.type(screen.getByRole("searchbox", { name: "Search exemptions" }), "two mitig");
    expect(ids()).toEqual(["ex-1", "ex-3"]);
    expect(count()).toHaveTextContent("2 of 6 shown");
    await user.clear(screen.getByRole("searchbox", { name: "Search exemptions" }));

    const expires = screen.getByRole("columnheader", { name: "Expires" });
    await user.click(within(expires).getByRole("button"));
    expect(expires).toHaveAttribute("aria-sort", "ascending");
    // Soonest first; never-expiring last, in the order they came.
    expect(ids()).toEqual(["ex-4", "ex-2", "ex-0", "ex-3", "ex-1", "ex-5"]);
    await user.click(within(screen.getByRole("columnheader", { name: "Category" })).getByRole("button"));
    expect(ids()).toEqual(["ex-1", "ex-3", "ex-0", "ex-2", "ex-4", "ex-5"]);
  }, 20_000);
});
