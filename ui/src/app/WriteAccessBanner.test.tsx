import { screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { WriteAccess } from "../ipc/bindings";
import { renderWithProviders } from "../test/render";
import { WriteAccessBanner } from "./WriteAccessBanner";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

function answer(access: WriteAccess) {
  invokeMock.mockImplementation(async (cmd: string) => {
    if (cmd === "write_access") return access;
    if (cmd === "load_draft") return null;
    if (cmd === "unfinished_applies") return [];
    throw { code: "unknown", message: cmd, details: null };
  });
}

describe("WriteAccessBanner", () => {
  beforeEach(() => {
    invokeMock.mockReset();
  });

  test("a sign-in that may write nowhere is told so before any form", async () => {
    answer({ subscriptions: 4, writable: 0, unknown: 0 });
    renderWithProviders(<WriteAccessBanner />);
    expect(await screen.findByText("You can look and request, but not exempt yourself")).toBeInTheDocument();
    expect(screen.getByTestId("no-write-access")).toHaveTextContent("any of the 4 subscriptions");
  });

  test("one writable subscription, or one that could not be read, says nothing", async () => {
    for (const access of [
      { subscriptions: 4, writable: 1, unknown: 0 },
      { subscriptions: 4, writable: 0, unknown: 1 },
      { subscriptions: 0, writable: 0, unknown: 0 },
    ]) {
      answer(access);
      const { unmount } = renderWithProviders(<WriteAccessBanner />);
      await waitFor(() => expect(invokeMock.mock.calls.some((c) => c[0] === "write_access")).toBe(true));
      await new Promise((r) => setTimeout(r, 50));
      expect(screen.queryByTestId("no-write-access")).not.toBeInTheDocument();
      unmount();
      invokeMock.mockClear();
    }
  });
});
