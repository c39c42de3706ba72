import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { applyStore } from "../apply/applyStore";
import type { EffectReport, ExemptionDraft, PlannedWrite, Preparation, Recommendation } from "../ipc/bindings";
import { GROUPS, SUBS, emitProgress, passed, reportFor, resetEvents, resource, validate } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import { ExemptPane } from "./ExemptPane";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const REC: Recommendation = {
  key: "d763462d-7566-4a55-90a2-fc38e0a59985",
  displayName: "Secure transfer to storage accounts should be enabled",
  description: "",
  severity: "High",
  assessmentType: "BuiltIn",
  policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/404c3081",
  unhealthyCount: 5,
  healthyCount: 0,
  notApplicableCount: 0,
  exemptedCount: 0,
  notExemptibleReason: null,
};

const MG = "/providers/Microsoft.Management/managementGroups/contoso";
const PROD = `/subscriptions/${SUBS[0]!.id}`;
const DEV = `/subscriptions/${SUBS[1]!.id}`;
const DEVDATA = `${DEV}/resourceGroups/rg-dev-data/providers/Microsoft.Storage/storageAccounts/stdevdata`;

function write(
  scope: string,
  assignment: string,
  initiative: string,
  below: boolean,
  name = "mg-waiver",
): PlannedWrite {
  return {
    scope,
    name,
    path: `${scope}/providers/Microsoft.Authorization/policyExemptions/${name}`,
    policyAssignmentId: `${scope}/providers/Microsoft.Authorization/policyAssignments/${assignment}`,
    initiativeName: initiative,
    policyDefinitionReferenceIds: ["secureTransfer"],
    replacesExisting: false,
    belowChosenScope: below,
    body: {
      properties: { policyAssignmentId: `${scope}/providers/Microsoft.Authorization/policyAssignments/${assignment}` },
    },
  };
}

const MCSB = "Microsoft cloud security benchmark";
const ISO = "ISO 27001:2013";
const WRITES: PlannedWrite[] = [
  write(MG, "mcsb-contoso", MCSB, false),
  write(PROD, "SecurityCenterBuiltIn", MCSB, true),
  write(PROD, "ISO27001-2013", ISO, true, "mg-waiver-ISO27001-2013"),
  write(DEVDATA, "iso27001-devdata", ISO, true),
];

let lastPreparation: Preparation | null = null;
let effect: EffectReport = { applyId: "apply-1", items: [], complete: false, expectedBy: "2030-01-02T10:00:00Z" };

function backend() {
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "validate_exemption":
        return validate(a.draft as ExemptionDraft);
      case "prepare_exemption": {
        const d = a.draft as ExemptionDraft;
        const writes =
          d.scope.kind === "managementGroup" ? WRITES : [write(PROD, "SecurityCenterBuiltIn", MCSB, false, d.name)];
        return (lastPreparation = {
          planId: `plan-${d.name}`,
          checks: [passed("Initiatives", "Every assigned initiative holding the recommendation is covered")],
          writes,
          blocked: false,
          planError: null,
        });
      }
      case "list_management_groups":
        return GROUPS;
      case "recommendation_resources":
        return [resource(0), resource(1), resource(2), resource(3), resource(4, "Healthy")];
      case "apply_plan":
        return "apply-1";
      case "apply_report":
        return reportFor(a.applyId as string, lastPreparation!, REC.key);
      case "effect_status":
        return effect;
      case "save_draft":
      case "discard_draft":
      case "load_draft":
        return null;
    }
    throw { code: "unknown", message: `unexpected ${cmd}`, details: null };
  });
}

const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);
const lastDraft = () => (callsOf("validate_exemption").at(-1)![1] as { draft: ExemptionDraft }).draft;

beforeEach(() => {
  invokeMock.mockReset();
  applyStore.reset();
  resetEvents();
  lastPreparation = null;
  effect = { applyId: "apply-1", items: [], complete: false, expectedBy: "2030-01-02T10:00:00Z" };
  backend();
});

