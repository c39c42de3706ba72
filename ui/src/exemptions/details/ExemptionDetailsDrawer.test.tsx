import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { ExemptionDetails, RegisterEntry } from "../../ipc/bindings";
import { renderWithProviders } from "../../test/render";
import { words } from "./detailsText";
import { ExemptionDetailsDrawer } from "./ExemptionDetailsDrawer";

vi.mock("@tauri-apps/api/core", async () => (await import("../../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const SUB = "11111111-1111-4111-8111-111111111111";
const ID = `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Authorization/policyExemptions/vnet-rules`;
const LONG = `The partner ingest pipeline connects from fixed public IPs. ${"Still justified. ".repeat(20)}End of reason.`;

const ENTRY: RegisterEntry = {
  exemption: {
    id: ID,
    name: "vnet-rules",
    scope: `/subscriptions/${SUB}/resourceGroups/rg-data`,
    displayName: "Partner SFTP ingest needs public endpoint",
    description: LONG,
    category: "Waiver",
    expiresOn: "2027-06-30T00:00:00Z",
    expired: false,
    policyAssignmentId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/mcsb`,
    policyDefinitionReferenceIds: ["storageVnet"],
  },
  level: "ResourceGroup",
  scopeName: "rg-data in Contoso Production",
  subscriptionId: SUB,
  subscriptionName: "Contoso Production",
  initiativeId: "/providers/Microsoft.Authorization/policySetDefinitions/mcsb",
  initiativeName: "Microsoft cloud security benchmark",
  assignmentName: "ASC Default",
  recommendations: [
    {
      referenceId: "storageVnet",
      recommendationKey: "k1",
      displayName: "Storage accounts should restrict network access",
    },
  ],
  expiry: { kind: "expiresSoon", days: 12 },
  createdBy: "alex@contoso.com",
  createdAt: "2025-06-02T10:20:00Z",
  lastModifiedBy: "sam@contoso.com",
  lastModifiedAt: "2026-01-15T09:00:00Z",
  requestedBy: "riley@contoso.com",
  approvedBy: "morgan@contoso.com",
  ticket: "CHG-1042",
};

const RAW = `{"properties":{"policyAssignmentId":"x","expiresOn":"2027-06-30T00:00:00Z","metadata":{"ticketRef":"CHG-1042"}},"id":"${ID}","name":"vnet-rules"}`;

const resource = (name: string, exempt: boolean) => ({
  recommendationKey: "k1",
  recommendationName: "Storage accounts should restrict network access",
  shownExempt: exempt,
  resource: {
    id: `/subscriptions/${SUB}/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/${name}`,
    name,
    resourceType: "Microsoft.Storage/storageAccounts",
    subscriptionId: SUB,
    resourceGroup: "rg-data",
    status: exempt ? ("NotApplicable" as const) : ("Unhealthy" as const),
    cause: exempt ? "Exempt" : null,
    exemptionId: null,
  },
});

const DETAILS: ExemptionDetails = {
  exemptionId: ID,
  rawJson: RAW,
  properties: [
    { path: "id", value: ID },
    { path: "properties.metadata.ticketRef", value: "CHG-1042" },
  ],
  coverage: {
    recommendations: [{ key: "k1", displayName: "Storage accounts should restrict network access" }],
    resources: [resource("stpending", false), resource("stdone", true)],
    total: 250,
    shownExempt: 120,
    unavailable: null,
  },
  audit: [
    {
      at: "2025-06-02T10:20:00.000Z",
      account: "alex@contoso.com",
      action: "Created",
      state: "Succeeded",
      message: null,
      applyId: "a1",
      changes: [],
    },
    {
      at: "2026-01-15T09:00:00.000Z",
      account: "sam@contoso.com",
      action: "Changed",
      state: "Succeeded",
      message: null,
      applyId: "a2",
      changes: [{ field: "expiresOn", before: "2026-06-30T00:00:00Z", after: "2027-06-30T00:00:00Z" }],
    },
  ],
};

describe("ExemptionDetailsDrawer", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "exemption_details") return DETAILS;
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("shows the summary, the whole description, the covered resources, the audit and the JSON", async () => {
    const user = userEvent.setup();
    renderWithProviders(<ExemptionDetailsDrawer entry={ENTRY} onClose={() => {}} />);
    const drawer = screen.getByRole("dialog", { hidden: true });
    expect(drawer).toHaveAccessibleName("Partner SFTP ingest needs public endpoint");
    const summary = within(drawer);
    for (const text of [
      "Storage accounts should restrict network access",
      "rg-data in Contoso Production (resource group)",
      "Microsoft cloud security benchmark",
      "Risk accepted (waiver)",
      "Expires in 12 days",
      "riley@contoso.com",
      "morgan@contoso.com",
      "CHG-1042",
    ]) {
      expect(summary.getAllByText(text, { exact: false }).length).toBeGreaterThan(0);
    }
    expect(summary.getByText(/2025.*by alex@contoso\.com/)).toBeInTheDocument();
    // The description in full, and the keyboard reaches it.
    const description = screen.getByTestId("exemption-description");
    expect(description).toHaveTextContent(LONG.trim());
    expect(description).toHaveAttribute("tabindex", "0");
    expect(invokeMock).toHaveBeenCalledWith("exemption_details", { exemptionId: ID });

    expect(await screen.findByTestId("coverage-summary")).toHaveTextContent("shows 120 of 250 covered resources");
    const covered = screen.getAllByTestId("covered-resource");
    expect(covered).toHaveLength(2);
    expect(within(covered[0]!).getByText("Unhealthy")).toBeInTheDocument();
    expect(within(covered[1]!).getByText("Exempt")).toBeInTheDocument();
    expect(screen.getByText("and 248 more resources not listed.")).toBeInTheDocument();

    const audit = screen.getAllByTestId("audit-entry");
    expect(audit).toHaveLength(2);
    expect(audit[1]).toHaveTextContent("Changed · Succeeded");
    expect(audit[1]).toHaveTextContent("expiresOn: 2026-06-30T00:00:00Z → 2027-06-30T00:00:00Z");

    // The JSON is behind a disclosure, indented for reading; Copy copies it exactly as Azure sent it.
    expect(screen.queryByTestId("raw-json")).toBeNull();
    await user.click(screen.getByRole("button", { name: "JSON as Azure returned it", hidden: true }));
    const json = await screen.findByTestId("raw-json");
    expect(json.textContent).toBe(JSON.stringify(JSON.parse(RAW), null, 2));
    expect(json.textContent!.indexOf("properties")).toBeLessThan(json.textContent!.indexOf('"id"'));
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await user.click(screen.getByRole("button", { name: "Copy JSON", hidden: true }));
    expect(writeText).toHaveBeenCalledWith(RAW);
    expect(await screen.findByText("Copied.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Every property (2)", hidden: true }));
    expect(screen.getByRole("table", { name: "Every property", hidden: true })).toHaveTextContent(
      "properties.metadata.ticketRef",
    );
  });

  test("Escape and Close both close it", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderWithProviders(<ExemptionDetailsDrawer entry={ENTRY} onClose={onClose} />);
    await screen.findByTestId("coverage-summary");
    screen.getByTestId("exemption-description").focus();
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole("button", { name: "Close", hidden: true }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  test("an exemption Azure no longer has still shows what the app did to it", async () => {
    const gone = {
      ...DETAILS,
      rawJson: null,
      properties: [],
      coverage: null,
      audit: [{ ...DETAILS.audit[0]!, action: "Deleted" }],
    };
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "exemption_details") return gone;
      throw { code: "unknown", message: cmd, details: null };
    });
    renderWithProviders(<ExemptionDetailsDrawer entry={{ ...ENTRY, recommendations: [] }} onClose={() => {}} />);
    expect(await screen.findByText("Azure no longer has this exemption.")).toBeInTheDocument();
    expect(screen.getByTestId("audit-entry")).toHaveTextContent("Deleted");
    expect(screen.queryByRole("button", { name: "JSON as Azure returned it", hidden: true })).toBeNull();
    expect(screen.getByText("Every recommendation of Microsoft cloud security benchmark")).toBeInTheDocument();
  });

  test("a failed read says so and can be retried", async () => {
    let fail = true;
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd !== "exemption_details") throw { code: "unknown", message: cmd, details: null };
      if (fail) throw { code: "azure_forbidden", message: "You may not read exemptions at rg-data.", details: null };
      return DETAILS;
    });
    const user = userEvent.setup();
    renderWithProviders(<ExemptionDetailsDrawer entry={ENTRY} onClose={() => {}} />);
    expect(await screen.findByText("You may not read exemptions at rg-data.")).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole("button", { name: "Retry", hidden: true }));
    await waitFor(() => expect(screen.getByTestId("coverage-summary")).toBeInTheDocument());
  });

  test("enum values read as words", () => {
    expect(words("OffByPolicy")).toBe("Off by policy");
    expect(words("NotApplicable")).toBe("Not applicable");
  });
});
