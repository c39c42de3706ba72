import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { emitEvent, eventMock, resetEvents } from "../test/fakeIpc";
import { renderWithProviders } from "../test/render";
import { NavigationProvider } from "./navigation";
import { OpenRefusedBar } from "./OpenRefusedBar";

vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);

describe("the refused-link notice", () => {
  beforeEach(() => resetEvents());

  test("a link or file that could not be opened is said until dismissed", async () => {
    const user = userEvent.setup();
    renderWithProviders(
      <NavigationProvider>
        <OpenRefusedBar />
      </NavigationProvider>,
    );
    expect(screen.queryByTestId("open-refused")).toBeNull();
    await waitFor(() => expect(eventMock.listen.mock.calls.map(([event]) => event)).toContain("open-target"));
    act(() => emitEvent("open-target", { kind: "refused", message: "That link names no request." }));
    expect(await screen.findByTestId("open-refused")).toHaveTextContent("That link names no request.");
    await user.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("open-refused")).toBeNull();
  });
});
