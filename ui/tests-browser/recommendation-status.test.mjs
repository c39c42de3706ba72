// Browser test of the recommendations page's status filter and a
// recommendation's exempted count (the built UI, IPC mocked by fake-backend.mjs).
// Run: npm run test:browser
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, openBrowser } from "./browser.mjs";
import { FIXTURES, RECOMMENDATIONS, installFakeBackend } from "./fake-backend.mjs";

let browser;
let server;
let context;

before(async () => {
  browser = await openBrowser();
  ({ server, context } = browser);
});

after(async () => {
  await browser?.close();
});

const rows = (page, n) =>
  page.waitForFunction((count) => document.querySelectorAll('[data-testid="recommendation-row"]').length === count, n);

describe("Recommendations by status", () => {
  test("the Exempted filter finds the exempted recommendations again; details link to their exemptions", async () => {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e));
    await page.addInitScript(installFakeBackend, FIXTURES);
    await page.goto(server.url);
    const listed = page.getByTestId("recommendation-row");
    await listed.first().waitFor();
    assert.equal(await listed.count(), RECOMMENDATIONS.length);

    const status = page.getByRole("combobox", { name: "Status" });
    await status.selectOption({ label: "Exempted" });
    const exempted = RECOMMENDATIONS.filter((r) => r.exemptedCount > 0);
    await rows(page, exempted.length);
    const names = await listed.locator('[role="gridcell"]:first-child').allInnerTexts();
    assert.deepEqual(names.sort(), exempted.map((r) => r.displayName).sort());
    assert.equal(
      await page.getByTestId("list-count").innerText(),
      `${exempted.length} of ${RECOMMENDATIONS.length} shown`,
    );
    await page.screenshot({ path: join(ARTIFACTS, "ui-recommendations-status-filter.png") });

    await status.selectOption({ label: "Unhealthy" });
    await rows(page, RECOMMENDATIONS.filter((r) => r.unhealthyCount > 0).length);

    await status.selectOption({ label: "Exempted" });
    await rows(page, exempted.length);
    await listed.filter({ hasText: "Storage accounts should restrict" }).click();
    const drawer = page.getByRole("dialog", { name: "Exempt: Storage accounts should restrict network access" });
    await drawer.getByRole("tab", { name: "Details" }).click();
    await drawer.getByTestId("exempted-summary").getByText("shows 1 resource exempted", { exact: false }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "ui-recommendation-exempted-count.png") });
    await drawer.getByRole("button", { name: "Exemptions that apply" }).click();
    // The register opens (filtered to this recommendation by the register's screen).
    await page.getByRole("heading", { name: "Exemptions" }).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });
});
