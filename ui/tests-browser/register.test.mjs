// The register (the Exemptions screen) with 10,000 exemptions at every level, in
// Debian's Chromium against the fake backend: the navigation's count, filters,
// sort, search, selection, counts, details and the narrowest window.
// Run: npm run test:browser (after npm run build). Figures are printed, never asserted.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, openBrowser } from "./browser.mjs";
import { FIXTURES, MANAGEMENT_GROUPS, installFakeBackend } from "./fake-backend.mjs";

const N = 10_000;
const SOON = 40;
const TOTAL = N + FIXTURES.exemptions.length;

let browser;
let server;
let context;

before(async () => {
  browser = await openBrowser({ viewport: { width: 1440, height: 900 }, timeout: 30_000 });
  ({ server, context } = browser);
});

after(async () => {
  await browser?.close();
});

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`) });
const waitCount = (page, text) =>
  page.waitForFunction((t) => document.querySelector('[data-testid="list-count"]')?.textContent === t, text, {
    timeout: 60_000,
  });
const fmt = (n) => new Intl.NumberFormat("en-US").format(n);

async function choose(page, filter, option) {
  await page.getByRole("combobox", { name: filter }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

/** Milliseconds from a change in the page to the count saying `text` (for the report). */
async function timeTo(page, act, text) {
  const t0 = await page.evaluate(() => performance.now());
  await act();
  await waitCount(page, text);
  return Math.round((await page.evaluate(() => performance.now())) - t0);
}

describe("the register with 10,000 exemptions", () => {
  test("count in the navigation, filters, sort, search, selection, details, narrow window", async () => {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e));
    await page.addInitScript(installFakeBackend, FIXTURES);
    await page.goto(`${server.url}?exemptions=${N}&soon=${SOON}`);
    await page.getByTestId("recommendation-row").first().waitFor();
    const entries = await page.evaluate(() => window.__register());
    assert.equal(entries.length, TOTAL);
    const levels = new Set(entries.map((e) => e.level));
    assert.deepEqual([...levels].sort(), ["ManagementGroup", "Resource", "ResourceGroup", "Subscription"]);

    // The navigation counts what expires soon; a click opens the register on those.
    const tab = page.getByRole("tab", { name: "Exemptions" });
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="nav-exemptions"]')?.dataset.count === n,
      String(SOON),
    );
    // The count is drawn: the tab's text is still exactly its name (how WebDriver finds it).
    assert.equal(await page.locator('xpath=//button[normalize-space()="Exemptions"]').count(), 1);
    const t0 = await page.evaluate(() => performance.now());
    await tab.click();
    await page.getByTestId("exemption-row").first().waitFor();
    const firstRows = Math.round((await page.evaluate(() => performance.now())) - t0);
    await waitCount(page, `Showing ${SOON} of ${fmt(TOTAL)}`);
    const allRows = Math.round((await page.evaluate(() => performance.now())) - t0);
    assert.match(await page.getByRole("combobox", { name: "State" }).innerText(), /Expires within 30 days/);
    for (const badge of await page.getByTestId("expiry-badge").allInnerTexts())
      assert.match(badge, /^Expires (today|in \d+ days?)$/);
    await shot(page, "register-expiring-1440");

    // Everything, then a scope subtree and a category, counted as the data says.
    const clear = await timeTo(
      page,
      () => page.getByRole("button", { name: "Clear filters" }).click(),
      `${fmt(TOTAL)} exemptions`,
    );
    const prod = MANAGEMENT_GROUPS.children[0].children[0];
    const inProd = (e) =>
      e.subscriptionId === prod.subscriptionIds[0] || e.exemption.scope.endsWith(`/managementGroups/${prod.name}`);
    const expected = entries.filter((e) => inProd(e) && e.exemption.category === "Mitigated").length;
    assert.ok(expected > 100);
    await choose(page, "Scope", prod.displayName);
    await choose(page, "Category", "Resolved through 3rd party (mitigated)");
    await waitCount(page, `Showing ${fmt(expected)} of ${fmt(TOTAL)}`);
    const person = "sam.lee@contoso.example";
    const byPerson = entries.filter(
      (e) =>
        inProd(e) &&
        e.exemption.category === "Mitigated" &&
        [e.createdBy, e.requestedBy, e.approvedBy].includes(person),
    ).length;
    const filterMs = await timeTo(
      page,
      () => choose(page, "Person", person),
      `Showing ${fmt(byPerson)} of ${fmt(TOTAL)}`,
    );
    await page.getByRole("button", { name: "Clear filters" }).click();
    await waitCount(page, `${fmt(TOTAL)} exemptions`);

    // Search narrows as typed.
    const search = page.getByRole("searchbox", { name: "Search exemptions" });
    const searchMs = await timeTo(page, () => search.fill("bench-1234"), `Showing 1 of ${fmt(TOTAL)}`);
    await search.fill("");
    await waitCount(page, `${fmt(TOTAL)} exemptions`);

    // Sort: descending expiry puts the never-expiring first, ascending the expired.
    const expires = page.getByRole("columnheader", { name: "Expires" });
    const sortMs = await (async () => {
      const t = Date.now();
      await expires.getByRole("button").click();
      await page.waitForFunction(() => document.querySelector('[role="columnheader"][aria-sort="ascending"]'));
      return Date.now() - t;
    })();
    const first = () => page.getByTestId("exemption-row").first();
    assert.match(await first().innerText(), /Expired/);
    await expires.getByRole("button").click();
    await page.waitForFunction(() => document.querySelector('[role="columnheader"][aria-sort="descending"]'));
    assert.match(await first().innerText(), /Never/);
    assert.equal(await first().getByTestId("expiry-badge").count(), 0);

    // Select two (Space on a row, a checkbox), then the actions are ready.
    await first().focus();
    await page.keyboard.press(" ");
    await page.getByTestId("exemption-row").nth(1).getByRole("checkbox").check();
    await page.getByTestId("exemption-actions").getByText("2 selected").waitFor();
    assert.equal(await page.getByRole("button", { name: "Extend" }).isEnabled(), true);
    await shot(page, "register-1440");

    // Details open from the row by Enter; Escape closes them and the row has focus again.
    await page.getByTestId("exemption-row").nth(1).focus();
    await page.keyboard.press("Enter");
    const details = page.getByRole("dialog");
    await details.waitFor();
    await page.waitForTimeout(500); // the drawer slides in
    await shot(page, "register-details-1440");
    await page.keyboard.press("Escape");
    await details.waitFor({ state: "detached" });
    await page.waitForFunction(
      () => document.activeElement === document.querySelectorAll('[data-testid="exemption-row"]')[1],
    );

    // The narrowest window: the key columns are in view and the page does not overflow.
    await page.setViewportSize({ width: 960, height: 600 });
    await page.waitForTimeout(300);
    for (const name of ["Name", "Scope", "Expires"]) {
      const box = await page.getByRole("columnheader", { name, exact: true }).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 960, `${name} is in view at 960 px: ${JSON.stringify(box)}`);
    }
    const badge = await page
      .getByTestId("exemption-row")
      .first()
      .getByText(/Never|Expired|Active|Expires/)
      .first()
      .boundingBox();
    assert.ok(badge && badge.x + badge.width <= 960, "the state is in view");
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      main: (() => {
        const m = document.querySelector("main");
        return m.scrollWidth - m.clientWidth;
      })(),
    }));
    assert.deepEqual(overflow, { page: 0, main: 0 }, "nothing overflows the window or the screen");
    await shot(page, "register-960");

    // Settings.
    await page.getByRole("tab", { name: "Settings" }).click();
    const days = page.getByRole("textbox", { name: /Reminder window/ });
    await days.fill("400");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Enter between 1 and 365 days.").waitFor();
    await days.fill("10");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByTestId("settings-saved").waitFor();
    // A narrower window counts fewer as expiring soon.
    const within10 = entries.filter(
      (e) =>
        e.exemption.expiresOn &&
        Date.parse(e.exemption.expiresOn) > Date.now() &&
        Date.parse(e.exemption.expiresOn) - Date.now() < 10 * 86_400_000,
    ).length;
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="nav-exemptions"]')?.dataset.count === n,
      String(within10),
    );
    await shot(page, "settings-960");
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, "settings-1440");

    console.log(
      `register, ${fmt(TOTAL)} rows: first rows ${firstRows} ms, all ${allRows} ms; clear filters ${clear} ms; ` +
        `person filter ${filterMs} ms; search ${searchMs} ms; sort ${sortMs} ms`,
    );
    assert.deepEqual(errors, []);
    await page.close();
  });
});
