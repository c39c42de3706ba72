import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { applyStore } from "../apply/applyStore";
import { entry } from "../exemptions/registerFixtures";
import type { ApplyReport, ExemptionDraft, Recommendation, RegisterEntry } from "../ipc/bindings";
import { GROUPS, SUBS, preparationFor, reportFor, resetEvents, validate } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import { AppShell } from "./AppShell";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const REC: Recommendation = {
  key: "rec-1",
  displayName: "Storage accounts should restrict network access",
  description: "",
  severity: "High",
  assessmentType: "BuiltIn",
  policyDefinitionId: null,
  unhealthyCount: 3,
  healthyCount: 1,
  notApplicableCount: 0,
  exemptedCount: 0,
  notExemptibleReason: null,
};

const DRAFT: ExemptionDraft = {
  recommendationKey: "rec-1",
  scope: { kind: "subscriptions", ids: [SUBS[1]!.id] },
  name: "restored-name",
  displayName: "",
  expiresOn: null,
  utcOffsetMinutes: 0,
  category: "Waiver",
  description: "From last time",
};

function interrupted(): ApplyReport {
  const report = reportFor(
    "apply-9",
    preparationFor({ ...DRAFT, scope: { kind: "subscriptions", ids: SUBS.map((s) => s.id) } }),
    "rec-1",
  );
  report.items[0]!.state = "Succeeded";
  report.items[1]!.state = "Sending";
  return report;
}

function backend(over: { draft?: ExemptionDraft | null; unfinished?: ApplyReport[]; register?: RegisterEntry[] } = {}) {
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "session_info":
        return { mode: "Demo", tenantId: "t", account: "a@b", objectId: "o", armEndpoint: "x" };
      case "list_subscriptions":
        return SUBS;
      case "list_recommendations":
        return [REC];
      case "list_management_groups":
        return GROUPS;
      case "validate_exemption":
        return validate(a.draft as ExemptionDraft);
      case "prepare_exemption":
        return preparationFor(a.draft as ExemptionDraft);
      case "load_draft":
        return over.draft ?? null;
      case "unfinished_applies":
        return over.unfinished ?? [];
      case "apply_report":
        return interrupted();
      case "effect_status":
        return { applyId: a.applyId, items: [], complete: false, expectedBy: "2030-01-02T10:00:00Z" };
      case "exemption_register":
        return over.register ?? [];
      case "expiring_exemptions":
        return (over.register ?? []).filter((e) => e.expiry.kind === "expiresSoon");
      case "get_settings":
        return { reminderWindowDays: 30, remindersEnabled: true };
      case "resume_apply":
      case "save_draft":
      case "discard_draft":
        return null;
    }
    throw { code: "unknown", message: `unexpected ${cmd}`, details: null };
  });
}
const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);

beforeEach(() => {
  invokeMock.mockReset();
  applyStore.reset();
  resetEvents();
});

describe("App shell", () => {
  test("restores the saved draft: the pane reopens on its recommendation with its values", async () => {
    backend({ draft: DRAFT });
    renderWithProviders(<AppShell />);
    const dialog = await screen.findByRole("dialog", { hidden: true });
    expect(dialog).toHaveAttribute("aria-label", `Exempt: ${REC.displayName}`);
    expect(within(dialog).getByRole("textbox", { name: /^Name/, hidden: true })).toHaveValue("restored-name");
    expect(within(dialog).getByRole("checkbox", { name: "Contoso Development", hidden: true })).toBeChecked();
    expect(within(dialog).getByRole("textbox", { name: "Description", hidden: true })).toHaveValue("From last time");
    // Restoring is not a change: nothing is saved back.
    await new Promise((r) => setTimeout(r, 700));
    expect(callsOf("save_draft")).toHaveLength(0);
  });

  test("an interrupted apply shows a banner; Resume resumes it and shows its progress", async () => {
    backend({ unfinished: [interrupted()] });
    const user = userEvent.setup();
    renderWithProviders(<AppShell />);
    const banner = await screen.findByTestId("interrupted-apply");
    expect(banner).toHaveTextContent("An apply was interrupted: 2 of 3 writes not confirmed");
    await user.click(within(banner).getByRole("button", { name: "Resume" }));
    await waitFor(() => expect(callsOf("resume_apply")).toEqual([["resume_apply", { applyId: "apply-9" }]]));
    const dialog = await screen.findByRole("dialog", { hidden: true });
    const progress = await within(dialog).findByTestId("apply-progress");
    await waitFor(() => expect(within(progress).getAllByTestId("apply-item")).toHaveLength(3));
    expect(screen.queryByTestId("interrupted-apply")).not.toBeInTheDocument();
  });

  test("after a crash mid-apply the draft does not reopen over the Resume banner", async () => {
    backend({ draft: DRAFT, unfinished: [interrupted()] });
    const user = userEvent.setup();
    renderWithProviders(<AppShell />);
    const banner = await screen.findByTestId("interrupted-apply");
    await waitFor(() => expect(callsOf("load_draft")).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 300));
    expect(screen.queryByRole("dialog", { hidden: true })).not.toBeInTheDocument();
    await user.click(within(banner).getByRole("button", { name: "Resume" }));
    await waitFor(() => expect(callsOf("resume_apply")).toHaveLength(1));
  });

  test("View opens an interrupted apply without resuming it", async () => {
    backend({ unfinished: [interrupted()] });
    const user = userEvent.setup();
    renderWithProviders(<AppShell />);
    const banner = await screen.findByTestId("interrupted-apply");
    await user.click(within(banner).getByRole("button", { name: "View" }));
    const dialog = await screen.findByRole("dialog", { hidden: true });
    await within(dialog).findByTestId("apply-progress");
    expect(callsOf("resume_apply")).toHaveLength(0);
  });

  test("the navigation counts exemptions expiring soon; a click opens the register on them; Settings is a screen", async () => {
    const register = [
      entry(0, { expiry: { kind: "expiresSoon", days: 3 }, expiresOn: "2030-01-04T00:00:00Z" }),
      entry(1),
      entry(2, { expiry: { kind: "expiresSoon", days: 20 }, expiresOn: "2030-01-21T00:00:00Z" }),
    ];
    backend({ register });
    const user = userEvent.setup();
    renderWithProviders(<AppShell />);
    const tab = screen.getByRole("tab", { name: "Exemptions" });
    await waitFor(() => expect(tab).toHaveAttribute("data-count", "2"));
    // The tab's text stays its name; the count is described.
    expect(tab).toHaveTextContent(/^Exemptions$/);
    expect(tab).toHaveAccessibleDescription("2 expiring soon; opens them");
    await user.click(tab);
    const main = screen.getByRole("main", { name: "Exemptions" });
    await waitFor(() => expect(within(main).getAllByTestId("exemption-row")).toHaveLength(2));
    expect(within(main).getByRole("combobox", { name: "State" })).toHaveTextContent("Expires within 30 days");

    await user.click(screen.getByRole("tab", { name: "Settings" }));
    expect(await screen.findByRole("textbox", { name: /Reminder window/ })).toHaveValue("30");
    expect(screen.getByRole("main", { name: "Settings" })).toBeInTheDocument();
  });
});
