import { describe, expect, test } from "vitest";
import type { ManagementGroupNode, Subscription } from "../ipc/bindings";
import { nameScopesIn } from "./scopeNames";

const SUB = "11111111-1111-4111-8111-111111111111";
const SUBS: Subscription[] = [{ id: SUB, displayName: "Contoso Production", state: "Enabled" } as Subscription];
const GROUPS = {
  name: "contoso-lz",
  displayName: "Landing Zones",
  children: [],
  subscriptionIds: [],
} as unknown as ManagementGroupNode;

describe("nameScopesIn", () => {
  test("a check's detail tells each scope by name, keeping the sentence", () => {
    const detail = `You may not write exemptions at /subscriptions/${SUB}/resourceGroups/rg-web; write exemptions at /subscriptions/${SUB}.`;
    expect(nameScopesIn(detail, SUBS, GROUPS)).toBe(
      "You may not write exemptions at resource group rg-web in Contoso Production; write exemptions at Contoso Production.",
    );
  });

  test("management groups, resources and assignments", () => {
    expect(
      nameScopesIn("Full: /providers/Microsoft.Management/managementGroups/contoso-lz (has 1000).", SUBS, GROUPS),
    ).toBe("Full: management group Landing Zones (has 1000).");
    expect(
      nameScopesIn(
        `exempt from /subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn, then`,
        SUBS,
        GROUPS,
      ),
    ).toBe("exempt from the assignment SecurityCenterBuiltIn at Contoso Production, then");
    expect(
      nameScopesIn(
        `at /subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stdata.`,
        SUBS,
        GROUPS,
      ),
    ).toBe("at resource stdata in Contoso Production · rg.");
  });

  test("text without a path is left alone", () => {
    expect(nameScopesIn("Every field meets Azure's rules.", SUBS, GROUPS)).toBe("Every field meets Azure's rules.");
  });
});