async function fillGroup(user: ReturnType<typeof userEvent.setup>) {
  renderWithProviders(<ExemptPane recommendation={REC} subscriptions={SUBS} onClose={vi.fn()} />);
  await user.click(within(screen.getByTestId("scope-kind")).getByRole("radio", { name: "Management group" }));
  await user.click(within(await screen.findByTestId("mg-tree")).getByRole("radio", { name: "Contoso" }));
  await user.type(screen.getByRole("textbox", { name: /^Name/ }), "mg-waiver");
  await user.click(screen.getByRole("radio", { name: "Risk accepted (waiver)" }));
}

describe("One name, every initiative", () => {
  test("the form says up front how many exemptions one name becomes; the preview lists each write with its scope", async () => {
    const user = userEvent.setup();
    renderWithProviders(<ExemptPane recommendation={REC} subscriptions={SUBS} onClose={vi.fn()} />);
    const fan = screen.getByTestId("name-fan-out");
    expect(fan).toHaveTextContent("1 name → one exemption per initiative holding the recommendation");
    await user.click(within(screen.getByTestId("scope-kind")).getByRole("radio", { name: "Management group" }));
    await user.click(within(await screen.findByTestId("mg-tree")).getByRole("radio", { name: "Contoso" }));
    await user.type(screen.getByRole("textbox", { name: /^Name/ }), "mg-waiver");
    await user.click(screen.getByRole("radio", { name: "Risk accepted (waiver)" }));
    await waitFor(() => expect(fan).toHaveTextContent("1 name → 4 exemptions, one per initiative"), { timeout: 3000 });
    expect(fan).toHaveTextContent(`${MCSB} ×2, ${ISO} ×2; 3 of them are for assignments below the chosen scope`);
    // Typing elsewhere re-checks, but the count (which depends on the scope) holds meanwhile.
    await user.type(screen.getByRole("textbox", { name: "Description" }), "x");
    expect(fan).toHaveTextContent("1 name → 4 exemptions, one per initiative");

    await user.click(screen.getByRole("button", { name: "Preview" }));
    const preview = await screen.findByTestId("preview");
    expect(within(preview).getByTestId("preview-fan-out")).toHaveTextContent(
      "1 name → 4 exemptions, one per initiative",
    );
    const writes = within(preview).getAllByTestId("preview-write");
    expect(writes.map((w) => w.getAttribute("data-path"))).toEqual(WRITES.map((w) => w.path));
    expect(writes.map((w) => w.getAttribute("data-below"))).toEqual(["false", "true", "true", "true"]);
    expect(writes[0]).toHaveTextContent("Management group: Contoso");
    expect(writes[1]).toHaveTextContent("Subscription: Contoso Production");
    expect(writes[1]).toHaveTextContent("below the chosen scope");
    expect(writes[3]).toHaveTextContent("Resource in Contoso Development · rg-dev-data: stdevdata");
    expect(writes[3]).toHaveTextContent(ISO);
    expect(within(preview).getByRole("button", { name: "Create 4 exemptions" })).toBeEnabled();
  }, 20_000);

  test("the results show the initiative as its own column", async () => {
    const user = userEvent.setup();
    await fillGroup(user);
    await user.click(screen.getByRole("button", { name: "Preview" }));
    await user.click(await screen.findByRole("button", { name: "Create 4 exemptions" }));
    const section = await screen.findByTestId("apply-progress");
    await waitFor(() => expect(within(section).getAllByTestId("apply-item")).toHaveLength(4));
    expect(within(section).getByTestId("apply-columns")).toHaveTextContent("ScopeInitiativeState");
    const initiatives = within(section)
      .getAllByTestId("apply-item-initiative")
      .map((e) => e.textContent);
    expect(initiatives).toEqual([MCSB, MCSB, ISO, ISO]);
    const first = within(section).getAllByTestId("apply-item")[0]!;
    expect(first).toHaveTextContent("Contoso");
    expect(within(first).getByText("Management group")).toBeInTheDocument();
  }, 20_000);

  test("a resource still held by an assignment without an exemption is named, instead of 'up to 24 hours'", async () => {
    effect = {
      applyId: "apply-1",
      complete: false,
      expectedBy: "2030-01-02T10:00:00Z",
      items: [
        {
          scope: DEV,
          pending: 2,
          exempt: 0,
          heldBy: [
            {
              assignmentId: `${DEVDATA}/providers/Microsoft.Authorization/policyAssignments/iso27001-devdata`,
              initiativeName: ISO,
              resourceId: DEVDATA,
              resources: 1,
            },
          ],
        },
      ],
    };
    const user = userEvent.setup();
    await fillGroup(user);
    await user.click(screen.getByRole("button", { name: "Preview" }));
    await user.click(await screen.findByRole("button", { name: "Create 4 exemptions" }));
    await screen.findByTestId("apply-progress");
    for (const [i, n] of [0, 1, 2, 3].entries()) {
      act(() =>
        emitProgress({
          applyId: "apply-1",
          index: n,
          state: "Succeeded",
          attempts: 1,
          message: null,
          succeeded: i + 1,
          failed: 0,
          total: 4,
        }),
      );
    }
    const held = await screen.findByTestId("effect-held-by");
    expect(held).toHaveTextContent(`${ISO} (iso27001-devdata at stdevdata) still holds stdevdata.`);
    expect(screen.getByTestId("effect-status")).not.toHaveTextContent("up to 24 hours");
  }, 20_000);
});

