// Browser test of the built UI (ui/dist) in Debian's Chromium, with the Tauri
// IPC replaced by the fake backend in fake-backend.mjs. Run: npm run test:browser
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, openBrowser } from "./browser.mjs";
import { FIXTURES, RECOMMENDATIONS, SUBSCRIPTIONS, installFakeBackend } from "./fake-backend.mjs";

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

async function openApp(colorScheme = "light", fixtures = FIXTURES) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.emulateMedia({ colorScheme });
  await page.addInitScript(installFakeBackend, fixtures);
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
    const names = await rows.locator('[role="gridcell"]:first-child').allInnerTexts();
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

    // Why it can't be exempted: the tag's tooltip, mounted when the pointer first comes to it.
    assert.equal(await page.getByRole("tooltip").count(), 0);
    await page.getByTestId("not-exemptible").hover();
    await page.getByRole("tooltip").filter({ hasText: "Custom recommendations can't be exempted." }).waitFor();
    await page.mouse.move(0, 0);
    await page.getByRole("tooltip").waitFor({ state: "hidden" });

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

  test("exempt subscriptions: validation as you type, checks, preview, confirm, progress, result, exemptions list", async () => {
    const { page, errors } = await openApp();
    // Open by keyboard: focus the row, press Enter.
    const row = page.getByTestId("recommendation-row").filter({ hasText: "SQL databases" });
    await row.focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByRole("dialog", {
      name: "Exempt: SQL databases should have vulnerability findings resolved",
    });
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

    // Preview with errors sends nothing and shows every error.
    await drawer.getByRole("button", { name: "Preview" }).click();
    await drawer.getByText("Choose a category: mitigated or risk accepted.").waitFor();
    assert.equal((await calls(page, "prepare_exemption")).length, 0);

    await name.fill("sql-waiver");
    await nameError.waitFor({ state: "detached" });
    await drawer.getByRole("textbox", { name: "Display name" }).fill("SQL findings accepted until Q3");
    await drawer.getByRole("switch", { name: "Set an expiration date" }).check();
    await drawer.getByLabel("Expires on").fill("2030-06-30");
    await drawer.getByRole("radio", { name: "Risk accepted (waiver)" }).check();
    await drawer.getByRole("textbox", { name: "Description" }).fill("Accepted by the CISO, ticket SEC-42.");
    await drawer.getByText("36/512").waitFor();
    await drawer.getByRole("checkbox", { name: nameOf(page, 1) }).check();
    const checks = drawer.getByTestId("checks");
    await checks.locator('[data-check-kind="Permissions"][data-check-status="Passed"]').waitFor();
    await checks.locator('[data-check-kind="Initiatives"][data-check-status="Warning"]').waitFor();
    await checks
      .getByTestId("initiatives-covered")
      .getByText("Microsoft cloud security benchmark, ISO 27001:2013", { exact: false })
      .waitFor();
    await shot(page, "exempt-filled-light");

    await drawer.getByRole("button", { name: "Preview" }).click();
    const preview = drawer.getByTestId("preview");
    await preview.getByText("4 exemptions will be written").waitFor();
    const sent = (await calls(page, "prepare_exemption")).at(-1);
    assert.deepEqual(sent.args, {
      draft: {
        recommendationKey: "aaaaaaaa-0000-4000-8000-000000000002",
        scope: { kind: "subscriptions", ids: SUBSCRIPTIONS.map((s) => s.id) },
        name: "sql-waiver",
        displayName: "SQL findings accepted until Q3",
        expiresOn: "2030-06-30",
        utcOffsetMinutes: 120, // Europe/Berlin in summer
        category: "Waiver",
        description: "Accepted by the CISO, ticket SEC-42.",
      },
    });
    assert.equal(await preview.getByTestId("preview-write").count(), 4);
    const firstWrite = preview.getByTestId("preview-write").first();
    await firstWrite.getByRole("button", { name: "JSON body" }).click();
    const json = await firstWrite.getByTestId("write-json").innerText();
    assert.equal(JSON.parse(json).properties.expiresOn, "2030-06-30T21:59:59Z");
    await page.waitForTimeout(200); // re-measured after expanding
    await shot(page, "exempt-preview-light");
    assert.equal((await calls(page, "apply_plan")).length, 0);

    await preview.getByRole("button", { name: "Create 4 exemptions" }).click();
    const progress = drawer.getByTestId("apply-progress");
    await progress.waitFor();
    await progress.locator('[data-testid="apply-item"][data-state="Sending"]').first().waitFor();
    await shot(page, "exempt-progress-light");
    const result = drawer.getByTestId("create-result");
    await result.getByText("Created 4 exemptions").waitFor();
    assert.equal(await progress.locator('[data-testid="apply-item"][data-state="Succeeded"]').count(), 4);
    await result.getByText("Defender for Cloud can take up to 24 hours", { exact: false }).waitFor();
    assert.equal((await calls(page, "discard_draft")).length, 1);
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
    assert.doesNotMatch(dev, /Expired|Active/, "an exemption that never expires has no state badge");
    assert.match(dev, /Vulnerability assessment|vulnerability assessment/i, "the recommendation by name");
    await shot(page, "exemptions-light");

    // The register filters by subscription (it reads every level once; no read per subscription).
    await page.getByRole("combobox", { name: "Subscription" }).click();
    await page.getByRole("option", { name: nameOf(page, 1) }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="exemption-row"]').length === 3);
    assert.equal(await page.getByTestId("list-count").innerText(), "Showing 3 of 6");
    const reads = await calls(page, "exemption_register");
    assert.equal(reads.length, 1);
    assert.match(reads[0].args.onRows, /^__CHANNEL__:\d+$/, "rows come over a channel");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("exempt a management group, granting Defender for Cloud Reader first", async () => {
    const { page, errors } = await openApp();
    await page.getByTestId("recommendation-row").filter({ hasText: "Storage accounts should restrict" }).click();
    const drawer = page.getByRole("dialog", { name: "Exempt: Storage accounts should restrict network access" });
    await drawer.getByTestId("scope-kind").getByRole("radio", { name: "Management group" }).check();
    const tree = drawer.getByTestId("mg-tree");
    await tree.waitFor();
    await drawer.getByRole("searchbox", { name: "Search management groups" }).fill("prod");
    assert.equal(await tree.getByRole("radio").count(), 3); // the match and its two ancestors
    await tree.getByRole("radio", { name: "Contoso Production MG" }).check();
    await drawer.getByRole("textbox", { name: "Name", exact: true }).fill("prod-storage-network");
    await drawer.getByRole("radio", { name: "Resolved through 3rd party (mitigated)" }).check();

    const reader = drawer.getByTestId("checks").locator('[data-check-kind="SecurityReader"]');
    await drawer
      .getByTestId("checks")
      .locator('[data-check-kind="SecurityReader"][data-check-status="Failed"]')
      .waitFor();
    assert.ok(await drawer.getByRole("button", { name: "Preview" }).isDisabled());
    await drawer.getByText("Defender for Cloud can't read this management group yet", { exact: false }).waitFor();
    await shot(page, "exempt-mg-reader-light");

    await reader.getByRole("button", { name: "Grant Reader to Defender for Cloud" }).click();
    const confirm = page.getByRole("alertdialog", { name: "Grant Reader to Defender for Cloud" });
    await confirm.waitFor();
    const text = await confirm.innerText();
    for (const expected of [
      "Reader",
      "Windows Azure Security Resource Provider",
      "Contoso Production MG",
      "/providers/Microsoft.Management/managementGroups/contoso-prod",
    ]) {
      assert.ok(text.includes(expected), `the confirmation should say ${expected}: ${text}`);
    }
    await page.waitForTimeout(400); // the dialog's entrance animation
    await shot(page, "exempt-mg-grant-light");
    assert.equal((await calls(page, "grant_security_reader")).length, 0);
    await confirm.getByRole("button", { name: "Grant Reader" }).click();
    await confirm.waitFor({ state: "detached" });
    assert.deepEqual((await calls(page, "grant_security_reader"))[0].args, { managementGroup: "contoso-prod" });
    await drawer
      .getByTestId("checks")
      .locator('[data-check-kind="SecurityReader"][data-check-status="Passed"]')
      .waitFor();

    await drawer.getByRole("button", { name: "Preview" }).click();
    const preview = drawer.getByTestId("preview");
    await preview.getByText("2 exemptions will be written").waitFor();
    const write = await preview.getByTestId("preview-write").first().innerText();
    assert.match(write, /Contoso Production MG/);
    assert.match(
      write,
      /managementGroups\/contoso-prod\/providers\/Microsoft.Authorization\/policyExemptions\/prod-storage-network/,
    );
    const draft = (await calls(page, "prepare_exemption")).at(-1).args.draft;
    assert.deepEqual(draft.scope, { kind: "managementGroup", name: "contoso-prod" });
    await preview.getByRole("button", { name: "Create 2 exemptions" }).click();
    await drawer.getByTestId("create-result").getByText("Created 2 exemptions").waitFor();
    await drawer.getByTestId("effect-status").waitFor();
    await shot(page, "exempt-mg-result-light");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("exempt selected resources out of 5,000: search, select all, cancel, retry failed; the apply goes on with the pane closed", async () => {
    const { page, errors } = await openApp("light", {
      ...FIXTURES,
      applyFailOnce: [1],
      applyItemMs: 400,
      applyHoldAfter: 4,
    });
    await page.getByTestId("recommendation-row").filter({ hasText: "Machines should have" }).click();
    const drawer = page.getByRole("dialog", {
      name: "Exempt: Machines should have a vulnerability assessment solution",
    });
    await drawer.getByTestId("scope-kind").getByRole("radio", { name: "Selected resources" }).check();
    const picker = drawer.getByTestId("resource-picker");
    await picker.getByText("0 of 5000 selected").waitFor();
    // Virtualised: only what's in view is in the DOM.
    const inDom = await picker.getByTestId("resource-row").count();
    assert.ok(inDom > 3 && inDom < 40, `${inDom} rows rendered`);
    await shot(page, "exempt-resources-light");
    // Scrolling to the end works.
    await picker.getByTestId("resource-list").evaluate((el) => el.scrollTo(0, 1e7));
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="resource-row"]')].some((r) => r.textContent.includes("vm-4999")),
    );

    const search = picker.getByRole("searchbox", { name: "Search resources" });
    const started = Date.now();
    await search.fill("vm-004");
    await picker.getByText("0 of 5000 selected · 10 shown").waitFor();
    assert.ok(Date.now() - started < 2000, "search stays responsive");
    await picker.getByRole("checkbox", { name: "Select all" }).check();
    await picker.getByText("10 of 5000 selected · 10 shown").waitFor();
    await picker.getByRole("checkbox", { name: "vm-0042" }).uncheck();
    await picker.getByText("9 of 5000 selected · 10 shown").waitFor();
    await drawer.getByRole("textbox", { name: "Name", exact: true }).fill("vm-va-accepted");
    await drawer.getByRole("radio", { name: "Risk accepted (waiver)" }).check();
    await drawer.getByTestId("checks").locator('[data-check-kind="Permissions"][data-check-status="Passed"]').waitFor();
    const draft = await page.waitForFunction(
      () => window.__ipcCalls.filter((c) => c.cmd === "prepare_exemption").at(-1)?.args.draft,
    );
    const scope = (await draft.jsonValue()).scope;
    assert.equal(scope.kind, "resources");
    assert.equal(scope.ids.length, 9);
    assert.ok(scope.ids.every((id) => /\/virtualMachines\/vm-004[0-9]$/.test(id)));

    await drawer.getByRole("button", { name: "Preview" }).click();
    const preview = drawer.getByTestId("preview");
    await preview.getByText("18 exemptions will be written").waitFor();
    await preview.getByRole("button", { name: "Create 18 exemptions" }).click();
    const progress = drawer.getByTestId("apply-progress");
    await progress.locator('[data-testid="apply-item"][data-state="Retrying"]').waitFor();
    await progress.getByText("Azure is throttling", { exact: false }).waitFor();
    await shot(page, "exempt-resources-progress-light");

    // Close the pane: the apply goes on, and the shell says so.
    await drawer.getByRole("button", { name: "Dismiss" }).click();
    await drawer.waitFor({ state: "detached" });
    const running = page.getByTestId("running-apply");
    await running.getByText("Creating exemptions").waitFor();
    await shot(page, "shell-running-apply-light");
    // Other screens keep working meanwhile.
    await page.getByRole("tab", { name: "Exemptions" }).click();
    await page.getByTestId("exemption-row").first().waitFor();
    await running.getByRole("button", { name: "View" }).click();
    const again = page.getByRole("dialog", {
      name: "Exempt: Machines should have a vulnerability assessment solution",
    });
    await again.getByTestId("apply-progress").waitFor();
    await again.getByRole("button", { name: "Cancel" }).click();
    const result = again.getByTestId("create-result");
    await result.waitFor({ timeout: 15_000 });
    const summary = await result.innerText();
    assert.match(summary, /Created \d+ of 18 exemptions/);
    assert.match(summary, /1 failed/);
    assert.match(summary, /cancelled/);
    assert.match(summary, /AuthorizationFailed/);
    await shot(page, "exempt-resources-result-light");
    assert.equal((await calls(page, "cancel_apply")).length, 1);

    await result.getByRole("button", { name: "Retry failed" }).click();
    await again
      .getByTestId("apply-progress")
      .locator('[data-testid="apply-item"][data-index="1"], [data-testid="apply-item"]')
      .first()
      .waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="apply-item"][data-state="Failed"]').length === 0,
    );
    await again.getByTestId("create-result").waitFor();
    assert.equal((await calls(page, "retry_failed")).length, 1);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("details: Unhealthy / Healthy / Not applicable resources, with the exemption that applies", async () => {
    const { page, errors } = await openApp();
    await page.getByTestId("recommendation-row").filter({ hasText: "Storage accounts should restrict" }).click();
    const drawer = page.getByRole("dialog", { name: "Exempt: Storage accounts should restrict network access" });
    await drawer.getByRole("tab", { name: "Details" }).click();
    const details = drawer.getByTestId("recommendation-details");
    await details.getByRole("tab", { name: "Unhealthy (7)" }).waitFor();
    assert.equal(await details.getByTestId("assessed-resource").count(), 7);
    await details.getByRole("tab", { name: /Not applicable/ }).click();
    await details.getByText("Cause: Exempt · exemption legacy-storage").waitFor();
    await details.getByText("Cause: Off by policy").waitFor();
    await shot(page, "details-light");
    // The form is still there, as it was.
    await drawer.getByRole("tab", { name: "Exempt" }).click();
    await drawer.getByRole("textbox", { name: "Name", exact: true }).waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("exemptions stream in as each subscription answers; leaving the screen cancels the read, with no error", async () => {
    const { page, errors } = await openApp("light", { ...FIXTURES, readBatchMs: 1500 });
    await page.locator('xpath=//button[normalize-space()="Exemptions"]').click();
    // The first subscription's rows show while the second's are still on their way.
    await page.getByTestId("exemption-row").first().waitFor();
    assert.equal(await page.getByTestId("exemption-row").count(), 1);
    assert.equal(await page.getByTestId("list-count").innerText(), "loading… 1 so far");
    await page.locator('xpath=//button[normalize-space()="Recommendations"]').click();
    await page.waitForFunction(() => window.__readsCancelled.length === 1);
    const read = (await calls(page, "exemption_register")).at(-1);
    assert.deepEqual(await page.evaluate(() => window.__readsCancelled), [read.args.readId]);
    assert.equal(await page.getByText("Couldn't load exemptions").count(), 0);
    // Coming back reads again, and this time to the end.
    await page.locator('xpath=//button[normalize-space()="Exemptions"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="exemption-row"]').length === 2);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="list-count"]')?.textContent === "2 exemptions",
    );
    assert.equal((await calls(page, "exemption_register")).length, 2);
    assert.equal(await page.getByText("Couldn't load exemptions").count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("an interrupted apply: banner, Resume, progress; a saved draft reopens", async () => {
    const report = {
      id: "apply-77",
      startedAt: "2030-05-01T08:00:00Z",
      recommendationKey: RECOMMENDATIONS[0].key,
      finished: false,
      items: SUBSCRIPTIONS.map((s, index) => ({
        index,
        state: index === 0 ? "Succeeded" : "Sending",
        attempts: 1,
        message: null,
        write: {
          scope: `/subscriptions/${s.id}`,
          name: "storage-net",
          path: `/subscriptions/${s.id}/providers/Microsoft.Authorization/policyExemptions/storage-net`,
          policyAssignmentId: `/subscriptions/${s.id}/providers/Microsoft.Authorization/policyAssignments/SecurityCenterBuiltIn`,
          initiativeName: "Microsoft cloud security benchmark",
          policyDefinitionReferenceIds: ["x"],
          replacesExisting: false,
          body: { properties: {} },
        },
      })),
    };
    const draft = {
      recommendationKey: RECOMMENDATIONS[1].key,
      scope: { kind: "subscriptions", ids: [SUBSCRIPTIONS[1].id] },
      name: "half-typed",
      displayName: "",
      expiresOn: null,
      utcOffsetMinutes: 60,
      category: null,
      description: "",
    };
    const { page, errors } = await openApp("light", { ...FIXTURES, unfinished: [report], draft });
    // The draft: the pane reopens on it.
    const drawer = page.getByRole("dialog", {
      name: "Exempt: SQL databases should have vulnerability findings resolved",
    });
    await drawer.waitFor();
    assert.equal(await drawer.getByRole("textbox", { name: "Name", exact: true }).inputValue(), "half-typed");
    assert.ok(await drawer.getByRole("checkbox", { name: nameOf(page, 1) }).isChecked());
    await drawer.getByRole("button", { name: "Dismiss" }).click();
    await drawer.waitFor({ state: "detached" });

    const banner = page.getByTestId("interrupted-apply");
    await banner.getByText("An apply was interrupted: 1 of 2 writes not confirmed").waitFor();
    await shot(page, "shell-interrupted-light");
    await banner.getByRole("button", { name: "Resume" }).click();
    assert.deepEqual((await calls(page, "resume_apply"))[0].args, { applyId: "apply-77" });
    const pane = page.getByRole("dialog", { name: "Exempt: Storage accounts should restrict network access" });
    await pane.getByTestId("create-result").getByText("Created 2 exemptions").waitFor();
    await banner.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("actions: extend two exemptions at once, then delete one; Escape closes, the list reads again", async () => {
    const { page, errors } = await openApp();
    await page.locator('xpath=//button[normalize-space()="Exemptions"]').click();
    const rows = page.getByTestId("exemption-row");
    const legacy = rows.filter({ hasText: "legacy-storage" });
    const dev = rows.filter({ hasText: "dev-va" });
    await legacy.waitFor();
    await dev.waitFor();
    assert.equal(await rows.count(), 2);
    // The stable hooks the end-to-end test uses too: the row and its checkbox.
    await legacy.locator('input[type="checkbox"]').check();
    await dev.locator('input[type="checkbox"]').check();
    await page.getByText("2 selected").waitFor();

    await page.getByRole("button", { name: "Extend", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Extend 2 exemptions" });
    await dialog.getByRole("radio", { name: "To a day" }).check();
    await dialog.getByLabel("New expiry (the end of this day, your time)").fill("2031-03-31");
    await dialog.getByRole("button", { name: "Preview" }).click();
    const writes = dialog.getByTestId("change-write");
    await writes.nth(1).waitFor();
    assert.equal(await writes.count(), 2);
    assert.deepEqual(await writes.evaluateAll((w) => w.map((e) => e.dataset.method)), ["PUT", "PUT"]);
    const request = (await calls(page, "prepare_exemption_change")).at(-1).args.request;
    assert.equal(request.exemptionIds.length, 2);
    assert.deepEqual(request.change, { kind: "extendTo", date: "2031-03-31", utcOffsetMinutes: 120 });
    assert.match(await writes.first().innerText(), /expiresOn/);
    await shot(page, "actions-preview-light");
    assert.equal((await calls(page, "apply_plan")).length, 0, "nothing is sent before Send");
    await dialog.getByRole("button", { name: "Send 2 writes" }).click();
    const result = dialog.getByTestId("create-result");
    await result.getByText("Updated 2 exemptions").waitFor();
    // Focus moved to the result (the Cancel button that held it is gone).
    assert.equal(await result.evaluate((el) => el === document.activeElement), true);
    await shot(page, "actions-result-light");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    // The list reads again after the apply: both now expire in 2031.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="exemption-row"]')].filter((r) => r.textContent.includes("2031"))
          .length === 2,
    );

    // Delete one: the preview shows the DELETE, and the row goes.
    await legacy.locator('input[type="checkbox"]').uncheck();
    await page.getByText("1 selected").waitFor();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const del = page.getByRole("dialog", { name: "Delete 1 exemption" });
    await del.getByRole("button", { name: "Preview" }).click();
    await del.locator('[data-testid="change-write"][data-method="DELETE"]').waitFor();
    await del.getByRole("button", { name: "Send 1 write" }).click();
    await del.getByTestId("create-result").getByText("Deleted 1 exemption").waitFor();
    await del.getByRole("button", { name: "Close" }).first().click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="exemption-row"]').length === 1);
    assert.equal(await rows.filter({ hasText: "dev-va" }).count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a reader who may write nowhere is told so on the first screen", async () => {
    const { page, errors } = await openApp("light", {
      ...FIXTURES,
      writeAccess: { subscriptions: 3, writable: 0, unknown: 0 },
    });
    const banner = page.getByTestId("no-write-access");
    await banner.getByText("You can look and request, but not exempt yourself").waitFor();
    assert.match(await banner.innerText(), /any of the 3 subscriptions/);
    await shot(page, "no-write-access-light");
    assert.deepEqual(errors, []);
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
    await drawer.getByTestId("checks").locator("[data-check-status]").first().waitFor();
    await shot(page, "exempt-checks-dark");
    await drawer.getByRole("button", { name: "Preview" }).click();
    const sent = (await calls(page, "prepare_exemption")).at(-1).args.draft;
    assert.equal(sent.utcOffsetMinutes, 60); // Europe/Berlin in winter
    await drawer
      .getByTestId("preview")
      .getByTestId("preview-write")
      .first()
      .getByRole("button", { name: "JSON body" })
      .click();
    await page.waitForTimeout(200);
    await shot(page, "exempt-preview-dark");
    await drawer.getByRole("button", { name: "Create 2 exemptions" }).click();
    await drawer.getByTestId("create-result").waitFor();
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
