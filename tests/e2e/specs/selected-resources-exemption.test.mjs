// Exempting selected resources: one exemption per resource, each at the
// resource's own scope, picked from the recommendation's unhealthy resources.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appAgainstSimulator, servicePrincipalEnv, screenshot } from "../lib/harness.mjs";
import { type, choose, openRecommendation, previewAndCreate } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";

const session = appAgainstSimulator((sim) => servicePrincipalEnv(sim, seed.servicePrincipal));

test("a selected-resources exemption writes one exemption per chosen resource", async () => {
  const { browser, sim } = session;
  await openRecommendation(browser, seed.recommendation.searchFor, seed.recommendation.displayName);
  await choose(browser, "Selected resources");
  const picker = await browser.$('[data-testid="resource-picker"]');
  await picker.waitForDisplayed({ timeout: 20_000 });
  await browser.waitUntil(async () => (await browser.$$('[data-testid="resource-row"]')).length > 0, {
    timeout: 30_000,
    timeoutMsg: "no unhealthy resources listed",
  });
  const search = await browser.$('input[aria-label="Search resources"]');
  await search.setValue("prod");
  await browser.waitUntil(async () => (await browser.$$('[data-testid="resource-row"]')).length >= 2, {
    timeout: 10_000,
  });
  await choose(browser, "Select all");
  const chosen = await browser.execute(
    () =>
      [...document.querySelectorAll('[data-testid="resource-row"] input[type="checkbox"]')].filter((c) => c.checked)
        .length,
  );
  assert.ok(chosen >= 2, `at least two production resources chosen, got ${chosen}`);
  await type(browser, "Name", "e2e-resources");
  await choose(browser, "Risk accepted (waiver)");
  await screenshot(browser, "e2e-resources-pane");
  const count = await previewAndCreate(browser);
  await screenshot(browser, "e2e-resources-created");

  const puts = (await sim.requests()).filter((r) => r.method === "PUT" && r.path.includes("/policyExemptions/"));
  assert.equal(puts.length, count);
  const scopes = new Set(puts.map((p) => p.path.split("/providers/Microsoft.Authorization/")[0]));
  assert.equal(scopes.size, chosen, "one scope per chosen resource");
  for (const scope of scopes) {
    assert.match(
      scope,
      /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]*prod/,
    );
  }
  for (const p of puts) {
    assert.equal(p.status, 201);
    assert.equal(p.body.properties.exemptionCategory, "Waiver");
  }
});
