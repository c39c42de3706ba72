// A service principal opens the app, picks a recommendation, exempts it at
// two subscriptions, previews and confirms, and Azure (the simulator)
// receives exactly the PUTs the form described, in every initiative —
// including the ISO 27001 assignment on a storage account inside Development,
// exempted at that account — and after the simulator's effect delay every
// storage account in both subscriptions is Not applicable (Exempt).
import { test } from "node:test";
import assert from "node:assert/strict";
import { appAgainstSimulator, servicePrincipalEnv, screenshot } from "../lib/harness.mjs";
import {
  control,
  type,
  choose,
  button,
  setNativeValue,
  openRecommendation,
  preview,
  confirmCreate,
  openWholeRegister,
} from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";
import { expectExemptAfterEffectDelay, unhealthyResources } from "../lib/effect.mjs";

const session = appAgainstSimulator((sim) => servicePrincipalEnv(sim, seed.servicePrincipal));

test("creating a subscription exemption sends the PUTs the form describes", async () => {
  const { browser, sim } = session;
  await openRecommendation(browser, seed.recommendation.searchFor, seed.recommendation.displayName);
  await screenshot(browser, "e2e-recommendations");
  assert.equal((await browser.$$('[data-testid="recommendation-row"]')).length, 1, "search narrows to one row");
  const inChosen = seed.subscriptions.map((s) => `/subscriptions/${s.id}/`.toLowerCase());
  const covered = (await unhealthyResources(browser)).filter((id) =>
    inChosen.some((p) => id.toLowerCase().startsWith(p)),
  );
  assert.ok(
    covered.some((id) => id.toLowerCase() === seed.isoOnResource.resourceId.toLowerCase()),
    `${covered}`,
  );

  for (const subscription of seed.subscriptions) await choose(browser, subscription.displayName);

  // A forbidden character is refused as the user types, and fixing it clears the error.
  const name = await type(browser, "Name", "storage.waiver");
  await browser.waitUntil(async () => (await browser.$("body").getText()).includes("Name can't contain '.'"), {
    timeout: 10_000,
    timeoutMsg: "the name error did not appear",
  });
  await name.clearValue();
  await name.setValue("e2e-storage-waiver");
  await browser.waitUntil(async () => !(await browser.$("body").getText()).includes("Name can't contain"), {
    timeout: 10_000,
    timeoutMsg: "the name error did not clear",
  });

  await type(browser, "Display name", "Storage waiver (e2e)");
  await choose(browser, "Set an expiration date");
  await setNativeValue(browser, await control(browser, "Expires on"), "2031-03-31");
  await choose(browser, "Risk accepted (waiver)");
  await type(browser, "Description", "Accepted until the 2031 network redesign.");
  const fanOut = await browser.$('[data-testid="name-fan-out"]');
  await browser.waitUntil(async () => /1 name → 6 exemptions, one per initiative/.test(await fanOut.getText()), {
    timeout: 30_000,
    timeoutMsg: "the form did not say how many exemptions the name becomes",
  });
  await browser.waitUntil(
    async () => !(await (await browser.$('[data-testid="checks"]')).getText()).includes("Checking"),
    {
      timeout: 30_000,
      timeoutMsg: "the checks did not finish",
    },
  );
  assert.match(
    await fanOut.getText(),
    /1 name → 6 exemptions, one per initiative/,
    "the count holds while other fields are re-checked",
  );
  await browser.execute((el) => el.scrollIntoView({ block: "start" }), fanOut);
  await browser.pause(300);
  await screenshot(browser, "e2e-exempt-pane");
  const before = (await sim.requests()).filter((r) => r.method === "PUT").length;
  assert.equal(before, 0, "nothing is sent before the preview is confirmed");
  const count = await preview(browser);
  await browser.pause(400); // let the preview's transition settle for the picture
  await screenshot(browser, "e2e-preview");
  await confirmCreate(browser, count);
  await browser.pause(400);
  await screenshot(browser, "e2e-created");

  const puts = (await sim.requests()).filter(
    (r) => r.method === "PUT" && r.path.includes("/providers/Microsoft.Authorization/policyExemptions/"),
  );
  assert.equal(puts.length, count, "exactly the previewed writes were sent");
  assert.ok(puts.every((p) => p.status === 201 && p.schemaErrors.length === 0));
  const offset = -new Date("2031-03-31T12:00:00").getTimezoneOffset();
  const expectedExpiry = new Date(Date.UTC(2031, 2, 31, 23, 59, 59) - offset * 60_000)
    .toISOString()
    .replace(".000Z", "Z");
  for (const subscription of seed.subscriptions) {
    const scope = `/subscriptions/${subscription.id}`;
    const put = puts.find(
      (p) => p.path === `${scope}/providers/Microsoft.Authorization/policyExemptions/e2e-storage-waiver`,
    );
    assert.ok(put, `a PUT at ${scope}`);
    assert.equal(put.query["api-version"], "2022-07-01-preview");
    const p = put.body.properties;
    assert.equal(
      p.policyAssignmentId,
      `${scope}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
    );
    assert.deepEqual(p.policyDefinitionReferenceIds, seed.recommendation.referenceIds);
    assert.equal(p.exemptionCategory, "Waiver");
    assert.equal(p.expiresOn, expectedExpiry);
    assert.equal(p.displayName, "Storage waiver (e2e)");
    assert.equal(p.description, "Accepted until the 2031 network redesign.");
  }
  const iso = puts.find((p) => p.body.properties.policyAssignmentId.endsWith("/ISO27001-2013"));
  assert.ok(iso, "the ISO 27001 assignment on Production is exempted too");
  assert.deepEqual(iso.body.properties.policyDefinitionReferenceIds, ["AuditSecureTransferToStorageAccounts"]);
  // The ISO 27001 assignment on one storage account inside Development: exempted at that account.
  const onResource = puts.find(
    (p) =>
      p.path ===
      `${seed.isoOnResource.resourceId}/providers/Microsoft.Authorization/policyExemptions/e2e-storage-waiver`,
  );
  assert.ok(onResource, "the resource-level assignment below Development is exempted at its own scope");
  assert.equal(
    onResource.body.properties.policyAssignmentId,
    `${seed.isoOnResource.resourceId}/providers/Microsoft.Authorization/policyAssignments/${seed.isoOnResource.assignment}`,
  );
  assert.equal(
    count,
    6,
    "Production: benchmark, ISO 27001, Landing Zones benchmark; Development: benchmark, Landing Zones benchmark; the account's ISO 27001",
  );
  const result = await browser.$('[data-testid="create-result"]');
  await result.waitForDisplayed({ timeout: 20_000 });
  assert.match(await result.getText(), new RegExp(`Created ${count} exemptions`));
  await expectExemptAfterEffectDelay(browser, sim, covered, "e2e-subscriptions");
  await (await button(browser, "Close")).click();
});

test("the Exemptions screen lists what was created, with the seed's own", async () => {
  const { browser, sim } = session;
  await openWholeRegister(browser);
  const created = await browser.$(`//*[@data-testid="exemption-row"][contains(., "Storage waiver (e2e)")]`);
  await created.waitForDisplayed({ timeout: 30_000 });
  await screenshot(browser, "e2e-exemptions");
  const rows = await browser.$$('[data-testid="exemption-row"]');
  assert.ok(rows.length > seed.subscriptions.length, "the seed's existing exemptions are listed too");
  const text = await browser.execute((el) => el.textContent, created);
  assert.match(text, /Waiver/);
  assert.match(text, /e2e-storage-waiver/);
  // The register reads through Resource Graph, or ARM's lists when it cannot.
  const lists = (await sim.requests()).filter(
    (r) =>
      (r.method === "GET" && r.path.endsWith("/providers/Microsoft.Authorization/policyExemptions")) ||
      (r.method === "POST" && r.path.toLowerCase() === "/providers/microsoft.resourcegraph/resources"),
  );
  assert.ok(lists.length >= 1, "the screen read exemptions from Azure");
});
