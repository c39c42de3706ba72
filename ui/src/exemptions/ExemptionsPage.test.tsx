import { act, configure, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { NavigationProvider, useNavigation, type RegisterSeed } from "../app/navigation";
import type { RegisterEntry } from "../ipc/bindings";
import type { FakeChannel } from "../test/fakeIpc";
import { SUBS } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import { ExemptionsPage } from "./ExemptionsPage";
import { entry, ISO } from "./registerFixtures";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
// The details drawer is its own screen with its own tests: here only that the row opens it and gets focus back.
vi.mock("./details/ExemptionDetailsDrawer", () => ({
  ExemptionDetailsDrawer: ({ entry, onClose }: { entry: RegisterEntry; onClose: () => void }) => (
    <div role="dialog" aria-label={`Details of ${entry.exemption.name}`}>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </div>
  ),
}));
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

// Rows arrive through a 50 ms flush; a loaded machine needs longer than the default second.
configure({ asyncUtilTimeout: 5000 });

const ALL: RegisterEntry[] = [
  entry(0, { expiresOn: "2030-03-01T00:00:00Z", expiry: { kind: "active" } }),
  entry(1, { category: "Mitigated" }),
  entry(2, { expiresOn: "2026-12-20T00:00:00Z", expiry: { kind: "expiresSoon", days: 19 } }),
  entry(3, {
    category: "Mitigated",
    level: "ResourceGroup",
    expiresOn: "2031-01-01T00:00:00Z",
    expiry: { kind: "active" },
  }),
  entry(4, { expiresOn: "2026-06-01T00:00:00Z", expiry: { kind: "expired" }, requestedBy: "Sam Lee" }),
  entry(5, { initiativeId: ISO, initiativeName: "ISO 27001:2013", recommendations: [] }),
];

const ids = () => screen.queryAllByTestId("exemption-row").map((r) => r.getAttribute("data-id")?.split("/").at(-1));
const count = () => screen.getByTestId("list-count");

/** The page inside the app's navigation, with buttons that open the register with a seed as other screens do. */
function Harness({ seeds }: { seeds: RegisterSeed[] }) {
  const { openRegister } = useNavigation();
  return (
    <>
      {seeds.map((seed, i) => (
        <button key={i} type="button" onClick={() => openRegister(seed)}>{`seed ${i}`}</button>
      ))}
      <ExemptionsPage />
    </>
  );
}
const renderPage = (seeds: RegisterSeed[] = []) =>
  renderWithProviders(
    <NavigationProvider>
      <Harness seeds={seeds} />
    </NavigationProvider>,
  );

async function choose(user: ReturnType<typeof userEvent.setup>, filter: string, option: string) {
  await user.click(screen.getByRole("combobox", { name: filter }));
  await user.click(await screen.findByRole("option", { name: option }));
}

describe("ExemptionsPage (the register)", () => {
  let finish: (rows: RegisterEntry[]) => void;
  let batch: (rows: RegisterEntry[]) => void;
  beforeEach(() => {
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "list_subscriptions") return SUBS;
      if (cmd === "list_management_groups") return null;
      if (cmd === "get_settings") return { reminderWindowDays: 30, remindersEnabled: true };
      if (cmd === "exemption_register") {
        const channel = (args as { onRows: FakeChannel<RegisterEntry[]> }).onRows;
        batch = (rows) => channel.send(rows);
        return new Promise((resolve) => (finish = resolve));
      }
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("rows arriving in batches show 'loading… N so far' and keep the focused row", async () => {
    const user = userEvent.setup();
    renderPage();
    await waitFor(() => expect(invokeMock).toHaveBeenCalledWith("exemption_register", expect.anything()));

    act(() => batch(ALL.slice(0, 3)));
    await waitFor(() => expect(ids()).toEqual(["ex-0", "ex-1", "ex-2"]));
    expect(count()).toHaveTextContent("loading… 3 so far");
    const row = () => screen.getAllByTestId("exemption-row")[1]!;
    act(() => row().focus());
    expect(row()).toHaveAttribute("aria-selected", "true");

    act(() => batch(ALL.slice(3, 5)));
    await waitFor(() => expect(ids()).toHaveLength(5));
    expect(count()).toHaveTextContent("loading… 5 so far");
    expect(row()).toHaveFocus();

    await act(async () => finish(ALL));
    await waitFor(() => expect(count()).toHaveTextContent("6 exemptions"));
    expect(row()).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getAllByTestId("exemption-row")[2]).toHaveFocus();
  }, 60_000);

  test("a row says what it exempts, where, its state and who, in words with years", async () => {
    renderPage();
    await waitFor(() => expect(invokeMock).toHaveBeenCalledWith("exemption_register", expect.anything()));
    await act(async () => finish(ALL));
    await waitFor(() => expect(ids()).toHaveLength(6));
    const rows = screen.getAllByTestId("exemption-row");
    expect(rows[2]).toHaveTextContent("Expires in 19 days");
    expect(rows[2]).toHaveTextContent("2026");
    expect(rows[2]).toHaveTextContent("Recommendation 2");
    expect(rows[4]).toHaveTextContent("Expired");
    expect(rows[4]).toHaveTextContent("Sam Lee");
    expect(rows[3]).toHaveTextContent(`rg-3 in ${SUBS[0]!.displayName}`);
    expect(rows[3]).toHaveTextContent("Resource group");
    expect(rows[5]).toHaveTextContent("Every recommendation of ISO 27001:2013");
    expect(rows[1]).toHaveTextContent("Never");
    expect(within(rows[1]!).queryByTestId("expiry-badge")).toBeNull();
    expect(rows[0]).toHaveTextContent("alex@contoso.com");
  }, 60_000);

  test("search, filters and sort narrow and order the rows, with counts of what is shown", async () => {
    const user = userEvent.setup();
    renderPage();
    await waitFor(() => expect(invokeMock).toHaveBeenCalledWith("exemption_register", expect.anything()));
    await act(async () => finish(ALL));
    await waitFor(() => expect(ids()).toHaveLength(6));

    // The subscription's name is not in the exemption itself.
    await user.type(screen.getByRole("searchbox", { name: "Search exemptions" }), `${SUBS[1]!.displayName} mitig`);
    expect(ids()).toEqual(["ex-1"]);
    expect(count()).toHaveTextContent("Showing 1 of 6");
    await user.clear(screen.getByRole("searchbox", { name: "Search exemptions" }));

    await choose(user, "Category", "Resolved through 3rd party (mitigated)");
    expect(ids()).toEqual(["ex-1", "ex-3"]);
    expect(count()).toHaveTextContent("Showing 2 of 6");
    await choose(user, "Category", "Any category");
    await choose(user, "State", "Expires within 30 days");
    expect(ids()).toEqual(["ex-2"]);
    await choose(user, "State", "Any state");
    await choose(user, "Initiative", "ISO 27001:2013");
    expect(ids()).toEqual(["ex-5"]);
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    await choose(user, "Person", "Sam Lee");
    expect(ids()).toEqual(["ex-4"]);
    await choose(user, "Person", "Anyone");
    await choose(user, "Subscription", SUBS[0]!.displayName);
    expect(ids()).toEqual(["ex-0", "ex-3"]);
    await choose(user, "Subscription", "Every subscription");
    expect(count()).toHaveTextContent("6 exemptions");

    const expires = screen.getByRole("columnheader", { name: "Expires" });
    await user.click(within(expires).getByRole("button"));
    expect(expires).toHaveAttribute("aria-sort", "ascending");
    // Soonest first; never-expiring last, in the order they came.
    expect(ids()).toEqual(["ex-4", "ex-2", "ex-0", "ex-3", "ex-1", "ex-5"]);
    await user.click(within(screen.getByRole("columnheader", { name: "Scope" })).getByRole("button"));
    expect(ids()).toEqual(["ex-1", "ex-4", "ex-0", "ex-2", "ex-5", "ex-3"]);
    await user.click(within(screen.getByRole("columnheader", { name: "Recommendation" })).getByRole("button"));
    expect(ids()[0]).toBe("ex-5");
  }, 90_000);

  test("a seed from another screen is applied once, each time one is sent", async () => {
    const user = userEvent.setup();
    renderPage([{ recommendationKey: "rec-1" }, { expiringSoon: true }, { exemptionIds: [ALL[3]!.exemption.id] }]);
    await waitFor(() => expect(invokeMock).toHaveBeenCalledWith("exemption_register", expect.anything()));
    await act(async () => finish(ALL));
    await waitFor(() => expect(ids()).toHaveLength(6));

    await user.click(screen.getByRole("button", { name: "seed 0" }));
    await waitFor(() => expect(ids()).toEqual(["ex-1", "ex-4"]));
    expect(screen.getByRole("combobox", { name: "Recommendation" })).toHaveTextContent("Recommendation 1");
    // The user may change what the seed set; nothing puts it back.
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(ids()).toHaveLength(6);

    await user.click(screen.getByRole("button", { name: "seed 1" }));
    await waitFor(() => expect(ids()).toEqual(["ex-2"]));
    await user.click(screen.getByRole("button", { name: "seed 2" }));
    await waitFor(() => expect(ids()).toEqual(["ex-3"]));
    await user.click(screen.getByTestId("only-chosen"));
    expect(ids()).toHaveLength(6);
    // The same seed sent again applies again.
    await user.click(screen.getByRole("button", { name: "seed 1" }));
    await waitFor(() => expect(ids()).toEqual(["ex-2"]));
  }, 90_000);

  test("Space chooses rows for the actions; the name and Enter open the details, and focus comes back", async () => {
    const user = userEvent.setup();
    renderPage();
    await waitFor(() => expect(invokeMock).toHaveBeenCalledWith("exemption_register", expect.anything()));
    await act(async () => finish(ALL));
    await waitFor(() => expect(ids()).toHaveLength(6));
    const actions = screen.getByTestId("exemption-actions");

    const row = (i: number) => screen.getAllByTestId("exemption-row")[i]!;
    act(() => row(1).focus());
    await user.keyboard(" ");
    expect(actions).toHaveTextContent("1 selected");
    await user.click(screen.getByRole("checkbox", { name: "Choose Exemption 2" }));
    expect(actions).toHaveTextContent("2 selected");
    expect(screen.getByRole("button", { name: "Extend" })).toBeEnabled();

    act(() => row(1).focus());
    await user.keyboard("{Enter}");
    const first = await screen.findByRole("dialog", { name: "Details of ex-1" });
    await user.click(within(first).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(row(1)).toHaveFocus());

    await user.click(within(row(4)).getByRole("button", { name: "Exemption 4" }));
    const second = await screen.findByRole("dialog", { name: "Details of ex-4" });
    await user.click(within(second).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(row(4)).toHaveFocus());
    // Opening the details chose nothing.
    expect(actions).toHaveTextContent("2 selected");
  }, 90_000);
});
