import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, expect, test, vi } from "vitest";
import type { ChangeRequest, Exemption, PlannedWrite, Preparation } from "../../ipc/bindings";
import { SUBS, passed, reportFor, resetEvents } from "../../test/fakeIpc";
import { renderWithProviders } from "../../test/render";
import { ExemptionActions } from "./ExemptionActions";
import { formatExpiry } from "../../shared/formatDate";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
vi.mock("@tauri-apps/api/event", async () => (await import("../../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const SUB = `/subscriptions/${SUBS[0]!.id}`;
const row = (name: string, expiresOn: string | null): Exemption => ({
  id: `${SUB}/providers/Microsoft.Authorization/policyExemptions/${name}`,
  name,
  scope: SUB,
  displayName: name,
  description: null,
  category: "Waiver",
  expiresOn,
  expired: false,
  policyAssignmentId: `${SUB}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
  policyDefinitionReferenceIds: [],
});
const SELECTED = [row("keep-a", "2030-07-01T00:00:00Z"), row("keep-b", "2030-08-01T00:00:00Z")];

function writeFor(e: Exemption, request: ChangeRequest): PlannedWrite {
  const asRead = { id: e.id, properties: { exemptionCategory: "Waiver", expiresOn: e.expiresOn }, systemData: {} };
  const del = request.change.kind === "delete";
  return {
    method: del ? "DELETE" : "PUT",
    scope: e.scope,
    name: e.name,
    path: e.id,
    policyAssignmentId: e.policyAssignmentId,
    initiativeName: "",
    policyDefinitionReferenceIds: [],
    replacesExisting: true,
    belowChosenScope: false,
    body: del ? null : { properties: { exemptionCategory: "Waiver", expiresOn: "2030-09-01T00:00:00Z" } },
    asRead,
  };
}

let requests: ChangeRequest[] = [];
let blocked = false;
/** Names the backend finds nothing to change in (e.g. no expiry to extend). */
let unchanged: string[] = [];
let lastPreparation: Preparation | null = null;
/** The apply reports itself finished, every write succeeded. */
let finishedReport = false;

beforeEach(() => {
  requests = [];
  blocked = false;
  finishedReport = false;
  unchanged = [];
  resetEvents();
  invokeMock.mockReset();
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "prepare_exemption_change": {
        const request = a.request as ChangeRequest;
        requests.push(request);
        const writes = SELECTED.filter((e) => request.exemptionIds.includes(e.id) && !unchanged.includes(e.name)).map(
          (e) => writeFor(e, request),
        );
        const checks = [passed("Exists", "The exemptions still exist"), passed("Permissions", "You may write these")];
        if (blocked)
          checks.push({
            ...passed("Expiry", "Not applicable"),
            status: "Failed",
            detail: "You may not delete exemptions at x.",
          });
        return (lastPreparation = { planId: "plan-1", checks, writes, blocked, planError: null });
      }
      case "apply_plan":
        // The apply store outlives a test: a finished apply gets an id of its own.
        return finishedReport ? "apply-finished" : "apply-1";
      case "apply_report":
        return finishedReport
          ? {
              ...reportFor(a.applyId as string, lastPreparation!, "exemption-change"),
              finished: true,
              items: lastPreparation!.writes.map((write, index) => ({
                index,
                write,
                state: "Succeeded",
                attempts: 1,
                message: null,
              })),
            }
          : reportFor(a.applyId as string, lastPreparation!, "exemption-change");
      default:
        return null;
    }
  });
});

test("extend two by 30 days: the checks, every PUT with what it changes, then the apply", async () => {
  const user = userEvent.setup();
  renderWithProviders(<ExemptionActions selected={SELECTED} subscriptions={SUBS} />);
  expect(screen.getByText("2 selected")).toBeTruthy();
  await user.click(screen.getByRole("button", { name: "Extend" }));
  const dialog = await screen.findByRole("dialog", { name: "Extend 2 exemptions" });
  await user.click(within(dialog).getByRole("button", { name: /Preview/ }));

  await waitFor(() => expect(within(dialog).getAllByTestId("change-write")).toHaveLength(2));
  expect(requests).toEqual([{ exemptionIds: SELECTED.map((e) => e.id), change: { kind: "extendBy", days: 30 } }]);
  expect(within(dialog).getByTestId("change-checks").textContent).toContain("The exemptions still exist");
  const first = within(dialog).getAllByTestId("change-write")[0]!;
  expect(first.dataset.method).toBe("PUT");
  // A date with its year, in local time (the exact instant is in the JSON body).
  expect(first.textContent).toContain(
    `expiresOn: ${formatExpiry("2030-07-01T00:00:00Z")} → ${formatExpiry("2030-09-01T00:00:00Z")}`,
  );
  expect(formatExpiry("2030-09-01T00:00:00Z")).toContain("2030");

  await user.click(within(dialog).getByRole("button", { name: "Send 2 writes" }));
  await waitFor(() => expect(within(dialog).getByTestId("apply-progress")).toBeTruthy());
  expect(invokeMock).toHaveBeenCalledWith("apply_plan", { planId: "plan-1" });
  expect(within(dialog).getByTestId("apply-progress").textContent).toContain("Changing 2 exemptions");
  expect(within(dialog).queryByTestId("unchanged-note")).toBeNull();
});

test("a finished change offers one Close, the dialog's own", async () => {
  finishedReport = true;
  const user = userEvent.setup();
  renderWithProviders(<ExemptionActions selected={SELECTED} subscriptions={SUBS} />);
  await user.click(screen.getByRole("button", { name: "Extend" }));
  const dialog = await screen.findByRole("dialog", { name: "Extend 2 exemptions" });
  await user.click(within(dialog).getByRole("button", { name: /Preview/ }));
  await user.click(await within(dialog).findByRole("button", { name: "Send 2 writes" }));
  await waitFor(() => expect(within(dialog).getByTestId("apply-progress").dataset.finished).toBe("true"));
  expect(within(dialog).getAllByRole("button", { name: "Close" })).toHaveLength(1);
});

test("a chosen exemption with nothing to change is named as left alone", async () => {
  const user = userEvent.setup();
  unchanged = ["keep-b"];
  renderWithProviders(<ExemptionActions selected={SELECTED} subscriptions={SUBS} />);
  await user.click(screen.getByRole("button", { name: "Extend" }));
  const dialog = await screen.findByRole("dialog", { name: "Extend 2 exemptions" });
  await user.click(within(dialog).getByRole("button", { name: /Preview/ }));
  await waitFor(() => expect(within(dialog).getAllByTestId("change-write")).toHaveLength(1));
  expect(within(dialog).getByTestId("unchanged-note").textContent).toContain(
    "1 of the 2 chosen exemptions needs no change",
  );
});

test("a delete previews each DELETE, and a failed check blocks sending", async () => {
  const user = userEvent.setup();
  blocked = true;
  renderWithProviders(<ExemptionActions selected={SELECTED.slice(0, 1)} subscriptions={SUBS} />);
  await user.click(screen.getByRole("button", { name: "Delete" }));
  const dialog = await screen.findByRole("dialog", { name: "Delete 1 exemption" });
  await user.click(within(dialog).getByRole("button", { name: /Preview/ }));
  const write = await within(dialog).findByTestId("change-write");
  expect(write.dataset.method).toBe("DELETE");
  expect(write.textContent).toContain("there is no body");
  expect(within(dialog).getByText("You may not delete exemptions at x.")).toBeTruthy();
  expect((within(dialog).getByRole("button", { name: "Send 1 write" }) as HTMLButtonElement).disabled).toBe(true);
});

test("nothing selected: the actions are off; an edit that changes nothing cannot be previewed", async () => {
  const user = userEvent.setup();
  const { rerender } = renderWithProviders(<ExemptionActions selected={[]} subscriptions={SUBS} />);
  expect((screen.getByRole("button", { name: "Edit" }) as HTMLButtonElement).disabled).toBe(true);
  rerender(<ExemptionActions selected={SELECTED} subscriptions={SUBS} />);
  await user.click(screen.getByRole("button", { name: "Edit" }));
  const dialog = await screen.findByRole("dialog", { name: "Edit 2 exemptions" });
  const preview = within(dialog).getByRole("button", { name: /Preview/ }) as HTMLButtonElement;
  expect(preview.disabled).toBe(true); // nothing changed yet
  await user.type(within(dialog).getByRole("textbox", { name: /Ticket reference/ }), "CHG-9");
  expect(preview.disabled).toBe(false);
  await user.click(preview);
  await waitFor(() => expect(requests).toHaveLength(1));
  expect(requests[0]!.change).toEqual({
    kind: "edit",
    displayName: null,
    description: null,
    category: null,
    expiresOn: null,
    ticket: "CHG-9",
  });
});
