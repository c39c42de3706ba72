// The Activity screen in the built UI (Debian's Chromium, the fake backend with
// fake-requests.mjs): 2,000 lines, virtualised; search, kind filter, export.
// Run: npm run test:browser
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, openBrowser } from "./browser.mjs";
import { FIXTURES, installFakeBackend } from "./fake-backend.mjs";
import { REQUEST_FIXTURES, installFakeRequests } from "./fake-requests.mjs";

let browser;
let server;
let context;

before(async () => {
  browser = await openBrowser({ timeout: 20_000 });
  ({ server, context } = browser);
});

after(async () => {
  await browser?.close();
});

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`) });
const calls = (page, cmd) => page.evaluate((c) => window.__ipcCalls.filter((x) => x.cmd === c), cmd);
const countIs = (page, text) =>
  page.waitForFunction((t) => document.querySelector('[data-testid="activity-count"]')?.textContent === t, text);

describe("the Activity screen (built UI, IPC mocked)", () => {
  for (const [colorScheme, viewport] of [
    ["light", { width: 1360, height: 860 }],
    ["dark", { width: 960, height: 600 }],
  ]) {
    test(`search, kinds, export (${colorScheme}, ${viewport.width}×${viewport.height})`, async () => {
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e));
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize(viewport);
      await page.addInitScript(installFakeBackend, FIXTURES);
      await page.addInitScript(installFakeRequests, REQUEST_FIXTURES);
      await page.goto(server.url);
      await page.getByTestId("recommendation-row").first().waitFor();
      await page.locator('xpath=//button[normalize-space()="Activity"]').click();
      await countIs(page, "2,000 lines");
      // Virtualised: a screenful of rows in the page, not 2,000.
      const shown = await page.getByTestId("activity-row").count();
      assert.ok(shown > 3 && shown < 80, `${shown} rows in the page`);
      await shot(page, `activity-${colorScheme}-${viewport.width}`);

      // Search goes to the backend's query; kinds narrow it further.
      await page.getByRole("searchbox", { name: "Search activity" }).fill("riley");
      await countIs(page, "667 lines");
      await page.getByRole("button", { name: "Write", exact: true }).click();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="activity-row"]')].every((r) => r.dataset.kind === "Write"),
      );
      const last = (await calls(page, "activity_log")).at(-1).args.query;
      assert.deepEqual(last, { text: "riley", kinds: ["Write"], limit: 10_000 });
      await page.getByRole("searchbox", { name: "Search activity" }).fill("nothing like this");
      await page.getByText("No line matches the search.").waitFor();

      await page.getByRole("button", { name: "Export CSV…" }).click();
      await page.getByTestId("activity-exported").getByText("exemption-desk-activity.csv", { exact: false }).waitFor();
      assert.deepEqual((await calls(page, "export_activity")).at(-1).args.query, {
        text: "nothing like this",
        kinds: ["Write"],
        limit: 10_000,
      });
      assert.deepEqual(errors, []);
      await page.close();
    });
  }
});
