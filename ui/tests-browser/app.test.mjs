// Browser test of the built UI (ui/dist) in Debian's Chromium, with the Tauri
// IPC replaced by the fake backend in fake-backend.mjs. Run: npm run test:browser
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { FIXTURES, SUBSCRIPTIONS, installFakeBackend } from "./fake-backend.mjs";
import { serveStatic } from "./static-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(here, "../dist");
const ARTIFACTS = resolve(here, "../../.artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let server;
let context;
let profile;

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), "ui/dist is missing: run `npm run build` first");
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await serveStatic(DIST);
  profile = mkdtempSync(join(tmpdir(), "exemption-desk-chromium-"));
  // Playwright refuses --user-data-dir in args; a persistent context on a
  // fresh temporary directory is the same thing.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
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

async function openApp(colorScheme = "light") {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.emulateMedia({ colorScheme });
  await page.addInitScript(installFakeBackend, FIXTURES);
  await page.goto(server.url);
  await page.getByTestId("recommendation-row").first().waitFor();
  return { page, errors };
}

const calls = (page, cmd) => page.evaluate((c) => window.__ipcCalls.filter((x) => x.cmd === c), cmd);
const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`) });
const nameOf = (page, subscriptionIndex) => SUBSCRIPTIONS[subscriptionIndex].displayName;

describe("Exemption Desk UI (built, IPC mocked)", () => {
  test("recommendations: list, sort, search, not-exemptible", async () => {
    const { page, errors } = await openApp();
    const rows = page.getByTestId("recommendation-row");
    assert.equal(await rows.count(), 5);
    const names = await rows.locator("td:first-child").allInnerTexts();
    assert.deepEqual(names, [
      "Machines should have a vulnerability assessment solution",
      "SQL databases should have vulnerability findings resolved",
      "Storage accounts should restrict network access",
      "Tag your production VMs (custom)",
      "Storage account public access should be disallowed",
    ]);
    await assert.doesNotReject(page.getByText("Demo tenant").waitFor());
    await assert.doesNotReject(page.getByText("alex@contoso.example").waitFor());
    await shot(page, "recommendations-light");

    const search = page.getByRole("searchbox", { name: "Search recommendations" });
    await search.fill("storage");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="recommendation-row"]').length === 2);
    await search.fill("no such thing");
    await page.getByText('No recommendation matches "no such thing".').waitFor();
    await search.fill("");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="recommendation-row"]').length === 5);

    await rows.filter({ hasText: "Tag your production VMs" }).click();
    const drawer = page.getByRole("dialog", { name: "Exempt: Tag your production VMs (custom)" });
    await drawer.waitFor();
    await drawer.getByText("Custom recommendations can't be exempted.").waitFor();
    assert.equal(await drawer.getByRole("textbox", { name: "Name", exact: true }).count(), 0);
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("exempt: validation as you type, create, result, exemptions list", async () => {
    const { page, errors } = await openApp();
    // Open by keyboard: focus the row, press Enter.
    const row = page.getByTestId("recommendation-row").filter({ hasText: "SQL databases" });
    await row.focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByRole("dialog", { name: "Exempt: SQL databases should have vulnerability findings resolved" });
    await drawer.waitFor();

    await drawer.getByRole("checkbox", { name: nameOf(page, 0) }).check();
    await drawer.getByText("1 of 2 selected").waitFor();
    const name = drawer.getByRole("textbox", { name: "Name", exact: true });
    await name.fill("sql.waiver");
    const nameError = drawer.getByText("Name can't contain '.'", { exact: false });
    await nameError.waitFor();
    // The message is tied to the input.
    const describedBy = await name.getAttribute("aria-describedby");
    const errorId = await nameError.evaluate((el) => el.closest("[id]").id);
    assert.ok(describedBy?.split(" ").includes(errorId), `${describedBy} should include ${errorId}`);
    assert.equal(await name.getAttribute("aria-invalid"), "true");
    await shot(page, "exempt-error-light");

    // Create with errors sends nothing and shows every error.
    await drawer.getByRole("button", { name: "Create" }).click();
    await drawer.getByText("Choose a category: mitigated or risk accepted.").waitFor();
    assert.equal((await calls(page, "create_exemption")).length, 0);

    await name.fill("sql-waiver");
    await nameError.waitFor({ state: "detached" });
    await drawer.getByRole("textbox", { name: "Display name" }).fill("SQL findings accepted until Q3");
    await drawer.getByRole("switch", { name: "Set an expiration date" }).check();
    await drawer.getByLabel("Expires on").fill("2030-06-30");
    await drawer.getByRole("radio", { name: "Risk accepted (waiver)" }).check();
    await drawer.getByRole("textbox", { name: "Description" }).fill("Accepted by the CISO, ticket SEC-42.");
    await drawer.getByText("36/512").waitFor();
    await drawer.getByRole("checkbox", { name: nameOf(page, 1) }).check();
    await shot(page, "exempt-filled-light");

    await drawer.getByRole("button", { name: "Create" }).click();
    const result = drawer.getByTestId("create-result");
    await result.waitFor();
    const sent = await calls(page, "create_exemption");
    assert.equal(sent.length, 1);
    assert.deepEqual(sent[0].args, {
      draft: {
        recommendationKey: "aaaaaaaa-0000-4000-8000-000000000002",
        subscriptionIds: SUBSCRIPTIONS.map((s) => s.id),
        name: "sql-waiver",
        displayName: "SQL findings accepted until Q3",
        expiresOn: "2030-06-30",
        utcOffsetMinutes: 120, // Europe/Berlin in summer
        category: "Waiver",
        description: "Accepted by the CISO, ticket SEC-42.",
      },
    });
    await result.getByText("Created 4 exemptions").waitFor();
    assert.equal(await result.getByTestId("created-exemption").count(), 4);
    const first = await result.getByTestId("created-exemption").first().innerText();
    for (const expected of ["sql-waiver", "Contoso Production", "Risk accepted (waiver)", "SecurityCenterBuiltIn", "sqlDbVulnerabilityAssessment", "30 Jun 2030"]) {
      assert.ok(first.includes(expected), `result should show ${expected}: ${first}`);
    }
    await shot(page, "exempt-result-light");
    await result.getByRole("button", { name: "Close" }).click();
    await drawer.waitFor({ state: "detached" });

    // The way the WebDriver end-to-end tests find it: a button whose text is exactly the name.
    await page.locator('xpath=//button[normalize-space()="Exemptions"]').click();
    const rows = page.getByTestId("exemption-row");
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="exemption-row"]').length === 6);
    const legacy = await rows.filter({ hasText: "legacy-storage" }).innerText();
    assert.match(legacy, /Expired/);
    assert.match(legacy, /Contoso Production/);
    const dev = await rows.filter({ hasText: "dev-va" }).innerText();
    assert.match(dev, /Never/);
    assert.match(dev, /Active/);
    await shot(page, "exemptions-light");

    await page.getByRole("checkbox", { name: nameOf(page, 0) }).uncheck();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="exemption-row"]').length === 3);
    const last = (await calls(page, "list_exemptions")).at(-1);
    assert.deepEqual(last.args, { subscriptionIds: [SUBSCRIPTIONS[1].id] });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("create failure keeps the values and shows the message", async () => {
    const { page } = await openApp();
    await page.getByTestId("recommendation-row").first().click();
    const drawer = page.getByRole("dialog");
    await drawer.getByRole("checkbox", { name: nameOf(page, 1) }).check();
    await drawer.getByRole("textbox", { name: "Name", exact: true }).fill("vm-va");
    await drawer.getByRole("radio", { name: "Resolved through 3rd party (mitigated)" }).check();
    await page.evaluate(() => {
      window.__ipcFail.create_exemption = {
        code: "azure_authorization_failed",
        message: "You don't have permission to exempt at Contoso Development.",
        details: null,
      };
    });
    await drawer.getByRole("button", { name: "Create" }).click();
    await drawer.getByText("You don't have permission to exempt at Contoso Development.").waitFor();
    assert.equal(await drawer.getByRole("textbox", { name: "Name", exact: true }).inputValue(), "vm-va");
    assert.ok(await drawer.getByRole("radio", { name: "Resolved through 3rd party (mitigated)" }).isChecked());
    assert.ok(await drawer.getByRole("checkbox", { name: nameOf(page, 1) }).isChecked());
    await shot(page, "exempt-failure-light");
    // Retrying succeeds with the same values.
    await drawer.getByRole("button", { name: "Create" }).click();
    await drawer.getByTestId("create-result").getByText("Created 2 exemptions").waitFor();
    await page.close();
  });

  test("dark theme follows the OS, live", async () => {
    const { page, errors } = await openApp("dark");
    assert.equal(await page.locator("[data-theme]").first().getAttribute("data-theme"), "dark");
    await shot(page, "recommendations-dark");
    await page.getByTestId("recommendation-row").filter({ hasText: "SQL databases" }).click();
    const drawer = page.getByRole("dialog");
    await drawer.getByRole("checkbox", { name: nameOf(page, 0) }).check();
    await drawer.getByRole("textbox", { name: "Name", exact: true }).fill("bad.name");
    await drawer.getByText("Name can't contain '.'", { exact: false }).waitFor();
    await drawer.getByRole("switch", { name: "Set an expiration date" }).check();
    await shot(page, "exempt-error-dark");
    await drawer.getByRole("textbox", { name: "Name", exact: true }).fill("good-name");
    await drawer.getByLabel("Expires on").fill("2030-01-15");
    await drawer.getByRole("radio", { name: "Resolved through 3rd party (mitigated)" }).check();
    await drawer.getByRole("button", { name: "Create" }).click();
    await drawer.getByTestId("create-result").waitFor();
    const sent = (await calls(page, "create_exemption"))[0].args.draft;
    assert.equal(sent.utcOffsetMinutes, 60); // Europe/Berlin in winter
    await shot(page, "exempt-result-dark");
    await drawer.getByRole("button", { name: "Close" }).click();
    await page.getByRole("tab", { name: "Exemptions" }).click();
    await page.getByTestId("exemption-row").first().waitFor();
    await shot(page, "exemptions-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await page.waitForFunction(() => document.querySelector("[data-theme]")?.getAttribute("data-theme") === "light");
    assert.deepEqual(errors, []);
    await page.close();
  });
});
