import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { Settings } from "../ipc/bindings";
import { renderWithProviders } from "../test/render";
import { SettingsPage } from "./SettingsPage";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);
const saves = () => invokeMock.mock.calls.filter(([c]) => c === "save_settings").map(([, a]) => a);

describe("Connection settings", () => {
  beforeEach(() => {
    let saved: Settings = { reminderWindowDays: 30, remindersEnabled: true, extraCaCertificate: "/etc/ssl/old.pem" };
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "get_settings") return saved;
      if (cmd === "save_settings") {
        const s = (args as { settings: Settings }).settings;
        if (s.extraCaCertificate && !s.extraCaCertificate.startsWith("/"))
          throw {
            code: "invalid_request",
            message: `Give the extra CA certificate file's whole path (from /); "${s.extraCaCertificate}" is not.`,
            details: null,
          };
        saved = s;
        return s;
      }
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("the extra CA file is shown, a refusal is said at the field and nothing else is lost", async () => {
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />);
    const file = await screen.findByRole("textbox", { name: /Extra CA certificate/ });
    expect(file).toHaveValue("/etc/ssl/old.pem");

    await user.clear(file);
    await user.type(file, "proxy.pem");
    await user.click(screen.getByRole("button", { name: "Save connection settings" }));
    expect(await screen.findByText(/"proxy.pem" is not/)).toBeInTheDocument();
    expect(file).toHaveValue("proxy.pem");

    await user.clear(file);
    await user.type(file, "/etc/ssl/proxy.pem");
    await user.click(screen.getByRole("button", { name: "Save connection settings" }));
    expect(await screen.findByTestId("connection-settings-saved")).toBeInTheDocument();
    expect(saves().at(-1)).toEqual({
      settings: { reminderWindowDays: 30, remindersEnabled: true, extraCaCertificate: "/etc/ssl/proxy.pem" },
    });

    // Saving the reminders keeps the extra CA as saved.
    const days = screen.getByRole("textbox", { name: /Reminder window/ });
    await user.clear(days);
    await user.type(days, "14");
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() =>
      expect(saves().at(-1)).toEqual({
        settings: { reminderWindowDays: 14, remindersEnabled: true, extraCaCertificate: "/etc/ssl/proxy.pem" },
      }),
    );
  });
});
