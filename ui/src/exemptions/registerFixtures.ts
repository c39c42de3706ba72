import type { ExpiryState, RegisterEntry, ScopeLevel } from "../ipc/bindings";
import { GROUPS, SUBS } from "../test/fakeIpc";

/** Register rows for tests: `entry(i, {...})` at a subscription of SUBS unless told otherwise. */
export const MCSB = "/providers/Microsoft.Authorization/policySetDefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8";
export const ISO = "/providers/Microsoft.Authorization/policySetDefinitions/89c6cddc-1c73-4ac1-b19c-54d1a15a42f2";

type Over = Partial<Omit<RegisterEntry, "exemption">> & {
  displayName?: string | null;
  category?: "Waiver" | "Mitigated" | null;
  expiresOn?: string | null;
  sub?: number;
  scope?: string;
  level?: ScopeLevel;
  expiry?: ExpiryState;
};

export function entry(i: number, over: Over = {}): RegisterEntry {
  const sub = SUBS[over.sub ?? i % SUBS.length]!;
  const level = over.level ?? "Subscription";
  const scope =
    over.scope ??
    (level === "ManagementGroup"
      ? `/providers/Microsoft.Management/managementGroups/${GROUPS.children[0]!.name}`
      : level === "ResourceGroup"
        ? `/subscriptions/${sub.id}/resourceGroups/rg-${i}`
        : `/subscriptions/${sub.id}`);
  const atGroup = level === "ManagementGroup";
  return {
    exemption: {
      id: `${scope}/providers/Microsoft.Authorization/policyExemptions/ex-${i}`,
      name: `ex-${i}`,
      scope,
      displayName: over.displayName === undefined ? `Exemption ${i}` : over.displayName,
      description: null,
      category: over.category === undefined ? "Waiver" : over.category,
      expiresOn: over.expiresOn ?? null,
      expired: over.expiry?.kind === "expired",
      policyAssignmentId: `${scope}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
      policyDefinitionReferenceIds: [`ref_${i}`],
    },
    level,
    scopeName: atGroup
      ? "Contoso (management group)"
      : level === "ResourceGroup"
        ? `rg-${i} in ${sub.displayName}`
        : sub.displayName,
    subscriptionId: atGroup ? null : sub.id,
    subscriptionName: atGroup ? null : sub.displayName,
    initiativeId: MCSB,
    initiativeName: "Microsoft cloud security benchmark",
    assignmentName: "ASC Default",
    recommendations: [
      { referenceId: `ref_${i}`, recommendationKey: `rec-${i % 3}`, displayName: `Recommendation ${i % 3}` },
    ],
    expiry: over.expiry ?? { kind: "never" },
    createdBy: "alex@contoso.com",
    createdAt: "2026-01-05T10:00:00Z",
    lastModifiedBy: null,
    lastModifiedAt: null,
    requestedBy: null,
    approvedBy: null,
    ticket: null,
    ...Object.fromEntries(
      Object.entries(over).filter(
        ([k]) => !["displayName", "category", "expiresOn", "sub", "scope", "level", "expiry"].includes(k),
      ),
    ),
  };
}
