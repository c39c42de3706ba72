import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { Check, ExemptionDraft, Preparation, Recommendation, TenantSettings } from "../../ipc/bindings";
import { GROUPS, SUBS, preparationFor, resetEvents, resource, validate } from "../../test/fakeIpc";
import { renderWithProviders } from "../../test/render";
import { ExemptPane } from "../ExemptPane";

vi.mock("@tauri-apps/api/core", async () => (await import("../../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const REC: Recommendation = {
  key: "4fb67663-9ab9-475d-b026-8c544cced439",
  displayName: "Storage accounts should restrict network access",
  description: "Network access to storage accounts should be restricted.",
  severity: "Medium",
  assessmentType: "BuiltIn",
  policyDefinitionId: "/providers/Microsoft.Authorization/policyDefinitions/34c877ad",
  unhealthyCount: 4,
  healthyCount: 2,
  notApplicableCount: 0,
  exemptedCount: 0,
  notExemptibleReason: null,
};

const failed = (kind: Check["kind"], title: string): Check => ({
  kind,
  status: "Failed",
  title,
  detail: `${title}.`,
  remedy: null,
  grantSecurityReaderAt: null,
});

/** The user may not write: the Permissions check fails, the plan is still made. */
function mayNotWrite(d: ExemptionDraft): Preparation {
  const p = preparationFor(d, [failed("Permissions", "You may not write these exemptions")]);
  return { ...p, blocked: true, planError: { code: "checks_failed", message: "A check failed.", details: null } };
}

type Options = { prepare?: (d: ExemptionDraft) => Preparation; tenant?: TenantSettings; submitFails?: boolean };
function backend({ prepare = mayNotWrite, tenant, submitFails = false }: Options = {}) {
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    switch (cmd) {
      case "validate_exemption":
        return validate(a.draft as ExemptionDraft);
      case "prepare_exemption":
        return prepare(a.draft as ExemptionDraft);
      case "list_management_groups":
        return GROUPS;
      case "recommendation_resources":
        return [resource(1)];
      case "get_tenant_settings":
        return (
          tenant ?? {
            requestTable: { endpoint: "https://risk.table.core.windows.net", table: "requests" },
            policy: { approval: "Never", maxExpiryDays: null, ticketRequired: false },
          }
        );
      case "submit_request":
        if (submitFails)
          throw {
            code: "forbidden",
            message: "You lack Storage Table Data Contributor on the request table.",
            details: null,
          };
        return { id: "req-1", state: "Pending" };
      case "save_request_file":
        return "/home/sam/partner.exemption-request.json";
      case "save_draft":
      case "discard_draft":
      case "load_draft":
        return null;
    }
    throw { code: "unknown", message: `unexpected ${cmd}`, details: null };
  });
}

const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);

async function fill(user: ReturnType<typeof userEvent.setup>) {
  renderWithProviders(<ExemptPane recommendation={REC} subscriptions={SUBS} onClose={vi.fn()} />);
  await user.click(screen.getByRole("checkbox", { name: "Contoso Production" }));
  await user.type(screen.getByRole("textbox", { name: /^Name/ }), "partner-sftp");
  await user.click(screen.getByRole("radio", { name: "Risk accepted (waiver)" }));
}