describe("Resource groups as a scope", () => {
  test("offered beside the other kinds; chosen by keyboard; sent as resource group ids", async () => {
    const user = userEvent.setup();
    renderWithProviders(<ExemptPane recommendation={REC} subscriptions={SUBS} onClose={vi.fn()} />);
    const kinds = screen.getByTestId("scope-kind");
    expect(
      within(kinds)
        .getAllByRole("radio")
        .map((r) => r.getAttribute("value")),
    ).toEqual(["managementGroup", "subscriptions", "resourceGroups", "resources"]);
    // Arrow keys move between the kinds, as in any radio group.
    within(kinds).getByRole("radio", { name: "Subscriptions" }).focus();
    await user.keyboard("{ArrowRight}");
    expect(within(kinds).getByRole("radio", { name: "Resource groups" })).toBeChecked();
    const picker = await screen.findByTestId("resource-group-picker");
    // resource(0..4): Production rg-0, rg-2, rg-1 (healthy) and Development rg-1, rg-0: five groups.
    const rows = within(picker).getAllByTestId("resource-group-row");
    expect(rows.length).toBe(5);
    expect(within(picker).getByText("0 of 5 selected")).toBeInTheDocument();
    expect(
      rows.find((r) => r.textContent?.startsWith("rg-1") && r.textContent.includes("Contoso Production")),
    ).toHaveTextContent("0 unhealthy of 1");
    const box = within(picker).getAllByRole("checkbox", { name: "rg-0" })[0]!;
    box.focus();
    await user.keyboard(" ");
    expect(box).toBeChecked();
    await waitFor(() => expect((lastDraft().scope as { ids: string[] }).ids).toHaveLength(1));
    const scope = lastDraft().scope as { kind: string; ids: string[] };
    expect(scope.ids).toHaveLength(1);
    expect(scope.ids[0]).toMatch(/^\/subscriptions\/[0-9a-f-]+\/resourceGroups\/rg-0$/);
    await user.type(within(picker).getByRole("searchbox", { name: "Search resource groups" }), "Development");
    expect(
      within(picker)
        .getAllByTestId("resource-group-row")
        .every((r) => r.textContent?.includes("Contoso Development")),
    ).toBe(true);
  }, 20_000);
});
