// On the demo tenant, a service principal selects two exemptions in the
// Exemptions screen and extends both at once, then deletes a third. Azure (the
// simulator) receives exactly two PUTs — each the whole exemption as it was
// read, with only its expiry changed — and one DELETE, and the screen shows
// the new expiry and no longer lists the deleted one.
//
// Rows are found through the stable hooks only (the `exemption-row` test id
// and the row's checkbox), so the test survives the register's rewrite.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appAgainstSimulator, servicePrincipalEnv, screenshot } from "../lib/harness.mjs";
import { button, choose, control, openWholeRegister, setNativeValue } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";
import { armGet } from "../lib/arm.mjs";

const session = appAgainstSimulator((sim) => servicePrincipalEnv(sim, seed.servicePrincipal));

const production = `/subscriptions/${seed.subscriptions[0].id}`;
const development = `/subscriptions/${seed.subscriptions[1].id}`;
const exemptionsPath = "/providers/Microsoft.Authorization/policyExemptions/";
/** Two demo-seed exemptions in Production (one long expired) and one in Development. */
const extended = [
  `${production}/resourceGroups/rg-prod-data/providers/Microsoft.Storage/storageAccounts/stcontosoproddata${exemptionsPath}stcontosoproddata-vnet-rules`,
  `${production}${exemptionsPath}prod-jit-legacy-migration`,
];
const deleted = `${development}/resourceGroups/rg-dev-apps${exemptionsPath}dev-apps-functions-https`;

/** Searches the register for exemption `id`'s name, as a user would: the list
 * draws only the rows in view, so a row further down is not in the page at all. */
async function searchFor(browser, id) {
  const search = await browser.$('input[aria-label="Search exemptions"]');
  await search.waitForExist({ timeout: 20_000 });
  await setNativeValue(browser, search, id.split("/").pop());
}

/** The row of exemption `id`, once the list shows it. */
async function row(browser, id) {
  await searchFor(browser, id);
  const found = await browser.$(`[data-testid="exemption-row"][data-id="${id}"]`);
  await found.waitForExist({ timeout: 60_000, timeoutMsg: `no row for ${id}` });
  return found;
}

/** Ticks the row's checkbox (clicked in the page: Fluent draws it transparent over its indicator). */
async function select(browser, id) {
  const box = await (await row(browser, id)).$('input[type="checkbox"]');
  await box.waitForExist({ timeout: 20_000 });
  await browser.execute((el) => el.click(), box);
  await browser.waitUntil(() => box.isSelected(), { timeout: 10_000, timeoutMsg: `${id} was not selected` });
}

/** Previews the open action once its checks pass, sends it, waits until it finished, and closes it. */
async function previewAndSend(browser, writes, shot = null) {
  await (await button(browser, "Preview")).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="change-write"]')).length === writes, {
    timeout: 30_000,
    timeoutMsg: `the preview did not show ${writes} writes`,
  });
  const checks = await browser.$$('[data-testid="change-checks"] [data-check-status]');
  for (const c of checks) assert.notEqual(await c.getAttribute("data-check-status"), "Failed", await c.getText());
  if (shot) await screenshot(browser, shot);
  await (await button(browser, `Send ${writes} write${writes === 1 ? "" : "s"}`)).click();
  const progress = await browser.$('[data-testid="apply-progress"][data-finished="true"]');
  await progress.waitForExist({ timeout: 60_000, timeoutMsg: "the apply did not finish" });
}

const writes = async (sim) =>
  (await sim.requests()).filter(
    (r) => (r.method === "PUT" || r.method === "DELETE") && r.path.includes(exemptionsPath),
  );

test("two exemptions extended at once and a third deleted send exactly those writes", async () => {
  const { browser, sim } = session;
  const asRead = await Promise.all(extended.map((id) => armGet(sim, `${id}?api-version=2022-07-01-preview`)));
  await openWholeRegister(browser);
  for (const id of extended) await select(browser, id);
  await screenshot(browser, "e2e-bulk-selected");

  await (await button(browser, "Extend")).click();
  await choose(browser, "To a day");
  await setNativeValue(browser, await control(browser, "New expiry (the end of this day, your time)"), "2031-03-31");
  assert.equal((await writes(sim)).length, 0, "nothing is sent before the preview is confirmed");
  await previewAndSend(browser, 2, "e2e-bulk-preview");
  await screenshot(browser, "e2e-bulk-extended");
  const result = await browser.$('[data-testid="apply-progress"]');
  assert.match(await result.getText(), /2/, "the result counts both");
  await (await button(browser, "Close")).click();

  const offset = -new Date("2031-03-31T12:00:00").getTimezoneOffset();
  const expiry = new Date(Date.UTC(2031, 2, 31, 23, 59, 59) - offset * 60_000).toISOString().replace(".000Z", "Z");
  const puts = await writes(sim);
  assert.equal(puts.length, 2, "one PUT per chosen exemption");
  for (const [i, id] of extended.entries()) {
    const put = puts.find((p) => p.path === id);
    assert.ok(put, `a PUT of ${id}`);
    assert.equal(put.method, "PUT");
    assert.equal(put.status, 200, "an update of the existing exemption");
    assert.deepEqual(put.schemaErrors, []);
    const expected = { ...asRead[i].properties, expiresOn: expiry };
    assert.deepEqual(put.body.properties, expected, "the whole exemption as read, only its expiry changed");
  }

  // The list reads again: both show the new year.
  for (const id of extended) {
    const r = await row(browser, id);
    await browser.waitUntil(async () => (await browser.execute((el) => el.textContent, r)).includes("2031"), {
      timeout: 30_000,
      timeoutMsg: `${id} does not show its new expiry`,
    });
  }

  // The chosen rows stay chosen after the apply: clear them, choose the third.
  for (const id of extended) {
    const box = await (await row(browser, id)).$('input[type="checkbox"]');
    if (await box.isSelected()) await browser.execute((el) => el.click(), box);
  }
  await select(browser, deleted);
  await (await button(browser, "Delete")).click();
  await previewAndSend(browser, 1);
  await screenshot(browser, "e2e-bulk-deleted");
  await (await button(browser, "Close")).click();

  const all = await writes(sim);
  const deletes = all.filter((r) => r.method === "DELETE");
  assert.equal(all.length, 3, "two PUTs and one DELETE, nothing else");
  assert.equal(deletes.length, 1);
  assert.equal(deletes[0].path, deleted);
  assert.equal(deletes[0].query["api-version"], "2022-07-01-preview");
  assert.ok([200, 204].includes(deletes[0].status), `DELETE answered ${deletes[0].status}`);
  // Searched for by its name, the deleted one matches nothing once the list is read again.
  await searchFor(browser, deleted);
  await browser.waitUntil(
    async () =>
      !(await browser.$(`[data-testid="exemption-row"][data-id="${deleted}"]`).isExisting()) &&
      /^Showing 0 of /.test(await (await browser.$('[data-testid="list-count"]')).getText()),
    {
      timeout: 30_000,
      timeoutMsg: "the deleted exemption is still listed",
    },
  );
  for (const id of extended) assert.ok(await (await row(browser, id)).isExisting(), `${id} still listed`);
});
