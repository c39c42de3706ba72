import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, expect, test, vi } from "vitest";
import type { ImportPreparation, ImportRequest, ImportRow, PlannedWrite } from "../../ipc/bindings";
import { SUBS, passed, reportFor, resetEvents } from "../../test/fakeIpc";
import { renderWithProviders } from "../../test/render";
import { ImportDialog } from "./ImportDialog";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", async () => (await import("../../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const SCOPE = `/subscriptions/${SUBS[0]!.id}`;
const row = (n: number, errors: ImportRow["errors"] = []): ImportRow => ({
  row: n,
  scope: SCOPE,
  name: `ex-${n}`,
  displayName: null,
  recommendationKeys: ["d763462d-7566-4a55-90a2-fc38e0a59985"],
  category: "Waiver",
  expiresOn: "2030-01-31",
  description: null,
  ticket: null,
  errors,
});
const write = (n: number): PlannedWrite => ({
  method: "PUT",
  scope: SCOPE,
  name: `ex-${n}`,
  path: `${SCOPE}/providers/Microsoft.Authorization/policyExemptions/ex-${n}`,
  policyAssignmentId: `${SCOPE}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
  initiativeName: "Microsoft cloud security benchmark",
  policyDefinitionReferenceIds: ["ref"],
  replacesExisting: false,
  belowChosenScope: false,
  body: { properties: { exemptionCategory: "Waiver" } },
  asRead: null,
});

const BAD = new Map<number, ImportRow["errors"]>([
  [4, [{ row: 4, column: "name", message: "Name can't contain '.'." }]],
  [
    7,
    [
      { row: 7, column: "expiresOn", message: '"31/01/2030" is not a date in the form YYYY-MM-DD.' },
      { row: 7, column: "recommendationKeys", message: '"x" is not a recommendation of this tenant.' },
    ],
  ],
]);

let requests: ImportRequest[] = [];
let fileErrors: ImportPreparation["report"]["fileErrors"] = [];
let lastPreparation: ImportPreparation | null = null;

function answer(request: ImportRequest): ImportPreparation {
  if (fileErrors.length > 0) return { report: { fileErrors, rows: [] }, outcomes: [], preparation: null };
  const rows = [2, 3, 4, 5, 6, 7].map((n) => row(n, BAD.get(n)));
  const outcomes = rows.map((r) => ({
    row: r.row,
    action: request.excludedRows.includes(r.row)
      ? ("excluded" as const)
      : r.errors.length
        ? ("invalid" as const)
        : r.row === 2
          ? ("update" as const)
          : ("create" as const),
    writes: 0,
  }));
  const invalid = outcomes.filter((o) => o.action === "invalid").length > 0;
  const imported = outcomes.filter((o) => o.action === "create" || o.action === "update");
  const checks = [passed("Permissions", "You may write these exemptions")];
  if (invalid) checks.push({ ...passed("Fields", "Every imported row meets the rules"), status: "Failed" });
  return {
    report: { fileErrors: [], rows },
    outcomes,
    preparation: {
      planId: "plan-import",
      checks,
      writes: imported.map((o) => write(o.row)),
      blocked: invalid,
      planError: null,
    },
  };
}

beforeEach(() => {
  requests = [];
  fileErrors = [];
  resetEvents();
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "prepare_import": {
        const request = a.request as ImportRequest;
        requests.push(request);
        return (lastPreparation = answer(request));
      }
      case "apply_plan":
        return "apply-1";
      case "apply_report":
        return reportFor(a.applyId as string, lastPreparation!.preparation!, "exemption-import");
      default:
        return null;
    }
  });
});

async function pasteAndRead(text: string) {
  const user = userEvent.setup();
  renderWithProviders(<ImportDialog subscriptions={SUBS} onClose={() => undefined} />);
  const dialog = await screen.findByRole("dialog", { name: "Import exemptions from a CSV file" });
  await user.click(within(dialog).getByRole("textbox", { name: "Or paste the CSV's text" }));
  await user.paste(text);
  await user.click(within(dialog).getByRole("button", { name: "Read the pasted text" }));
  return { user, dialog };
}

test("errors show in their row and column, the rows with errors first", async () => {
  const { dialog } = await pasteAndRead("scope,name\r\né,x\r\n");
  await waitFor(() => expect(within(dialog).getAllByTestId("import-row")).toHaveLength(6));
  const source = requests[0]!.source;
  expect(source.kind).toBe("contents");
  if (source.kind === "contents")
    expect(new TextDecoder().decode(new Uint8Array(source.bytes))).toBe("scope,name\né,x\n"); // a text box keeps LF line ends
  const rows = within(dialog).getAllByTestId("import-row");
  expect(rows.map((r) => r.dataset.row)).toEqual(["4", "7", "2", "3", "5", "6"]);
  const seven = rows[1]!;
  expect(seven.dataset.action).toBe("invalid");
  const errors = within(seven).getAllByTestId("import-error");
  expect(errors.map((e) => e.dataset.column)).toEqual(["expiresOn", "recommendationKeys"]);
  expect(errors[0]!.textContent).toBe('Expires on: "31/01/2030" is not a date in the form YYYY-MM-DD.');
  expect(errors[1]!.textContent).toContain("Recommendation: ");
  expect(within(rows[0]!).getByTestId("import-error").textContent).toBe("Name: Name can't contain '.'.");
  expect(within(dialog).getByTestId("import-summary").textContent).toBe(
    "6 rows: 3 to create, 1 to update, 2 with errors",
  );
});

test("rows with errors are excluded, then the checks and every write, then the apply", async () => {
  const { user, dialog } = await pasteAndRead("scope,name\r\n");
  await user.click(await within(dialog).findByRole("button", { name: "Exclude the 2 rows with errors" }));
  expect((within(dialog).getByRole("checkbox", { name: "Import row 4" }) as HTMLInputElement).checked).toBe(false);
  expect((within(dialog).getByRole("checkbox", { name: "Import row 2" }) as HTMLInputElement).checked).toBe(true);
  expect(
    within(dialog)
      .getAllByTestId("import-row")
      .filter((r) => r.dataset.action === "excluded"),
  ).toHaveLength(2);
  await user.click(within(dialog).getByRole("button", { name: /Check and preview/ }));
  await waitFor(() => expect(within(dialog).getByTestId("import-preview")).toBeTruthy());
  expect(requests[1]!.excludedRows.sort()).toEqual([4, 7]);
  expect(within(dialog).getAllByTestId("preview-write")).toHaveLength(4);
  await user.click(within(dialog).getByRole("button", { name: "Send 4 writes" }));
  await waitFor(() => expect(within(dialog).getByTestId("apply-progress")).toBeTruthy());
  expect(invokeMock).toHaveBeenCalledWith("apply_plan", { planId: "plan-import" });
});

test("rows with errors left in block sending", async () => {
  const { user, dialog } = await pasteAndRead("scope,name\r\n");
  await user.click(await within(dialog).findByRole("button", { name: /Check and preview/ }));
  await waitFor(() => expect(within(dialog).getByTestId("import-checks")).toBeTruthy());
  expect(within(dialog).getByTestId("import-checks").textContent).toContain("Every imported row meets the rules");
  expect((within(dialog).getByRole("button", { name: "Send 4 writes" }) as HTMLButtonElement).disabled).toBe(true);
});

test("a file that cannot be read says why, and offers no preview", async () => {
  fileErrors = [
    {
      row: null,
      column: null,
      message: "The columns are separated by semicolons (;), as Excel saves CSV with European regional settings.",
    },
  ];
  const { dialog } = await pasteAndRead("scope;name\r\n");
  const bar = await within(dialog).findByTestId("import-file-errors");
  expect(bar.textContent).toContain("The file cannot be imported");
  expect(bar.textContent).toContain("separated by semicolons");
  expect(within(dialog).queryByRole("button", { name: /Check and preview/ })).toBeNull();
  expect(within(dialog).queryByTestId("import-report")).toBeNull();
});

test("an error at a row of the file names the row", async () => {
  fileErrors = [{ row: 3, column: null, message: "A quoted cell is never closed." }];
  const { dialog } = await pasteAndRead('a\r\n"b\r\n');
  expect((await within(dialog).findByTestId("import-file-errors")).textContent).toContain(
    "Row 3: A quoted cell is never closed.",
  );
});