describe("Request approval from the Exempt pane", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    resetEvents();
  });

  test("when the user may not write it is the only choice; the justification is required; it is sent with the ticket", async () => {
    backend();
    const user = userEvent.setup();
    await fill(user);
    expect(await screen.findByTestId("request-only", {}, { timeout: 5000 })).toHaveTextContent(
      "You may not write these exemptions yourself",
    );
    expect(screen.queryByRole("button", { name: "Preview" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Request approval" }));
    expect(await screen.findByTestId("request-preview")).toHaveTextContent(
      "Every request, exactly as it will be sent (1)",
    );

    await user.click(screen.getByRole("button", { name: "Send request" }));
    expect(await screen.findByText("Say why this exemption is needed.")).toBeInTheDocument();
    expect(callsOf("submit_request")).toHaveLength(0);

    await user.type(screen.getByRole("textbox", { name: /Justification/ }), "Partner gateway until Q1.");
    await user.type(screen.getByRole("textbox", { name: /Ticket/ }), " CHG-1042 ");
    await user.click(screen.getByRole("button", { name: "Send request" }));
    expect(await screen.findByText("Request sent")).toBeInTheDocument();
    const [, args] = callsOf("submit_request")[0]!;
    expect(args).toMatchObject({
      justification: "Partner gateway until Q1.",
      ticket: "CHG-1042",
      draft: { name: "partner-sftp", category: "Waiver" },
    });
    expect(callsOf("apply_plan")).toHaveLength(0);
    // The request carries the draft now.
    await waitFor(() => expect(callsOf("discard_draft").length).toBeGreaterThan(0));
  });

  test("an error keeps everything typed; going back to the form and returning keeps it too", async () => {
    backend({ submitFails: true });
    const user = userEvent.setup();
    await fill(user);
    await user.click(await screen.findByRole("button", { name: "Request approval" }, { timeout: 5000 }));
    const why = await screen.findByRole("textbox", { name: /Justification/ });
    await user.type(why, "Because.");
    await user.click(screen.getByRole("button", { name: "Send request" }));
    expect(await screen.findByText("Couldn't send the request")).toBeInTheDocument();
    expect(screen.getByText(/Storage Table Data Contributor/)).toBeInTheDocument();
    expect(why).toHaveValue("Because.");
    await user.click(screen.getByRole("button", { name: "Back to the form" }));
    expect(screen.getByRole("textbox", { name: /^Name/ })).toHaveValue("partner-sftp");
    await user.click(await screen.findByRole("button", { name: "Request approval" }, { timeout: 5000 }));
    expect(await screen.findByRole("textbox", { name: /Justification/ })).toHaveValue("Because.");
  });

  test("without a request table it travels as a file; a required ticket is asked for", async () => {
    backend({
      tenant: { requestTable: null, policy: { approval: "Never", maxExpiryDays: null, ticketRequired: true } },
    });
    const user = userEvent.setup();
    await fill(user);
    await user.click(await screen.findByRole("button", { name: "Request approval" }, { timeout: 5000 }));
    await screen.findByText(/This tenant has no request table/);
    expect(screen.queryByRole("button", { name: "Send request" })).toBeNull();
    await user.type(screen.getByRole("textbox", { name: /Justification/ }), "Because.");
    await user.click(screen.getByRole("button", { name: "Save as file…" }));
    expect(await screen.findByText("This tenant requires a ticket reference or link.")).toBeInTheDocument();
    expect(callsOf("save_request_file")).toHaveLength(0);
    await user.type(screen.getByRole("textbox", { name: /Ticket/ }), "RISK-7");
    await user.click(screen.getByRole("button", { name: "Save as file…" }));
    expect(await screen.findByText("Request saved as a file")).toBeInTheDocument();
    expect(screen.getByText("/home/sam/partner.exemption-request.json")).toBeInTheDocument();
  });

  test("a user who may write is offered it beside Create", async () => {
    backend({ prepare: (d) => preparationFor(d) });
    const user = userEvent.setup();
    await fill(user);
    await user.click(await screen.findByRole("button", { name: "Preview" }, { timeout: 5000 }));
    expect(await screen.findByRole("button", { name: /Create \d+ exemption/ })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Request approval" }));
    expect(await screen.findByText(/You could write these yourself/)).toBeInTheDocument();
  });

  test("the tenant's policy demanding approval makes requesting the only choice", async () => {
    const policy = { ...failed("Permissions", "This tenant requires approval for waivers"), kind: "Approval" };
    backend({ prepare: (d) => ({ ...preparationFor(d, [policy as Check]), blocked: true }) });
    const user = userEvent.setup();
    await fill(user);
    expect(await screen.findByTestId("request-only", {}, { timeout: 5000 })).toHaveTextContent(
      "This tenant requires approval",
    );
    expect(screen.getByRole("button", { name: "Request approval" })).toBeInTheDocument();
  });

  test("a failure only the user can fix offers no request, just the block", async () => {
    backend({
      prepare: (d) => ({ ...preparationFor(d, [failed("ScopeLimit", "Too many exemptions")]), blocked: true }),
    });
    const user = userEvent.setup();
    await fill(user);
    expect(await screen.findByTestId("blocked", {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Request approval" })).toBeNull();
  });
});
