// An Owner exempts a recommendation at a management group: the app finds
// that Defender's service principal cannot read the group, offers the
// Reader grant with its own confirmation, then writes the exemption against
// the group's benchmark assignment.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appAgainstSimulator, userEnv, screenshot } from "../lib/harness.mjs";
import { type, choose, button, openRecommendation, previewAndCreate } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";

const session = appAgainstSimulator((sim) => userEnv(sim, seed.owner));

test("a management-group exemption, after granting Defender Reader there", async () => {
  const { browser, sim } = session;
  await openRecommendation(browser, seed.recommendation.searchFor, seed.recommendation.displayName);
  await choose(browser, "Management group");
  await choose(browser, seed.managementGroup.displayName);
  await type(browser, "Name", "e2e-landing-zones");
  await choose(browser, "Resolved through 3rd party (mitigated)");
  await type(browser, "Description", "TLS enforced at the Front Door for every landing zone.");

  const failed = await browser.$('[data-testid="checks"] [data-check-kind="SecurityReader"][data-check-status="Failed"]');
  await failed.waitForExist({ timeout: 30_000, timeoutMsg: "the Reader check did not fail" });
  await screenshot(browser, "e2e-mg-checks");
  assert.equal((await sim.requests()).filter((r) => r.method === "PUT").length, 0, "nothing written yet");

  await (await button(browser, "Grant Reader to Defender for Cloud")).click();
  const dialog = await browser.$('[role="alertdialog"]');
  await dialog.waitForDisplayed({ timeout: 10_000 });
  assert.match(await dialog.getText(), new RegExp(seed.managementGroup.displayName));
  await screenshot(browser, "e2e-mg-grant");
  await (await button(browser, "Grant Reader")).click();
  const passed = await browser.$('[data-testid="checks"] [data-check-kind="SecurityReader"][data-check-status="Passed"]');
  await passed.waitForExist({ timeout: 30_000, timeoutMsg: "the Reader check did not pass after the grant" });

  const count = await previewAndCreate(browser);
  await screenshot(browser, "e2e-mg-created");
  const puts = (await sim.requests()).filter((r) => r.method === "PUT");
  const grant = puts.find((p) => p.path.includes("/roleAssignments/"));
  assert.ok(grant, "the role assignment was written");
  assert.ok(grant.path.startsWith(`/providers/Microsoft.Management/managementGroups/${seed.managementGroup.name}/`));
  assert.equal(grant.body.properties.principalId, seed.securityProviderObjectId);
  assert.match(grant.body.properties.roleDefinitionId, /acdd72a7-3385-48ef-bd42-f606fba81ae7$/);
  const exemptions = puts.filter((p) => p.path.includes("/policyExemptions/"));
  assert.equal(exemptions.length, count);
  const scope = `/providers/Microsoft.Management/managementGroups/${seed.managementGroup.name}`;
  const put = exemptions.find((p) => p.path === `${scope}/providers/Microsoft.Authorization/policyExemptions/e2e-landing-zones`);
  assert.ok(put, "the exemption is at the management group");
  assert.equal(put.status, 201);
  assert.equal(put.body.properties.policyAssignmentId, `${scope}/providers/Microsoft.Authorization/policyAssignments/mcsb-landingzones`);
  assert.equal(put.body.properties.exemptionCategory, "Mitigated");
  assert.deepEqual(put.body.properties.policyDefinitionReferenceIds, seed.recommendation.referenceIds);
  assert.equal(put.body.properties.metadata.requestedBy, seed.owner);
});
