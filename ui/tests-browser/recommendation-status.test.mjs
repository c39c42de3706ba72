// Browser test of the recommendations page's status filter and a
// recommendation's exempted count (the built UI, IPC mocked by fake-backend.mjs).
// Run: npm run test:browser
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { FIXTURES, RECOMMENDATIONS, installFakeBackend } from "./fake-backend.mjs";
import { serveStatic } from "./static-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(here, "../dist");
const ARTIFACTS = resolve(here, "../../.artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let server;
let context;
let profile;

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), "ui/dist is missing: run `npm run build` first");
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serveStatic(DIST);
  profile = mkdtempSync(join(tmpdir(), "exemption-desk-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    viewport: { width: 1360, height: 860 },
    timezoneId: "Europe/Berlin",
    locale: "en-GB",
    colorScheme: "light",
  });
  context.setDefaultTimeout(10_000);
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
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
