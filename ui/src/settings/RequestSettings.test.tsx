import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { TenantSettings } from "../ipc/bindings";
import { renderWithProviders } from "../test/render";
import { RequestSettings } from "./RequestSettings";
import { fieldMessages, formErrors, toTenantForm } from "./tenantSettingsForm";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);
const saves = () => invokeMock.mock.calls.filter(([c]) => c === "save_tenant_settings").map(([, a]) => a);

const SAVED: TenantSettings = {
  requestTable: { endpoint: "https://risk.table.core.windows.net", table: "requests" },
  policy: { approval: "Never", maxExpiryDays: 365, ticketRequired: false },
};

describe("request settings", () => {
  let readFails: boolean;
  beforeEach(() => {
    readFails = false;
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "get_tenant_settings") {
        if (readFails) throw { code: "unauthenticated", message: "Sign in first.", details: null };
        return SAVED;
      }
      if (cmd === "save_tenant_settings") {
        const s = (args as { settings: TenantSettings }).settings;
        if (s.requestTable?.table === "tables")
          throw {
            code: "invalid_request",
            message: "Some request settings are not valid.",
            details: [{ field: "requestTable.table", message: "'tables' is reserved by Azure." }],
          };
        return s;
      }
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("the backend's message shows at its field; the form is kept; a good one saves", async () => {
    const user = userEvent.setup();
    renderWithProviders(<RequestSettings />);
    const table = await screen.findByRole("textbox", { name: /Table name/ });
    expect(table).toHaveValue("requests");
    await user.clear(table);
    await user.type(table, "tables");
    await user.click(screen.getByRole("button", { name: "Save request settings" }));
    expect(await screen.findByText("'tables' is reserved by Azure.")).toBeInTheDocument();
    expect(screen.getByText("Couldn't save the request settings")).toBeInTheDocument();
    expect(table).toHaveValue("tables");

    await user.clear(table);
    await user.type(table, "exemptionrequests");
    await user.click(screen.getByRole("radio", { name: "For every exemption" }));
    await user.clear(screen.getByRole("textbox", { name: /Maximum expiry/ }));
    await user.click(screen.getByRole("switch", { name: "A ticket reference is required" }));
    await user.click(screen.getByRole("button", { name: "Save request settings" }));
    await waitFor(() =>
      expect(saves().at(-1)).toEqual({
        settings: {
          requestTable: { endpoint: "https://risk.table.core.windows.net", table: "exemptionrequests" },
          policy: { approval: "Always", maxExpiryDays: null, ticketRequired: true },
        },
      }),
    );
    expect(await screen.findByTestId("request-settings-saved")).toBeInTheDocument();
  });

  test("no table: requests travel as files, and nothing is asked of the table's fields", async () => {
    const user = userEvent.setup();
    renderWithProviders(<RequestSettings />);
    await user.click(await screen.findByRole("radio", { name: "None: requests travel as files" }));
    expect(screen.queryByRole("textbox", { name: /Table name/ })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Save request settings" }));
    await waitFor(() => expect(saves().at(-1)).toMatchObject({ settings: { requestTable: null } }));
  });

  test("a settings read that fails says so, with Retry", async () => {
    readFails = true;
    renderWithProviders(<RequestSettings />);
    expect(await screen.findByText("Couldn't load this tenant's request settings")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });

  test("form checks and the backend's field names", () => {
    const form = toTenantForm(SAVED);
    expect(formErrors({ ...form, maxExpiryDays: "0" }).maxExpiryDays).toMatch(/from 1 to 3650/);
    expect(formErrors({ ...form, maxExpiryDays: "3650" })).toEqual({});
    expect(formErrors({ ...form, endpoint: " " }).endpoint).toBe("Enter the table service's endpoint.");
    expect(formErrors({ ...form, useTable: false, endpoint: "" })).toEqual({});
    const error = (details: unknown) => ({ code: "invalid_request" as const, message: "m", details });
    expect(fieldMessages(error([{ field: "endpoint", message: "Use https." }]))).toEqual({ endpoint: "Use https." });
    expect(fieldMessages(error({ max_expiry_days: "Too long." }))).toEqual({ maxExpiryDays: "Too long." });
    expect(fieldMessages(error({ field: "policy.maxExpiryDays", message: "No." }))).toEqual({ maxExpiryDays: "No." });
    expect(fieldMessages(error(null))).toEqual({});
  });
});
