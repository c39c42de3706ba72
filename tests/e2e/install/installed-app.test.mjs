// The installed package's app, started as its desktop entry says, in demo mode
// (tests/install/run.sh installs the .deb and passes the Exec line's program
// and arguments). Not in specs/: it needs the package installed.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { startApp, screenshot } from "../lib/harness.mjs";
import { seed } from "../lib/seed.mjs";

const program = process.env.DESK_INSTALLED_PROGRAM;
const args = JSON.parse(process.env.DESK_INSTALLED_ARGS ?? "[]");
const dataDir = process.env.DESK_INSTALLED_DATA_DIR;
const home = process.env.DESK_INSTALLED_HOME;

let app;
after(async () => app?.stop());

test("the installed app, started from its desktop entry's Exec line, shows the demo's recommendations", async () => {
  assert.ok(program && dataDir && home, "run through tests/install/run.sh (DESK_INSTALLED_* unset)");
  // Demo mode: no endpoint variables; a fresh home and data folder.
  app = await startApp({ HOME: home, EXEMPTION_DESK_DATA_DIR: dataDir }, { application: program, args });
  const { browser } = app;
  await browser.waitUntil(async () => (await browser.$$('[data-testid="recommendation-row"]')).length >= 5, {
    timeout: 90_000,
    timeoutMsg: `the installed app showed no recommendations\n--- it said:\n${app.output()}`,
  });
  await screenshot(browser, "installed-app");
  await (await browser.$('input[aria-label="Search recommendations"]')).setValue(seed.recommendation.searchFor);
  const row = await browser.$(
    `//*[@data-testid="recommendation-row"][contains(., "${seed.recommendation.displayName}")]`,
  );
  await row.waitForExist({ timeout: 20_000, timeoutMsg: `no row for "${seed.recommendation.displayName}"` });
});
