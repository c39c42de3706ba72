import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { Exemption, ExemptionDraft, FieldError, Recommendation, Subscription } from "../ipc/bindings";
import { renderWithProviders } from "../test/render";
import { ExemptPane } from "./ExemptPane";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn() }));
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const SUBS: Subscription[] = [
  { id: "11111111-1111-4111-8111-111111111111", displayName: "Contoso Production", state: "Enabled" },
  { id: "22222222-2222-4222-8222-222222222222", displayName: "Contoso Development", state: "Enabled" },
  { id: "33333333-3333-4333-8333-333333333333", displayName: "Contoso Sandbox", state: "Enabled" },
];

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
  notExemptibleReason: null,
};

/** A stand-in for the Rust validator, close enough for the form's needs. */
function validate(d: ExemptionDraft): FieldError[] {
  const errors: FieldError[] = [];
  if (d.subscriptionIds.length === 0) errors.push({ field: "scope", message: "Choose at least one subscription." });
  if (!d.name.trim()) errors.push({ field: "name", message: "Enter a name." });
  else if (d.name.includes(".")) errors.push({ field: "name", message: "Name can't contain '.'." });
  if (d.category === null) errors.push({ field: "category", message: "Choose a category: mitigated or risk accepted." });
  if (d.description.length > 512) errors.push({ field: "description", message: "Description is too long." });
  return errors;
}

