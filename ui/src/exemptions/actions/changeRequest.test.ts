import { describe, expect, test } from "vitest";
import type { Exemption } from "../../ipc/bindings";
import { editErrors, editStart, extendErrors, toChangeRequest, writeChanges, type EditForm } from "./changeRequest";

const NOW = new Date(2030, 5, 15, 12, 0, 0);
const ID = "/subscriptions/s/providers/Microsoft.Authorization/policyExemptions/a";

const exemption = (over: Partial<Exemption> = {}): Exemption => ({
  id: ID,
  name: "a",
  scope: "/subscriptions/s",
  displayName: "Storage waiver",
  description: "Until the migration",
  category: "Waiver",
  expiresOn: "2030-07-01T12:00:00Z",
  expired: false,
  policyAssignmentId: "/subscriptions/s/providers/Microsoft.Authorization/policyAssignments/x",
  policyDefinitionReferenceIds: [],
  ...over,
});

describe("extend", () => {
  test("by a whole number of days within Azure's range", () => {
    expect(extendErrors({ mode: "by", date: "", days: "30" }, NOW)).toEqual({});
    for (const days of ["0", "-3", "1.5", "abc", "", "36601"])
      expect(extendErrors({ mode: "by", date: "", days }, NOW).days).toBeTruthy();
    expect(toChangeRequest([ID], { kind: "extend", form: { mode: "by", date: "", days: "30" } }, NOW)).toEqual({
      exemptionIds: [ID],
      change: { kind: "extendBy", days: 30 },
    });
  });

  test("to a real day, today or later", () => {
    expect(extendErrors({ mode: "to", date: "2030-06-15", days: "" }, NOW)).toEqual({});
    expect(extendErrors({ mode: "to", date: "2030-06-14", days: "" }, NOW).date).toMatch(/past/);
    expect(extendErrors({ mode: "to", date: "2030-02-30", days: "" }, NOW).date).toMatch(/not a date/);
    expect(extendErrors({ mode: "to", date: "", days: "" }, NOW).date).toMatch(/Choose a day/);
    const request = toChangeRequest([ID], { kind: "extend", form: { mode: "to", date: "2031-01-31", days: "" } }, NOW);
    expect(request?.change).toMatchObject({ kind: "extendTo", date: "2031-01-31" });
    expect(toChangeRequest([ID], { kind: "extend", form: { mode: "to", date: "nope", days: "" } }, NOW)).toBeNull();
  });
});

describe("edit", () => {
  test("one exemption starts at its values and sends only what changed", () => {
    const start = editStart([exemption()]);
    expect(start).toMatchObject({ displayName: "Storage waiver", category: "Waiver", expiresOn: "2030-07-01" });
    const form: EditForm = { ...start, description: "", ticket: "CHG-7" };
    expect(toChangeRequest([ID], { kind: "edit", form, start }, NOW)).toEqual({
      exemptionIds: [ID],
      change: { kind: "edit", displayName: null, description: "", category: null, expiresOn: null, ticket: "CHG-7" },
    });
    expect(toChangeRequest([ID], { kind: "edit", form: start, start }, NOW)).toBeNull();
  });

  test("many start empty: an empty field keeps each one's own", () => {
    const start = editStart([exemption(), exemption({ id: `${ID}2` })]);
    expect(start).toEqual({ displayName: "", description: "", category: "", expiresOn: "", ticket: "" });
    const request = toChangeRequest(
      [ID, `${ID}2`],
      { kind: "edit", form: { ...start, category: "Mitigated" }, start },
      NOW,
    );
    expect(request?.change).toEqual({
      kind: "edit",
      displayName: null,
      description: null,
      category: "Mitigated",
      expiresOn: null,
      ticket: null,
    });
  });

  test("Azure's limits and a future expiry", () => {
    const start = editStart([exemption()]);
    const errors = editErrors(
      { ...start, displayName: "x".repeat(129), description: "y".repeat(513), expiresOn: "2030-01-01" },
      start,
      NOW,
    );
    expect(errors.displayName).toMatch(/128/);
    expect(errors.description).toMatch(/512/);
    expect(errors.expiresOn).toMatch(/past/);
    expect(editErrors({ ...start, expiresOn: "" }, start, NOW).expiresOn).toMatch(/Remove expiry/);
    // An emoji counts twice, as Azure counts it.
    expect(editErrors({ ...start, displayName: "😀".repeat(65) }, start, NOW).displayName).toMatch(/130 characters/);
  });
});

test("delete and remove expiry need only a selection", () => {
  expect(toChangeRequest([ID], { kind: "delete" })).toEqual({ exemptionIds: [ID], change: { kind: "delete" } });
  expect(toChangeRequest([ID], { kind: "removeExpiry" })?.change).toEqual({ kind: "removeExpiry" });
  expect(toChangeRequest([], { kind: "delete" })).toBeNull();
});

test("a write's changes are read from the exemption as read and the body, metadata key by key", () => {
  const asRead = {
    id: ID,
    properties: { displayName: "A", expiresOn: "2030-01-01T00:00:00Z", metadata: { ticketRef: "CHG-1", cc: "4" } },
    systemData: { lastModifiedBy: "ada" },
  };
  const body = { properties: { displayName: "A", metadata: { ticketRef: "CHG-2", cc: "4" } } };
  expect(writeChanges(asRead, body)).toEqual([
    { field: "expiresOn", before: "2030-01-01T00:00:00Z", after: undefined },
    { field: "metadata.ticketRef", before: "CHG-1", after: "CHG-2" },
  ]);
});
