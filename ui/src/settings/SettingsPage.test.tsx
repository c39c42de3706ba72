import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { Settings } from "../ipc/bindings";
import { renderWithProviders } from "../test/render";
import { SettingsPage } from "./SettingsPage";
import { windowError } from "./settingsForm";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);
const saves = () => invokeMock.mock.calls.filter(([c]) => c === "save_settings").map(([, a]) => a);

describe("Settings", () => {
  let failNext: boolean;
  beforeEach(() => {
    failNext = false;
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string, args?: unknown) => {
      if (cmd === "get_settings") return { reminderWindowDays: 30, remindersEnabled: true };
      if (cmd === "save_settings") {
        if (failNext)
          throw { code: "database", message: "The settings could not be written: disk full.", details: null };
        return (args as { settings: Settings }).settings;
      }
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("the reminder window takes whole days from 1 to 365", () => {
    expect(windowError("30")).toBeNull();
    expect(windowError(" 1 ")).toBeNull();
    expect(windowError("365")).toBeNull();
    expect(windowError("")).toBe("Enter the number of days.");
    expect(windowError("0")).toBe("Enter between 1 and 365 days.");
    expect(windowError("366")).toBe("Enter between 1 and 365 days.");
    expect(windowError("7.5")).toBe("Enter a whole number of days, like 30.");
    expect(windowError("-3")).toBe("Enter a whole number of days, like 30.");
  });

  test("shows the saved settings, refuses a bad window, saves a good one and says so", async () => {
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />);
    const days = await screen.findByRole("textbox", { name: /Reminder window/ });
    expect(days).toHaveValue("30");
    const toggle = screen.getByRole("switch", { name: /Desktop notifications/ });
    expect(toggle).toBeChecked();

    await user.clear(days);
    await user.type(days, "400");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Enter between 1 and 365 days.")).toBeInTheDocument();
    expect(saves()).toHaveLength(0);
    expect(screen.getByRole("button", { name: "Save" })).toBeDisabled();

    await user.clear(days);
    await user.type(days, "14");
    await user.click(toggle);
    await user.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(saves()).toEqual([{ settings: { reminderWindowDays: 14, remindersEnabled: false } }]));
    expect(await screen.findByTestId("settings-saved")).toHaveTextContent("Saved.");
    // Editing again takes the "Saved." away.
    await user.type(days, "0");
    expect(screen.queryByTestId("settings-saved")).toBeNull();
  });

  test("a failed save says why and keeps what was typed", async () => {
    const user = userEvent.setup();
    renderWithProviders(<SettingsPage />);
    const days = await screen.findByRole("textbox", { name: /Reminder window/ });
    failNext = true;
    await user.clear(days);
    await user.type(days, "60");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Couldn't save the settings")).toBeInTheDocument();
    expect(days).toHaveValue("60");
    expect(screen.queryByTestId("settings-saved")).toBeNull();
  });
});
