import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, expect, test, vi } from "vitest";
import type { RegisterEntry } from "../../ipc/bindings";
import { SUBS, resetEvents } from "../../test/fakeIpc";
import { renderWithProviders } from "../../test/render";
import { TransferButtons } from "./TransferButtons";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", async () => (await import("../../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const SCOPE = `/subscriptions/${SUBS[0]!.id}`;
const entry = (name: string): RegisterEntry => ({
  exemption: {
    id: `${SCOPE}/providers/Microsoft.Authorization/policyExemptions/${name}`,
    name,
    scope: SCOPE,
    displayName: name,
    description: null,
    category: "Waiver",
    expiresOn: null,
    expired: false,
    policyAssignmentId: `${SCOPE}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
    policyDefinitionReferenceIds: [],
  },
  level: "Subscription",
  scopeName: SUBS[0]!.displayName,
  subscriptionId: SUBS[0]!.id,
  subscriptionName: SUBS[0]!.displayName,
  initiativeId: null,
  initiativeName: null,
  assignmentName: null,
  recommendations: [],
  expiry: { kind: "never" },
  createdBy: null,
  createdAt: null,
  lastModifiedBy: null,
  lastModifiedAt: null,
  requestedBy: null,
  approvedBy: null,
  ticket: null,
});

beforeEach(() => {
  resetEvents();
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string) => {
    if (cmd === "export_register") return "/home/ada/exemptions-2026-12-01.csv";
    if (cmd === "save_import_template") return null; // the dialog was cancelled
    return null;
  });
});

test("export writes the rows shown, in the format chosen, and says where", async () => {
  const user = userEvent.setup();
  const shown = [entry("a"), entry("b")];
  renderWithProviders(<TransferButtons entries={shown} subscriptions={SUBS} />);
  await user.click(screen.getByRole("button", { name: "Export" }));
  await user.click(await screen.findByRole("menuitem", { name: "The 2 shown as CSV (Excel)" }));
  await waitFor(() =>
    expect(screen.getByTestId("export-saved").textContent).toBe("Saved /home/ada/exemptions-2026-12-01.csv"),
  );
  const call = invokeMock.mock.calls.find(([cmd]) => cmd === "export_register")!;
  const args = call[1] as { entries: RegisterEntry[]; format: string; utcOffsetMinutes: number };
  expect(args.entries.map((e) => e.exemption.name)).toEqual(["a", "b"]);
  expect(args.format).toBe("csv");
  expect(args.utcOffsetMinutes).toBe(-new Date().getTimezoneOffset() + 0);
});

test("nothing shown: only the template can be saved; a cancelled dialog says nothing", async () => {
  const user = userEvent.setup();
  renderWithProviders(<TransferButtons entries={[]} subscriptions={SUBS} />);
  await user.click(screen.getByRole("button", { name: "Export" }));
  const csv = await screen.findByRole("menuitem", { name: "The 0 shown as CSV (Excel)" });
  expect(csv.getAttribute("aria-disabled")).toBe("true");
  await user.click(screen.getByRole("menuitem", { name: "An empty import template (CSV)" }));
  await waitFor(() => expect(invokeMock.mock.calls.map(([cmd]) => cmd)).toContain("save_import_template"));
  expect(screen.queryByTestId("export-saved")).toBeNull();
});

test("Import opens the import dialog", async () => {
  const user = userEvent.setup();
  renderWithProviders(<TransferButtons entries={[]} subscriptions={SUBS} />);
  await user.click(screen.getByRole("button", { name: "Import…" }));
  expect(await screen.findByRole("dialog", { name: "Import exemptions from a CSV file" })).toBeTruthy();
});
