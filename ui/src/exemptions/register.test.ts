import { describe, expect, test } from "vitest";
import type { RegisterEntry } from "../ipc/bindings";
import { GROUPS, SUBS } from "../test/fakeIpc";
import { sortOrder } from "../shared/listView";
import {
  filterOptions,
  filtersFromSeed,
  matcher,
  NO_FILTERS,
  recommendationText,
  REGISTER_COMPARES,
  registerCount,
  registerSearchText,
  scopeOptions,
  stateBadge,
  type RegisterFilters,
} from "./register";
import { entry, ISO } from "./registerFixtures";

// SUBS[0] is under "contoso"; SUBS[1] and SUBS[2] under its child "contoso-dev".
const ROWS: RegisterEntry[] = [
  entry(0, { level: "ManagementGroup", expiry: { kind: "expired" }, expiresOn: "2026-01-01T00:00:00Z" }),
  entry(1, {
    sub: 0,
    category: "Mitigated",
    expiry: { kind: "expiresSoon", days: 3 },
    expiresOn: "2026-12-04T00:00:00Z",
  }),
  entry(2, {
    sub: 1,
    level: "ResourceGroup",
    expiry: { kind: "active" },
    expiresOn: "2027-06-01T00:00:00Z",
    requestedBy: "Sam Lee",
  }),
  entry(3, { sub: 2, initiativeId: ISO, initiativeName: "ISO 27001:2013", recommendations: [], approvedBy: "Kim Ng" }),
  entry(4, {
    sub: 1,
    scope: "/providers/Microsoft.Management/managementGroups/contoso-dev",
    level: "ManagementGroup",
    expiry: { kind: "expiresSoon", days: 0 },
    expiresOn: "2026-12-01T18:00:00Z",
  }),
];
// entry(4) sits at contoso-dev: no subscription.
ROWS[4] = { ...ROWS[4]!, subscriptionId: null, subscriptionName: null, scopeName: "Contoso Dev (management group)" };

const names = (filters: Partial<RegisterFilters>) =>
  ROWS.filter(matcher({ ...NO_FILTERS, ...filters }, GROUPS)).map((e) => e.exemption.name);

describe("the register's filters", () => {
  test("a management group's subtree holds its groups, their subscriptions and everything under them", () => {
    expect(names({ scope: "mg:contoso" })).toEqual(["ex-0", "ex-1", "ex-2", "ex-3", "ex-4"]);
    expect(names({ scope: "mg:contoso-dev" })).toEqual(["ex-2", "ex-3", "ex-4"]);
    expect(names({ scope: `sub:${SUBS[1]!.id}` })).toEqual(["ex-2"]);
    expect(names({ scope: "mg:unknown" })).toEqual([]);
  });

  test("subscription, category, state, initiative, recommendation, person and chosen ids", () => {
    expect(names({ subscription: SUBS[0]!.id })).toEqual(["ex-1"]);
    expect(names({ category: "Mitigated" })).toEqual(["ex-1"]);
    expect(names({ state: "expiresSoon" })).toEqual(["ex-1", "ex-4"]);
    expect(names({ state: "never" })).toEqual(["ex-3"]);
    expect(names({ initiative: ISO })).toEqual(["ex-3"]);
    expect(names({ recommendation: "rec-1" })).toEqual(["ex-1", "ex-4"]);
    expect(names({ person: "sam lee" })).toEqual(["ex-2"]);
    expect(names({ person: "Kim Ng" })).toEqual(["ex-3"]);
    expect(names({ person: "alex@contoso.com" })).toHaveLength(5);
    expect(names({ exemptionIds: [ROWS[2]!.exemption.id.toUpperCase(), ROWS[3]!.exemption.id] })).toEqual([
      "ex-2",
      "ex-3",
    ]);
    // Filters combine.
    expect(names({ scope: "mg:contoso-dev", state: "expiresSoon" })).toEqual(["ex-4"]);
  });

  test("seeds from other screens become filters", () => {
    expect(filtersFromSeed({ recommendationKey: "rec-2" })).toEqual({ ...NO_FILTERS, recommendation: "rec-2" });
    expect(filtersFromSeed({ expiringSoon: true })).toEqual({ ...NO_FILTERS, state: "expiresSoon" });
    expect(filtersFromSeed({ exemptionIds: ["a", "b"] })).toEqual({ ...NO_FILTERS, exemptionIds: ["a", "b"] });
    expect(filtersFromSeed({ exemptionIds: [] })).toEqual(NO_FILTERS);
  });

  test("each filter offers only what the rows hold, by name", () => {
    const options = filterOptions(ROWS);
    expect(options.initiatives.map((o) => o.text)).toEqual(["ISO 27001:2013", "Microsoft cloud security benchmark"]);
    expect(options.recommendations.map((o) => o.value)).toEqual(["rec-0", "rec-1", "rec-2"]);
    expect(options.people.map((o) => o.text)).toEqual(["alex@contoso.com", "Kim Ng", "Sam Lee"]);
    expect(options.subscriptions.map((o) => o.text)).toEqual(SUBS.map((s) => s.displayName).sort());
    const scopes = scopeOptions(GROUPS, options.subscriptions);
    expect(scopes.slice(0, 3).map((o) => [o.text, o.depth])).toEqual([
      ["Tenant Root Group", 0],
      ["Contoso", 1],
      ["Contoso Dev", 2],
    ]);
    expect(scopes.at(-1)!.value).toMatch(/^sub:/);
  });
});

