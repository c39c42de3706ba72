// A service principal imports a 20-row CSV of exemptions pasted into the
// Import dialog (the native open dialog cannot be driven through WebDriver;
// pasting or dropping the file is offered to users too). Two rows are bad —
// a date Excel reformatted and a scope that is no ARM id — and are shown in
// their row and column; the user excludes them, checks, previews and sends,
// and the simulator receives exactly the 18 PUTs of the valid rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appAgainstSimulator, servicePrincipalEnv, screenshot } from "../lib/harness.mjs";
import { button, setNativeValue } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";

const session = appAgainstSimulator((sim) => servicePrincipalEnv(sim, seed.servicePrincipal));

/** Contoso Shared: only its own benchmark assignment holds this recommendation,
 * so each row is exactly one exemption. */
const SHARED = "/subscriptions/644229d8-401b-4ed5-9b1c-5f7bf2d941da";
const KEY = "5be3a0d9-8150-4d49-9a4c-58549078b10d"; // Storage accounts should restrict network access…
const SCOPES = [
  SHARED,
  `${SHARED}/resourceGroups/rg-shared-identity`,
  `${SHARED}/resourceGroups/rg-shared-network`,
  `${SHARED}/resourceGroups/rg-shared-monitoring`,
];
const name = (i) => `e2e-import-${String(i).padStart(2, "0")}`;

function csv() {
  const lines = ["scope,name,displayName,recommendationKeys,category,expiresOn,description,ticket"];
  for (let i = 1; i <= 20; i++) {
    let scope = SCOPES[i % SCOPES.length];
    let expires = "2031-06-30";
    if (i === 7) expires = "30/06/2031"; // as Excel shows a date with European settings
    if (i === 13) scope = "/subscriptions/not-a-subscription";
    const description = `"Imported row ${i}, reviewed"`;
    lines.push(
      [scope, name(i), `Imported ${i}`, KEY, i % 2 ? "Waiver" : "Mitigated", expires, description, `CHG-${i}`].join(
        ",",
      ),
    );
  }
  return lines.join("\r\n") + "\r\n";
}

test("importing 20 rows with two bad ones sends exactly the 18 PUTs of the rows kept", async () => {
  const { browser, sim } = session;
  await (await button(browser, "Exemptions")).click();
  await (await browser.$('[data-testid="import-open"]')).click();
  const pasted = await browser.$('textarea[aria-label="Or paste the CSV\'s text"]');
  await pasted.waitForDisplayed({ timeout: 20_000 });
  await setNativeValue(browser, pasted, csv());
  await (await button(browser, "Read the pasted text")).click();

  await browser.waitUntil(async () => (await browser.$$('[data-testid="import-row"]')).length === 20, {
    timeout: 60_000,
    timeoutMsg: "the 20 rows were not reported",
  });
  const invalid = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="import-row"][data-action="invalid"]')].map((r) => ({
      row: r.dataset.row,
      columns: [...r.querySelectorAll('[data-testid="import-error"]')].map((e) => e.dataset.column),
    })),
  );
  // Spreadsheet rows: the header is row 1, so data row i is row i + 1.
  assert.deepEqual(invalid, [
    { row: "8", columns: ["expiresOn"] },
    { row: "14", columns: ["scope"] },
  ]);
  await screenshot(browser, "e2e-import-report");

  await (await browser.$('[data-testid="exclude-invalid"]')).click();
  await browser.waitUntil(
    async () => (await browser.$$('[data-testid="import-row"][data-action="excluded"]')).length === 2,
    { timeout: 10_000, timeoutMsg: "the bad rows were not excluded" },
  );
  assert.equal((await sim.requests()).filter((r) => r.method === "PUT").length, 0, "nothing sent before the preview");
  await (await button(browser, "Check and preview")).click();
  await browser.waitUntil(async () => (await browser.$$('[data-testid="preview-write"]')).length === 18, {
    timeout: 60_000,
    timeoutMsg: "the preview did not show 18 writes",
  });
  await screenshot(browser, "e2e-import-preview");
  await (await button(browser, "Send 18 writes")).click();
  const progress = await browser.$('[data-testid="apply-progress"][data-finished="true"]');
  await progress.waitForExist({ timeout: 60_000, timeoutMsg: "the apply did not finish" });
  await screenshot(browser, "e2e-import-applied");

  const puts = (await sim.requests()).filter(
    (r) => r.method === "PUT" && r.path.includes("/providers/Microsoft.Authorization/policyExemptions/"),
  );
  assert.equal(puts.length, 18, puts.map((p) => p.path).join("\n"));
  const expected = Array.from({ length: 20 }, (_, i) => i + 1).filter((i) => i !== 7 && i !== 13);
  assert.deepEqual(puts.map((p) => p.path.split("/").pop()).sort(), expected.map(name).sort());
  for (const put of puts) {
    assert.ok(put.status === 201 && put.schemaErrors.length === 0, `${put.path}: ${put.status}`);
    const i = Number(put.path.split("-").pop());
    const p = put.body.properties;
    assert.equal(
      p.policyAssignmentId,
      `${SHARED}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
    );
    assert.equal(p.displayName, `Imported ${i}`);
    assert.equal(p.description, `Imported row ${i}, reviewed`);
    assert.equal(p.exemptionCategory, i % 2 ? "Waiver" : "Mitigated");
    assert.equal(p.metadata.ticket, `CHG-${i}`);
  }
  await (await button(browser, "Close")).click();
});
