import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, test, vi } from "vitest";
import type { AssessedResource, Recommendation, ResourceStatus } from "../../ipc/bindings";
import { NavigationProvider, useNavigation } from "../../app/navigation";
import { renderWithProviders } from "../../test/render";
import { RecommendationDetails } from "./RecommendationDetails";

vi.mock("@tauri-apps/api/core", async () => (await import("../../test/fakeIpc")).coreMock);
const { invoke } = await import("@tauri-apps/api/core");
const invokeMock = vi.mocked(invoke);

const REC: Recommendation = {
  key: "k",
  displayName: "Reported oddly",
  description: "",
  severity: "Unknown",
  assessmentType: "Unknown",
  policyDefinitionId: null,
  unhealthyCount: 1,
  healthyCount: 0,
  notApplicableCount: 0,
  exemptedCount: 0,
  notExemptibleReason: "no metadata",
};
const SUBS = [{ id: "s1", displayName: "Sub one", state: "Enabled" }];
const resource = (name: string, status: ResourceStatus): AssessedResource => ({
  id: `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/${name}`,
  name,
  resourceType: "Microsoft.Web/sites",
  subscriptionId: "s1",
  resourceGroup: "rg",
  status,
  cause: null,
  exemptionId: null,
});

describe("RecommendationDetails", () => {
  beforeEach(() => invokeMock.mockReset());

  test("a status Defender reports that this version does not know gets its own tab", async () => {
    invokeMock.mockResolvedValue([resource("app-a", "Unhealthy"), resource("app-b", "Unknown")]);
    const user = userEvent.setup();
    renderWithProviders(<RecommendationDetails recommendation={REC} subscriptions={SUBS} />);
    const other = await screen.findByRole("tab", { name: "Other status (1)" });
    expect(screen.getByRole("tab", { name: "Unhealthy (1)" })).toBeInTheDocument();
    await user.click(other);
    const rows = screen.getAllByTestId("assessed-resource");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveAttribute("data-status", "Unknown");
    expect(within(rows[0]!).getByText("app-b")).toBeInTheDocument();
  });

  test("without unknown statuses there is no such tab", async () => {
    invokeMock.mockResolvedValue([resource("app-a", "Unhealthy")]);
    renderWithProviders(<RecommendationDetails recommendation={REC} subscriptions={SUBS} />);
    await screen.findByRole("tab", { name: "Unhealthy (1)" });
    expect(screen.queryByRole("tab", { name: /Other status/ })).toBeNull();
  });

  test("shows how many resources are exempted and links to the exemptions that apply", async () => {
    invokeMock.mockResolvedValue([resource("app-a", "NotApplicable")]);
    function Where() {
      const { screen: at, registerSeed } = useNavigation();
      return <output data-testid="where">{`${at} ${JSON.stringify(registerSeed?.seed ?? null)}`}</output>;
    }
    const user = userEvent.setup();
    renderWithProviders(
      <NavigationProvider>
        <RecommendationDetails
          recommendation={{ ...REC, notApplicableCount: 3, exemptedCount: 2 }}
          subscriptions={SUBS}
        />
        <Where />
      </NavigationProvider>,
    );
    expect(screen.getByTestId("exempted-summary")).toHaveTextContent("shows 2 resources exempted");
    await user.click(screen.getByRole("button", { name: "Exemptions that apply" }));
    expect(screen.getByTestId("where")).toHaveTextContent('exemptions {"recommendationKey":"k"}');
  });
});
