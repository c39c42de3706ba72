import { render, screen, waitFor } from "@testing-library/react";
import { act } from "react";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { emitEvent, resetEvents } from "../test/fakeIpc";
import { NavigationProvider, useNavigation } from "./navigation";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
vi.mock("@tauri-apps/api/event", async () => (await import("../test/fakeIpc")).eventMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const EXEMPTION =
  "/subscriptions/7e1e376c-0a32-45d3-9c1d-6adb8eccc958/providers/Microsoft.Authorization/policyExemptions/x";

function Where() {
  const { screen: shown, registerSeed, requestSeed, openRefused } = useNavigation();
  return (
    <p data-testid="where">
      {JSON.stringify({ shown, register: registerSeed?.seed ?? null, request: requestSeed?.seed ?? null, openRefused })}
    </p>
  );
}
const where = () => JSON.parse(screen.getByTestId("where").textContent ?? "{}");

describe("links and files opened from outside", () => {
  beforeEach(() => {
    resetEvents();
    invokeMock.mockReset();
  });

  test("what the first launch was asked to open is taken once the window listens", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "pending_open_targets") return [{ kind: "exemption", id: EXEMPTION }];
      throw { code: "unknown", message: cmd, details: null };
    });
    render(
      <NavigationProvider>
        <Where />
      </NavigationProvider>,
    );
    await waitFor(() => expect(where().shown).toBe("exemptions"));
    expect(where().register).toEqual({ exemptionIds: [EXEMPTION] });
    expect(invokeMock.mock.calls.filter(([c]) => c === "pending_open_targets")).toHaveLength(1);
  });

  test("later ones arrive as events: a request file opens Requests, a refusal is shown", async () => {
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "pending_open_targets") return [];
      throw { code: "unknown", message: cmd, details: null };
    });
    render(
      <NavigationProvider>
        <Where />
      </NavigationProvider>,
    );
    await waitFor(() => expect(invokeMock).toHaveBeenCalledWith("pending_open_targets"));
    act(() => emitEvent("open-target", { kind: "requestFile", path: "/home/ana/r.exemption-request.json" }));
    expect(where()).toMatchObject({ shown: "requests", request: { file: "/home/ana/r.exemption-request.json" } });
    act(() => emitEvent("open-target", { kind: "refused", message: "That link is not one the app can open." }));
    expect(where().openRefused).toBe("That link is not one the app can open.");
  });
});
