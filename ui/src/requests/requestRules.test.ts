import { describe, expect, test } from "vitest";
import type { Check, Preparation } from "../ipc/bindings";
import { ageText, approverExpiryError, isWebLink, mayRequest, requestOnly, ticketError } from "./requestRules";

const check = (kind: string, status: Check["status"]): Check =>
  ({ kind, status, title: kind, detail: "", remedy: null, grantSecurityReaderAt: null }) as Check;
const prep = (checks: Check[], writes = 1): Preparation => ({
  planId: "p",
  checks,
  writes: Array.from({ length: writes }, () => ({}) as Preparation["writes"][number]),
  blocked: checks.some((c) => c.status === "Failed"),
  planError: null,
});

describe("request rules", () => {
  test("requesting is the only way when only a permission or the tenant's policy failed, and there is a plan", () => {
    expect(requestOnly(prep([check("Permissions", "Failed"), check("Fields", "Passed")]))).toBe(true);
    expect(requestOnly(prep([check("Approval", "Failed")]))).toBe(true);
    expect(requestOnly(prep([check("Permissions", "Failed"), check("ScopeLimit", "Failed")]))).toBe(false);
    expect(requestOnly(prep([check("Permissions", "Failed")], 0))).toBe(false);
    expect(requestOnly(prep([check("Permissions", "Passed")]))).toBe(false);
    expect(mayRequest(prep([check("Permissions", "Passed")]))).toBe(true);
    expect(mayRequest(prep([check("Fields", "Failed")]))).toBe(false);
    expect(requestOnly(prep([check("MaxExpiry", "Failed")]))).toBe(false);
  });

  test("a ticket is a link only when it is a web address", () => {
    expect(isWebLink("https://tickets.contoso.example/CHG-1")).toBe(true);
    expect(isWebLink("HTTP://x.example")).toBe(true);
    expect(isWebLink("CHG-1042")).toBe(false);
    expect(isWebLink("javascript:alert(1)")).toBe(false);
    expect(isWebLink("https://")).toBe(false);
  });

  test("age in the largest whole unit", () => {
    const now = Date.parse("2026-12-01T12:00:00Z");
    expect(ageText("2026-12-01T11:59:30Z", now)).toBe("just now");
    expect(ageText("2026-12-01T11:15:00Z", now)).toBe("45 min");
    expect(ageText("2026-12-01T07:00:00Z", now)).toBe("5 h");
    expect(ageText("2026-11-21T12:00:00Z", now)).toBe("10 d");
    expect(ageText("not a date", now)).toBe("—");
  });

  test("the approver's expiry is never later than the requested one; a required ticket is asked for", () => {
    expect(approverExpiryError("2027-01-31", "2027-03-31")).toBeNull();
    expect(approverExpiryError("2027-03-31", "2027-03-31")).toBeNull();
    expect(approverExpiryError("2027-04-01", "2027-03-31")).toBe("No later than the requested 2027-03-31.");
    expect(approverExpiryError("2040-01-01", null)).toBeNull();
    expect(approverExpiryError("", null)).toBe("Choose a date.");
    expect(ticketError("", true)).toBe("This tenant requires a ticket reference or link.");
    expect(ticketError("  ", false)).toBeNull();
  });
});
