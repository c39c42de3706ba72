import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { Recommendation } from "../ipc/bindings";
import { RecommendationsPage } from "../recommendations/RecommendationsPage";
import { renderWithProviders } from "../test/render";

vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const rec = (key: string, displayName: string): Recommendation => ({
  key,
  displayName,
  description: "",
  severity: "High",
  assessmentType: "BuiltIn",
  policyDefinitionId: null,
  unhealthyCount: 3,
  healthyCount: 0,
  notApplicableCount: 0,
  exemptedCount: 0,
  notExemptibleReason: null,
});

describe("the Exempt drawer and focus", () => {
  beforeEach(() => {
    invokeMock.mockReset();
    invokeMock.mockImplementation(async (cmd: string) => {
      if (cmd === "list_subscriptions") return [{ id: "s1", displayName: "Sub one", state: "Enabled" }];
      if (cmd === "list_recommendations") return [rec("1", "First"), rec("2", "Second")];
      if (cmd === "validate_exemption") return [];
      if (cmd === "load_draft" || cmd === "unfinished_applies") return cmd === "load_draft" ? null : [];
      throw { code: "unknown", message: cmd, details: null };
    });
  });

  test("Escape closes it even when focus fell out of it, and focus goes back to the row that opened it", async () => {
    const user = userEvent.setup();
    renderWithProviders(<RecommendationsPage />);
    const rows = await screen.findAllByTestId("recommendation-row");
    rows[1]!.focus();
    await user.keyboard("{Enter}");
    const dialog = await screen.findByRole("dialog", { hidden: true });
    expect(dialog).toHaveAttribute("aria-label", "Exempt: Second");
    // As when the button holding focus went away (an apply's Cancel once it finished).
    (document.activeElement as HTMLElement | null)?.blur();
    expect(document.activeElement).toBe(document.body);
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.getAllByTestId("recommendation-row")[1]).toHaveFocus());
    // Closed: Escape again does nothing more, and opening again works.
    await user.keyboard("{Enter}");
    const again = await screen.findByRole("dialog", { hidden: true });
    expect(again).toHaveAttribute("aria-label", "Exempt: Second");
  });
});
