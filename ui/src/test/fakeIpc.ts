import { vi } from "vitest";
import type {
  ApplyProgress,
  ApplyReport,
  AssessedResource,
  Check,
  ExemptionDraft,
  FieldError,
  ManagementGroupNode,
  Preparation,
  PlannedWrite,
  Subscription,
} from "../ipc/bindings";

export const SUBS: Subscription[] = [
  { id: "11111111-1111-4111-8111-111111111111", displayName: "Contoso Production", state: "Enabled" },
  { id: "22222222-2222-4222-8222-222222222222", displayName: "Contoso Development", state: "Enabled" },
  { id: "33333333-3333-4333-8333-333333333333", displayName: "Contoso Sandbox", state: "Enabled" },
];

export const GROUPS: ManagementGroupNode = {
  name: "root",
  displayName: "Tenant Root Group",
  subscriptionIds: [],
  children: [
    {
      name: "contoso",
      displayName: "Contoso",
      subscriptionIds: [SUBS[0]!.id],
      children: [
        { name: "contoso-dev", displayName: "Contoso Dev", subscriptionIds: [SUBS[1]!.id, SUBS[2]!.id], children: [] },
      ],
    },
  ],
};

export const resource = (i: number, status: AssessedResource["status"] = "Unhealthy"): AssessedResource => ({
  id: `/subscriptions/${SUBS[i % 2]!.id}/resourceGroups/rg-${i % 3}/providers/Microsoft.Storage/storageAccounts/stor${i}`,
  name: `stor${i}`,
  resourceType: "Microsoft.Storage/storageAccounts",
  subscriptionId: SUBS[i % 2]!.id,
  resourceGroup: `rg-${i % 3}`,
  status,
  cause: status === "NotApplicable" ? "Exempt" : null,
  exemptionId:
    status === "NotApplicable"
      ? `/subscriptions/${SUBS[0]!.id}/providers/Microsoft.Authorization/policyExemptions/old-waiver`
      : null,
});

/** A stand-in for the Rust validator, close enough for the form's needs. */
export function validate(d: ExemptionDraft): FieldError[] {
  const errors: FieldError[] = [];
  const s = d.scope;
  if (s.kind === "managementGroup" ? !s.name : s.ids.length === 0) {
    errors.push({
      field: "scope",
      message: s.kind === "subscriptions" ? "Choose at least one subscription." : "Choose where to exempt.",
    });
  }
  if (!d.name.trim()) errors.push({ field: "name", message: "Enter a name." });
  else if (d.name.includes(".")) errors.push({ field: "name", message: "Name can't contain '.'." });
  if (d.category === null)
    errors.push({ field: "category", message: "Choose a category: mitigated or risk accepted." });
  if (d.description.length > 512) errors.push({ field: "description", message: "Description is too long." });
  return errors;
}

export function scopesOf(d: ExemptionDraft): string[] {
  const s = d.scope;
  if (s.kind === "managementGroup") return [`/providers/Microsoft.Management/managementGroups/${s.name}`];
  if (s.kind === "subscriptions") return s.ids.map((id) => `/subscriptions/${id}`);
  return s.ids;
}

export function writesFor(d: ExemptionDraft): PlannedWrite[] {
  return scopesOf(d).map((scope) => ({
    scope,
    name: d.name,
    path: `${scope}/providers/Microsoft.Authorization/policyExemptions/${d.name}`,
    policyAssignmentId: `${scope}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
    initiativeName: "Microsoft cloud security benchmark",
    policyDefinitionReferenceIds: ["storageAccountShouldRestrictNetworkAccess"],
    replacesExisting: false,
    belowChosenScope: false,
    body: { properties: { policyAssignmentId: "x", exemptionCategory: d.category } },
  }));
}

export const passed = (kind: Check["kind"], title: string): Check => ({
  kind,
  status: "Passed",
  title,
  detail: `${title}: fine.`,
  remedy: null,
  grantSecurityReaderAt: null,
});

export function preparationFor(d: ExemptionDraft, checks?: Check[]): Preparation {
  return {
    planId: `plan-${d.name}`,
    checks: checks ?? [
      passed("Permissions", "You may write exemptions"),
      passed("Initiatives", "Covered by 1 initiative"),
    ],
    writes: writesFor(d),
    blocked: false,
    planError: null,
  };
}

export function reportFor(id: string, p: Preparation, key: string): ApplyReport {
  return {
    id,
    startedAt: "2030-01-01T10:00:00Z",
    recommendationKey: key,
    finished: false,
    items: p.writes.map((write, index) => ({ index, write, state: "Planned", attempts: 0, message: null })),
  };
}

/** `@tauri-apps/api/event`'s `listen`, with a way to emit. Use with
 * `vi.mock("@tauri-apps/api/event", () => eventMock)`. */
type Handler = (e: { event: string; id: number; payload: unknown }) => void;
const handlers: { event: string; handler: Handler }[] = [];
export const eventMock = {
  listen: vi.fn(async (event: string, handler: Handler) => {
    const entry = { event, handler };
    handlers.push(entry);
    return () => void handlers.splice(handlers.indexOf(entry), 1);
  }),
};
export function emitProgress(p: ApplyProgress) {
  for (const h of [...handlers])
    if (h.event === "apply-progress") h.handler({ event: "apply-progress", id: 1, payload: p });
}
export function resetEvents() {
  handlers.length = 0;
  eventMock.listen.mockClear();
}
/** Emits any backend event to the handlers `listen` registered. */
export function emitEvent(event: string, payload: unknown) {
  for (const h of [...handlers]) if (h.event === event) h.handler({ event, id: 1, payload });
}

/** Stands in for Tauri's `Channel`: what a command streams to the window; a
 * test sends batches with `send`. */
export class FakeChannel<T> {
  onmessage: (message: T) => void;
  constructor(onmessage?: (message: T) => void) {
    this.onmessage = onmessage ?? (() => undefined);
  }
  send(message: T) {
    this.onmessage(message);
  }
  toJSON() {
    return "__CHANNEL__:fake";
  }
}

/** `@tauri-apps/api/core` in tests: `vi.mock("@tauri-apps/api/core", async () => (await import("../test/fakeIpc")).coreMock)`. */
export const coreMock = { invoke: vi.fn(), Channel: FakeChannel };