function created(d: ExemptionDraft): Exemption[] {
  return d.subscriptionIds.map((sub) => ({
    id: `/subscriptions/${sub}/providers/Microsoft.Authorization/policyExemptions/${d.name}`,
    name: d.name,
    scope: `/subscriptions/${sub}`,
    displayName: d.displayName || d.name,
    description: d.description,
    category: d.category,
    expiresOn: "2030-07-01T03:59:59Z",
    expired: false,
    policyAssignmentId: `/subscriptions/${sub}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
    policyDefinitionReferenceIds: ["storageAccountShouldRestrictNetworkAccess"],
  }));
}

type Handler = (cmd: string, args: Record<string, unknown>) => unknown;
function backend(overrides: Record<string, Handler> = {}) {
  invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
    const a = (args ?? {}) as Record<string, unknown>;
    const handler = overrides[cmd];
    if (handler) return handler(cmd, a);
    if (cmd === "validate_exemption") return validate(a.draft as ExemptionDraft);
    if (cmd === "create_exemption") return created(a.draft as ExemptionDraft);
    throw { code: "unknown", message: `unexpected ${cmd}`, details: null };
  });
}

const callsOf = (cmd: string) => invokeMock.mock.calls.filter(([c]) => c === cmd);

/** The validation message Fluent's Field ties to a control. */
function errorOf(control: HTMLElement): string {
  const ids = (control.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
  return ids
    .filter((id) => id.endsWith("__validationMessage"))
    .map((id) => document.getElementById(id)?.textContent ?? "")
    .join(" ");
}

function renderPane(recommendation: Recommendation = REC) {
  const onClose = vi.fn();
  const view = renderWithProviders(
    <ExemptPane recommendation={recommendation} subscriptions={SUBS} onClose={onClose} />,
  );
  return { ...view, onClose };
}

const nameInput = () => screen.getByRole("textbox", { name: /^Name/ });
const createButton = () => screen.getByRole("button", { name: "Create" });

beforeEach(() => {
  invokeMock.mockReset();
  backend();
});

describe("Exempt form", () => {
  test("shows validation errors under the right field as the user types", async () => {
    const user = userEvent.setup();
    renderPane();
    await user.type(nameInput(), "bad.name");
    await waitFor(() => expect(errorOf(nameInput())).toBe("Name can't contain '.'."));
    expect(nameInput()).toHaveAttribute("aria-invalid", "true");
    // Untouched fields keep quiet even though the backend reports them.
    expect(screen.queryByText("Choose at least one subscription.")).not.toBeInTheDocument();
    expect(screen.queryByText("Choose a category: mitigated or risk accepted.")).not.toBeInTheDocument();

    await user.clear(nameInput());
    await user.type(nameInput(), "good-name");
    await waitFor(() => expect(errorOf(nameInput())).toBe(""));

    // Unchecking the only subscription reveals the scope error in its group.
    await user.click(screen.getByRole("checkbox", { name: "Contoso Sandbox" }));
    await user.click(screen.getByRole("checkbox", { name: "Contoso Sandbox" }));
    const group = screen.getByRole("group", { name: /Subscriptions/ });
    await waitFor(() => expect(errorOf(group)).toBe("Choose at least one subscription."));
    // Validation is debounced: far fewer calls than keystrokes.
    expect(callsOf("validate_exemption").length).toBeLessThan("bad.namegood-name".length);
  });

  test("a slow reply to an older draft never replaces the newer one's", async () => {
    let first = true;
    backend({
      validate_exemption: async (_c, a) => {
        const d = a.draft as ExemptionDraft;
        if (first && d.name.includes(".")) {
          first = false;
          await new Promise((r) => setTimeout(r, 400));
        }
        return validate(d).filter((e) => e.field === "name");
      },
    });
    const user = userEvent.setup();
    renderPane();
    await user.type(nameInput(), "a.b");
    await new Promise((r) => setTimeout(r, 200)); // the slow validation is now in flight
    await user.clear(nameInput());
    await user.type(nameInput(), "ab");
    await act(() => new Promise((r) => setTimeout(r, 600)));
    expect(errorOf(nameInput())).toBe("");
  });

  test("Create with errors shows them all and sends nothing", async () => {
    const user = userEvent.setup();
    renderPane();
    await user.click(createButton());
    await waitFor(() => expect(screen.getByText("Choose a category: mitigated or risk accepted.")).toBeInTheDocument());
    expect(screen.getByText("Choose at least one subscription.")).toBeInTheDocument();
    expect(errorOf(nameInput())).toBe("Enter a name.");
    // Focus goes to the first field in error.
    expect(screen.getByRole("checkbox", { name: "Contoso Production" })).toHaveFocus();
    expect(callsOf("create_exemption")).toHaveLength(0);
  });

  test("sends exactly the draft the user filled in, then shows the result", async () => {
    const user = userEvent.setup();
    renderPane();
    // Checked in a different order from the list: the draft keeps list order.
    await user.click(screen.getByRole("checkbox", { name: "Contoso Sandbox" }));
    await user.click(screen.getByRole("checkbox", { name: "Contoso Production" }));
    expect(screen.getByText("2 of 3 selected")).toBeInTheDocument();
    await user.type(nameInput(), "storage-network-waiver");
    expect(screen.getByRole("textbox", { name: "Display name" })).toHaveAttribute("placeholder", "storage-network-waiver");
    await user.type(screen.getByRole("textbox", { name: "Display name" }), "Storage open for partner");
    await user.click(screen.getByRole("switch", { name: "Set an expiration date" }));
    fireEvent.change(screen.getByLabelText(/Expires on/), { target: { value: "2030-06-30" } });
    await user.click(screen.getByRole("radio", { name: "Risk accepted (waiver)" }));
    await user.type(screen.getByRole("textbox", { name: "Description" }), "Partner needs access");
    expect(screen.getByText("20/512")).toBeInTheDocument();

    await user.click(createButton());
    const result = await screen.findByTestId("create-result");
    expect(callsOf("create_exemption")).toEqual([
      [
        "create_exemption",
        {
          draft: {
            recommendationKey: REC.key,
            subscriptionIds: [SUBS[0]!.id, SUBS[2]!.id],
            name: "storage-network-waiver",
            displayName: "Storage open for partner",
            expiresOn: "2030-06-30",
            utcOffsetMinutes: -240, // New York in summer (EDT)
            category: "Waiver",
            description: "Partner needs access",
          },
        },
      ],
    ]);
    expect(within(result).getByText("Created 2 exemptions")).toBeInTheDocument();
    const items = within(result).getAllByTestId("created-exemption");
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent("Contoso Production");
    expect(items[1]).toHaveTextContent("Contoso Sandbox");
    expect(items[0]).toHaveTextContent("Risk accepted (waiver)");
    expect(items[0]).toHaveTextContent("SecurityCenterBuiltIn");
    expect(items[0]).toHaveTextContent("storageAccountShouldRestrictNetworkAccess");
    // 03:59 UTC on 1 July is still 30 June in New York.
    expect(items[0]).toHaveTextContent(/Jun 30, 2030|30 Jun 2030/);

    // "Exempt another" gives a fresh form.
    await user.click(within(result).getByRole("button", { name: "Exempt another" }));
    expect(nameInput()).toHaveValue("");
  });

  test("the UTC offset follows the chosen day, not today", async () => {
    const user = userEvent.setup();
    renderPane();
    await user.click(screen.getByRole("checkbox", { name: "Contoso Production" }));
    await user.type(nameInput(), "winter");
    await user.click(screen.getByRole("switch", { name: "Set an expiration date" }));
    fireEvent.change(screen.getByLabelText(/Expires on/), { target: { value: "2031-01-15" } });
    await user.click(screen.getByRole("radio", { name: "Resolved through 3rd party (mitigated)" }));
    await user.click(createButton());
    await screen.findByTestId("create-result");
    const draft = (callsOf("create_exemption")[0]![1] as { draft: ExemptionDraft }).draft;
    expect(draft).toMatchObject({ expiresOn: "2031-01-15", utcOffsetMinutes: -300, category: "Mitigated" });
  });

  test("without expiry sends null; an empty date blocks Create", async () => {
    const user = userEvent.setup();
    renderPane();
    await user.click(screen.getByRole("checkbox", { name: "Contoso Production" }));
    await user.type(nameInput(), "no-expiry");
    await user.click(screen.getByRole("radio", { name: "Resolved through 3rd party (mitigated)" }));
    await user.click(screen.getByRole("switch", { name: "Set an expiration date" }));
    await user.click(createButton());
    await waitFor(() =>
      expect(errorOf(screen.getByLabelText(/Expires on/))).toBe(
        "Choose the day it expires, or turn off the expiration date.",
      ),
    );
    expect(callsOf("create_exemption")).toHaveLength(0);
    await user.click(screen.getByRole("switch", { name: "Set an expiration date" }));
    await user.click(createButton());
    await screen.findByTestId("create-result");
    expect(callsOf("create_exemption")[0]![1]).toMatchObject({ draft: { expiresOn: null } });
  });

  test("a refused create keeps every value and shows the message and field errors", async () => {
    let release: () => void = () => {};
    backend({
      create_exemption: () =>
        new Promise((_, reject) => {
          release = () =>
            reject({
              code: "azure_conflict",
              message: "An exemption with this name already exists.",
              details: [{ field: "name", message: "storage-waiver is already used at Contoso Production." }],
            });
        }),
    });
    const user = userEvent.setup();
    renderPane();
    await user.click(screen.getByRole("checkbox", { name: "Contoso Production" }));
    await user.type(nameInput(), "storage-waiver");
    await user.click(screen.getByRole("radio", { name: "Resolved through 3rd party (mitigated)" }));
    await user.type(screen.getByRole("textbox", { name: "Description" }), "Firewall in front");
    await user.click(createButton());

    // While the create runs, Create is disabled and a second press sends nothing more.
    await waitFor(() => expect(createButton()).toBeDisabled());
    await user.click(createButton());
    expect(callsOf("create_exemption")).toHaveLength(1);
    expect(screen.getByText("Creating…")).toBeInTheDocument();

    await act(async () => release());
    expect(await screen.findByText("An exemption with this name already exists.")).toBeInTheDocument();
    expect(errorOf(nameInput())).toBe("storage-waiver is already used at Contoso Production.");
    expect(nameInput()).toHaveValue("storage-waiver");
    expect(screen.getByRole("checkbox", { name: "Contoso Production" })).toBeChecked();
    expect(screen.getByRole("radio", { name: "Resolved through 3rd party (mitigated)" })).toBeChecked();
    expect(screen.getByRole("textbox", { name: "Description" })).toHaveValue("Firewall in front");
    expect(createButton()).toBeEnabled();
    expect(screen.queryByTestId("create-result")).not.toBeInTheDocument();
  });

  test("a recommendation that can't be exempted shows why, and no form", () => {
    renderPane({ ...REC, assessmentType: "CustomPolicy", notExemptibleReason: "Custom recommendations can't be exempted." });
    expect(screen.getByText("Custom recommendations can't be exempted.")).toBeInTheDocument();
    expect(screen.queryByRole("textbox", { name: /^Name/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Create" })).not.toBeInTheDocument();
    expect(callsOf("validate_exemption")).toHaveLength(0);
  });
});
