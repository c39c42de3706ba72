import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { AboutInfo } from "../ipc/bindings";
import { renderWithProviders } from "../test/render";
import { AboutSection } from "./AboutSection";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const ABOUT: AboutInfo = {
  version: "0.1.0",
  licenses: [
    { name: "tauri", version: "2.12.5", license: "Apache-2.0 OR MIT", source: "crate" },
    { name: "ring", version: "0.17.14", license: "Apache-2.0 AND ISC", source: "crate" },
    { name: "react", version: "19.3.1", license: "MIT", source: "npm" },
  ],
};
const DIAGNOSTICS = "Exemption Desk 0.1.0\nOS: Debian GNU/Linux 12 (bookworm), linux x86_64\nMode: not signed in\n";

describe("About", () => {
  let openFails: boolean;
  beforeEach(() => {
    openFails = false;
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "about") return ABOUT;
      if (cmd === "diagnostics") return DIAGNOSTICS;
      if (cmd === "open_logs_folder") {
        if (openFails)
          throw {
            code: "browser",
            message: "The logs folder could not be opened (xdg-open: not found).",
            details: null,
          };
        return null;
      }
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("shows the version and lists every bundled license, filterable", async () => {
    const user = userEvent.setup();
    renderWithProviders(<AboutSection />);
    expect(await screen.findByText("Version 0.1.0")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Licenses of bundled software (3)" }));
    const list = screen.getByRole("list", { name: "Bundled software and licenses" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(3);
    await user.type(screen.getByRole("textbox", { name: "Filter licenses" }), "isc");
    expect(within(list).getAllByRole("listitem")).toHaveLength(1);
    expect(within(list).getByText("Apache-2.0 AND ISC")).toBeInTheDocument();
  });

  test("copies the diagnostics to the clipboard", async () => {
    const user = userEvent.setup();
    renderWithProviders(<AboutSection />);
    await user.click(await screen.findByRole("button", { name: "Copy diagnostics" }));
    expect(await screen.findByText("Diagnostics copied.")).toBeInTheDocument();
    await waitFor(async () => expect(await navigator.clipboard.readText()).toBe(DIAGNOSTICS));
  });

  test("opens the logs folder, and says so when it cannot", async () => {
    const user = userEvent.setup();
    renderWithProviders(<AboutSection />);
    await user.click(await screen.findByRole("button", { name: "Open logs folder" }));
    await waitFor(() => expect(invokeMock.mock.calls.filter(([c]) => c === "open_logs_folder")).toHaveLength(1));
    openFails = true;
    await user.click(screen.getByRole("button", { name: "Open logs folder" }));
    expect(await screen.findByText("Couldn't open the logs folder")).toBeInTheDocument();
    expect(screen.getByText(/xdg-open: not found/)).toBeInTheDocument();
  });
});
