// An Owner exempts a recommendation at a management group: the app finds
// that Defender's service principal cannot read the group, offers the
// Reader grant with its own confirmation, then writes the exemption against
// the group's benchmark assignment and one against each assignment below the
// group (the subscriptions' own benchmark and ISO 27001, and ISO 27001 on one
// storage account), so that after the simulator's effect delay every storage
// account under the group is Not applicable (Exempt).
import { test } from "node:test";
import assert from "node:assert/strict";
import { appAgainstSimulator, userEnv, screenshot } from "../lib/harness.mjs";
import { type, choose, button, openRecommendation, preview, confirmCreate } from "../lib/ui.mjs";
import { expectExemptAfterEffectDelay, unhealthyResources } from "../lib/effect.mjs";
import { seed } from "../lib/seed.mjs";

const session = appAgainstSimulator((sim) => userEnv(sim, seed.owner));

test("a management-group exemption, after granting Defender Reader there", async () => {
  const { browser, sim } = session;
  await openRecommendation(browser, seed.recommendation.searchFor, seed.recommendation.displayName);
  const underGroup = seed.subscriptions.map((s) => `/subscriptions/${s.id}/`.toLowerCase());
  const covered = (await unhealthyResources(browser)).filter((id) =>
    underGroup.some((p) => id.toLowerCase().startsWith(p)),
  );
  assert.ok(covered.length >= 3, `unhealthy storage accounts under the group: ${covered}`);
  await choose(browser, "Management group");
  await choose(browser, seed.managementGroup.displayName);
  await type(browser, "Name", "e2e-landing-zones");
  await choose(browser, "Resolved through 3rd party (mitigated)");
  await type(browser, "Description", "TLS enforced at the Front Door for every landing zone.");

  const failed = await browser.$(
    '[data-testid="checks"] [data-check-kind="SecurityReader"][data-check-status="Failed"]',
  );
  await failed.waitForExist({ timeout: 30_000, timeoutMsg: "the Reader check did not fail" });
  await screenshot(browser, "e2e-mg-checks");
  assert.equal((await sim.requests()).filter((r) => r.method === "PUT").length, 0, "nothing written yet");

  await (await button(browser, "Grant Reader to Defender for Cloud")).click();
  const dialog = await browser.$('[role="alertdialog"]');
  await dialog.waitForDisplayed({ timeout: 10_000 });
  assert.match(await dialog.getText(), new RegExp(seed.managementGroup.displayName));
  await screenshot(browser, "e2e-mg-grant");
  await (await button(browser, "Grant Reader")).click();
  const passed = await browser.$(
    '[data-testid="checks"] [data-check-kind="SecurityReader"][data-check-status="Passed"]',
  );
  await passed.waitForExist({ timeout: 30_000, timeoutMsg: "the Reader check did not pass after the grant" });

  // The form says up front what one name becomes.
  const fanOut = await browser.$('[data-testid="name-fan-out"]');
  await browser.waitUntil(async () => /1 name → 5 exemptions, one per initiative/.test(await fanOut.getText()), {
    timeout: 30_000,
    timeoutMsg: "the form did not say how many exemptions the name becomes",
  });
  assert.match(await fanOut.getText(), /4 of them are for assignments below the chosen scope/);
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), fanOut);
  await browser.pause(300);
  await screenshot(browser, "e2e-mg-fan-out");

  const count = await preview(browser);
  assert.equal(count, 5, "the group's own assignment and the four below it");
  const below = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="preview-write"][data-below="true"]')].map((w) =>
      w.getAttribute("data-path"),
    ),
  );
  assert.equal(below.length, 4, `writes below the group: ${below}`);
  assert.ok(below.every((p) => p.startsWith("/subscriptions/")));
  await browser.pause(400);
  await screenshot(browser, "e2e-mg-preview");
  await confirmCreate(browser, count);
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
  const put = exemptions.find(
    (p) => p.path === `${scope}/providers/Microsoft.Authorization/policyExemptions/e2e-landing-zones`,
  );
  assert.ok(put, "the exemption is at the management group");
  assert.equal(put.status, 201);
  assert.equal(
    put.body.properties.policyAssignmentId,
    `${scope}/providers/Microsoft.Authorization/policyAssignments/mcsb-landingzones`,
  );
  assert.equal(put.body.properties.exemptionCategory, "Mitigated");
  assert.deepEqual(put.body.properties.policyDefinitionReferenceIds, seed.recommendation.referenceIds);
  assert.equal(put.body.properties.metadata.requestedBy, seed.owner);

  // Every assignment holding the recommendation below the group got one at its own scope.
  const assignmentsBelow = exemptions
    .filter((p) => p !== put)
    .map((p) => [
      p.path.split("/providers/Microsoft.Authorization/policyExemptions/")[0],
      p.body.properties.policyAssignmentId,
    ])
    .sort();
  const [production, development] = seed.subscriptions.map((s) => `/subscriptions/${s.id}`);
  const expected = [
    [production, `${production}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`],
    [production, `${production}/providers/Microsoft.Authorization/policyAssignments/ISO27001-2013`],
    [development, `${development}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`],
    [
      seed.isoOnResource.resourceId,
      `${seed.isoOnResource.resourceId}/providers/Microsoft.Authorization/policyAssignments/${seed.isoOnResource.assignment}`,
    ],
  ].sort();
  assert.deepEqual(assignmentsBelow, expected);
  assert.ok(
    exemptions.every((p) => p.status === 201 && p.schemaErrors.length === 0),
    "Azure accepted each",
  );

  // After the effect delay, every storage account under the group is exempt, in the app's own views.
  await expectExemptAfterEffectDelay(browser, sim, covered, "e2e-mg");
});