describe("the register's words and order", () => {
  test("state badges, the recommendation and the counts", () => {
    expect(stateBadge({ kind: "never" })).toBeNull();
    expect(stateBadge({ kind: "active" })).toBe("Active");
    expect(stateBadge({ kind: "expired" })).toBe("Expired");
    expect(stateBadge({ kind: "expiresSoon", days: 0 })).toBe("Expires today");
    expect(stateBadge({ kind: "expiresSoon", days: 1 })).toBe("Expires in 1 day");
    expect(stateBadge({ kind: "expiresSoon", days: 12 })).toBe("Expires in 12 days");
    expect(recommendationText(ROWS[1]!)).toBe("Recommendation 1");
    expect(recommendationText(ROWS[3]!)).toBe("Every recommendation of ISO 27001:2013");
    expect(registerCount(120, 10_000, false)).toBe("Showing 120 of 10,000");
    expect(registerCount(10_000, 10_000, false)).toBe("10,000 exemptions");
    expect(registerCount(1, 1, false)).toBe("1 exemption");
    expect(registerCount(3000, 3000, true)).toBe("loading… 3,000 so far");
    expect(registerCount(2, 3000, true)).toBe("Showing 2 of 3,000 · loading… 3,000 so far");
  });

  test("state sorts expired, then soonest to expire, then active, then never", () => {
    const order = sortOrder(ROWS, { column: "state", descending: false }, REGISTER_COMPARES);
    expect(order.map((i) => ROWS[i]!.exemption.name)).toEqual(["ex-0", "ex-4", "ex-1", "ex-2", "ex-3"]);
    const byExpiry = sortOrder(ROWS, { column: "expires", descending: false }, REGISTER_COMPARES);
    expect(byExpiry.map((i) => ROWS[i]!.exemption.name)).toEqual(["ex-0", "ex-4", "ex-1", "ex-2", "ex-3"]);
    // Every column sorts.
    for (const column of ["name", "scope", "recommendation", "initiative", "category", "created", "people"])
      expect(sortOrder(ROWS, { column, descending: true }, REGISTER_COMPARES)).toHaveLength(ROWS.length);
  });

  test("a search looks at names, scope, initiative, recommendation and people", () => {
    const text = registerSearchText(ROWS[3]!).toLowerCase();
    for (const word of [
      "exemption 3",
      "ex-3",
      "contoso sandbox",
      "iso 27001",
      "every recommendation",
      "kim ng",
      "waiver",
    ])
      expect(text).toContain(word);
  });
});
