import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { ActivityEntry, ActivityQuery } from "../ipc/bindings";
import { renderWithProviders } from "../test/render";
import { ActivityPage } from "./ActivityPage";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);
const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd).map(([, a]) => a);

const LINES: ActivityEntry[] = Array.from({ length: 300 }, (_, i) => ({
  at: new Date(Date.UTC(2026, 10, 30, 12, 0, 0) - i * 60_000).toISOString(),
  kind: i % 2 === 0 ? "Write" : "SignIn",
  account: i % 3 === 0 ? "riley@contoso.example" : "alex@contoso.example",
  summary: i % 2 === 0 ? `PUT policyExemptions/x-${i}` : "Signed in",
  outcome: i === 0 ? "Failed: AuthorizationFailed" : "Succeeded",
  subject: i % 2 === 0 ? `x-${i}` : null,
}));

describe("the Activity screen", () => {
  let exportFails: boolean;
  beforeEach(() => {
    exportFails = false;
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "activity_log") {
        const q = (args as { query: ActivityQuery }).query;
        return LINES.filter(
          (l) =>
            (q.kinds.length === 0 || q.kinds.includes(l.kind)) &&
            (q.text === "" || `${l.account} ${l.summary}`.includes(q.text)),
        );
      }
      if (cmd === "export_activity") {
        if (exportFails) throw { code: "local_storage", message: "The disk is full.", details: null };
        return "/home/alex/activity.csv";
      }
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("shows the log virtualised; search and kinds go to the query; export takes the same query", async () => {
    const user = userEvent.setup();
    renderWithProviders(<ActivityPage />);
    expect(await screen.findByTestId("activity-count")).toHaveTextContent("300 lines");
    expect(screen.getAllByTestId("activity-row").length).toBeLessThan(60);
    expect(screen.getByText("Failed: AuthorizationFailed")).toBeInTheDocument();

    await user.type(screen.getByRole("searchbox", { name: "Search activity" }), "riley");
    await user.click(screen.getByRole("button", { name: "Write" }));
    await waitFor(() =>
      expect(callsOf("activity_log").at(-1)).toEqual({ query: { text: "riley", kinds: ["Write"], limit: 10_000 } }),
    );
    await waitFor(() => expect(screen.getByTestId("activity-count")).toHaveTextContent("50 lines"));
    for (const row of screen.getAllByTestId("activity-row")) expect(row).toHaveAttribute("data-kind", "Write");

    await user.click(screen.getByRole("button", { name: "Export CSV…" }));
    expect(await screen.findByTestId("activity-exported")).toHaveTextContent("/home/alex/activity.csv");
    expect(callsOf("export_activity").at(-1)).toEqual({ query: { text: "riley", kinds: ["Write"], limit: 10_000 } });
  });

  test("nothing matching says so; a failed export says why", async () => {
    const user = userEvent.setup();
    exportFails = true;
    renderWithProviders(<ActivityPage />);
    await screen.findByTestId("activity-count");
    await user.type(screen.getByRole("searchbox", { name: "Search activity" }), "nobody");
    expect(await screen.findByText("No line matches the search.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Export CSV…" }));
    expect(await screen.findByText("Couldn't export the activity")).toBeInTheDocument();
    expect(screen.getByText("The disk is full.")).toBeInTheDocument();
  });
});
