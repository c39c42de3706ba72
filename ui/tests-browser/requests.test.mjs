// Requests and approvals in the built UI (Debian's Chromium, the fake backend
// with fake-requests.mjs): a request from the Exempt pane, the approver's
// review, approve and apply, reject, changes asked and resubmitted, a request
// file, a refused link, and the request settings. Run: npm run test:browser
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

async function openApp({ colorScheme = "light", requests = {}, viewport } = {}) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.emulateMedia({ colorScheme });
  if (viewport) await page.setViewportSize(viewport);
  await page.addInitScript(installFakeBackend, FIXTURES);
  await page.addInitScript(installFakeRequests, { ...REQUEST_FIXTURES, ...requests });
  await page.goto(server.url);
  await page.getByTestId("recommendation-row").first().waitFor();
  return { page, errors };
}

const calls = (page, cmd) => page.evaluate((c) => window.__ipcCalls.filter((x) => x.cmd === c), cmd);
const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `ui-${name}.png`) });
/** A drawer slides in: let it come to rest before a screenshot. */
const settled = async (page, name) => {
  await page.waitForTimeout(600);
  await shot(page, name);
};
const goRequests = (page) => page.locator('xpath=//button[normalize-space()="Requests"]').click();
const drawerOf = (page) => page.getByRole("dialog", { name: "Request" });

async function openRow(page, view, text) {
  await page.getByRole("tab", { name: view }).click();
  const row = page.getByTestId("request-row").filter({ hasText: text });
  await row.click();
  const drawer = drawerOf(page);
  await drawer.getByTestId("request-review").waitFor();
  return drawer;
}

describe("requests and approvals (built UI, IPC mocked)", () => {
  test("a user who may not write requests approval: justification required, sent, then in My requests", async () => {
    const { page, errors } = await openApp({ requests: { mayWrite: false } });
    await page.getByTestId("recommendation-row").filter({ hasText: "Storage accounts should restrict" }).click();
    const drawer = page.getByRole("dialog", { name: "Exempt: Storage accounts should restrict network access" });
    await drawer.getByRole("checkbox", { name: "Contoso Production" }).check();
    await drawer.getByRole("textbox", { name: "Name", exact: true }).fill("partner-sftp");
    await drawer.getByRole("radio", { name: "Risk accepted (waiver)" }).check();
    await drawer.getByTestId("request-only").waitFor();
    assert.equal(await drawer.getByRole("button", { name: "Preview" }).count(), 0);
    await drawer.getByRole("button", { name: "Request approval" }).click();

    const form = drawer.getByTestId("request-form");
    await form.getByTestId("request-preview").waitFor();
    await form.getByRole("button", { name: "Send request" }).click();
    await form.getByText("Say why this exemption is needed.").waitFor();
    assert.equal((await calls(page, "submit_request")).length, 0);
    await form.getByRole("textbox", { name: /Justification/ }).fill("The partner's gateway needs it until Q1.");
    await form.getByRole("textbox", { name: /Ticket/ }).fill("https://tickets.contoso.example/CHG-9");
    await settled(page, "request-form-light");
    await form.getByRole("button", { name: "Send request" }).click();
    const done = drawer.getByTestId("request-done");
    await done.getByText("Request sent").waitFor();
    const sent = (await calls(page, "submit_request")).at(-1).args;
    assert.equal(sent.justification, "The partner's gateway needs it until Q1.");
    assert.equal(sent.ticket, "https://tickets.contoso.example/CHG-9");
    assert.equal(sent.draft.name, "partner-sftp");
    assert.equal((await calls(page, "apply_plan")).length, 0);

    // "Open my requests": the Requests screen, the request open; its requester can't approve it.
    await done.getByRole("button", { name: "Open my requests" }).click();
    const review = drawerOf(page);
    await review.getByTestId("cannot-approve").getByText("someone else must approve it", { exact: false }).waitFor();
    assert.equal(await review.getByRole("button", { name: "Approve and apply" }).count(), 0);
    await review.getByRole("button", { name: "Withdraw" }).waitFor();
    await review.getByRole("button", { name: "Close" }).click();
    await page.getByRole("tab", { name: "My requests" }).click();
    const mine = page.getByTestId("request-row").filter({ hasText: "partner-sftp" });
    await mine.getByText("Pending").waitFor();
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("an approver reviews, shortens the expiry, approves and applies: progress, then Applied", async () => {
    const { page, errors } = await openApp();
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-requests"]')?.dataset.count === "2");
    await goRequests(page);
    await page.getByTestId("request-row").nth(1).waitFor();
    assert.equal(await page.getByTestId("request-row").count(), 2);
    await shot(page, "requests-light");
    // A 1280 px window holds every column: nothing scrolls sideways.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForTimeout(300);
    const sideways = await page.evaluate(() => {
      const grid = document.querySelector('[role="grid"][aria-label="Requests"]');
      return grid.scrollWidth - grid.clientWidth;
    });
    assert.ok(sideways <= 0, `the requests table scrolls ${sideways} px sideways at 1280 px`);
    await shot(page, "requests-1280");
    await page.setViewportSize({ width: 1360, height: 860 });
    const drawer = await openRow(page, "Awaiting my decision", "legacy-partner-access");
    await drawer.getByTestId("request-differences").getByText("now exists", { exact: false }).waitFor();
    await drawer.getByTestId("review-preview").waitFor();
    await settled(page, "request-review-light");

    // A later expiry than requested is refused at the field; an earlier one is reviewed again.
    const expiry = drawer.getByTestId("approver-changes").getByLabel("Expires on");
    await expiry.fill("2028-01-31");
    await drawer.getByText("No later than the requested 2027-03-31.").waitFor();
    await expiry.fill("2026-12-31");
    await page.waitForFunction(() =>
      window.__ipcCalls.some((c) => c.cmd === "review_request" && c.args.changes.expiresOn === "2026-12-31"),
    );
    await drawer.getByRole("button", { name: "Approve and apply" }).click();
    await drawer.getByRole("button", { name: /^Approve and write \d+$/ }).click();
    await drawer.getByTestId("apply-progress").waitFor();
    await drawer.locator('[data-testid="apply-progress"][data-finished="true"]').waitFor();
    const approve = (await calls(page, "approve_request")).at(-1).args;
    assert.equal(approve.requestId, "req-riley-legacy");
    assert.deepEqual(approve.changes, { expiresOn: "2026-12-31", category: null });
    await settled(page, "request-applied-light");
    await page.keyboard.press("Escape");
    await page.getByRole("tab", { name: "All" }).click();
    await page.getByTestId("request-row").filter({ hasText: "legacy-partner-access" }).getByText("Applied").waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="nav-requests"]')?.dataset.count === "1");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("reject needs a reason; someone acting first is said clearly and the pane stays", async () => {
    const { page, errors } = await openApp();
    await goRequests(page);
    let drawer = await openRow(page, "Awaiting my decision", "third-party-scanner");
    await drawer.getByRole("button", { name: "Reject" }).click();
    await drawer.getByRole("button", { name: "Reject request" }).click();
    await drawer.getByText("Give a reason.").waitFor();
    assert.equal((await calls(page, "reject_request")).length, 0);
    await drawer.getByRole("textbox", { name: /Reason/ }).fill("Qualys does not cover storage accounts.");
    await drawer.getByRole("button", { name: "Reject request" }).click();
    await drawer.getByTestId("request-facts").waitFor();
    await drawer.getByTestId("request-state").getByText("Rejected").waitFor();
    await drawer.getByText("Qualys does not cover storage accounts.", { exact: false }).waitFor();
    await drawer.getByRole("button", { name: "Close" }).click();

    // Another approver decided first: the error says so, the typed comment stays.
    drawer = await openRow(page, "Awaiting my decision", "legacy-partner-access");
    await page.evaluate(() => {
      window.__ipcFail.request_changes = {
        code: "invalid_request",
        message: "Someone else acted on this request first: it is no longer pending. Nothing was sent.",
        details: null,
      };
    });
    await drawer.getByRole("button", { name: "Request changes" }).click();
    const comment = drawer.getByRole("textbox", { name: /What should change/ });
    await comment.fill("Name the partner in the description.");
    await drawer.getByRole("button", { name: "Send back for changes" }).click();
    await drawer.getByText("Couldn't ask for changes").waitFor();
    await drawer.getByText("Someone else acted on this request first", { exact: false }).waitFor();
    assert.equal(await comment.inputValue(), "Name the partner in the description.");
    await settled(page, "request-conflict-light");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("changes requested: the requester edits and resubmits; it is pending again", async () => {
    const { page, errors } = await openApp({ colorScheme: "dark" });
    await goRequests(page);
    await page.getByTestId("request-row").first().waitFor();
    await shot(page, "requests-dark");
    const drawer = await openRow(page, "My requests", "log-archive-open");
    await drawer.getByRole("button", { name: "Resubmit" }).click();
    const form = drawer.getByTestId("resubmit-form");
    await form
      .getByRole("textbox", { name: /Justification/ })
      .fill("Only the archive's IP range, until the SIEM moves.");
    await form.getByRole("textbox", { name: /Ticket/ }).fill("CHG-3001");
    // The tenant allows at most 365 days: the backend's refusal is shown at the field, nothing typed is lost.
    await form.getByRole("button", { name: "Resubmit for approval" }).click();
    await form.getByText("At most 365 days from today.").waitFor();
    await form.getByText("Couldn't resubmit the request").waitFor();
    await settled(page, "request-resubmit-dark");
    await form.getByLabel("Expires on").fill("2027-06-30");
    await form.getByRole("button", { name: "Resubmit for approval" }).click();
    await drawer.getByTestId("request-review").waitFor();
    await drawer.getByTestId("request-state").getByText("Pending").waitFor();
    const sent = (await calls(page, "resubmit_request")).at(-1).args;
    assert.equal(sent.ticket, "CHG-3001");
    assert.equal(sent.draft.name, "log-archive-open");
    await settled(page, "request-review-dark");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a request file: chosen or opened from outside, requester unverified, approved; a refused link is said", async () => {
    const { page, errors } = await openApp();
    await goRequests(page);
    await page.getByRole("button", { name: "Open request file…" }).click();
    const drawer = drawerOf(page);
    await drawer.getByTestId("requester-unverified").waitFor();
    await drawer.getByText("kim.ng@contoso.example (as the file states it)").waitFor();
    await settled(page, "request-file-light");
    await drawer.getByRole("button", { name: "Close" }).click();
    await drawer.waitFor({ state: "detached" });

    // Opened from outside (a file association): the same review, read from its path.
    await page.evaluate(
      (path) => window.__emit("open-target", { kind: "requestFile", path }),
      REQUEST_FIXTURES.file.path,
    );
    await drawer.getByTestId("requester-unverified").waitFor();
    assert.equal((await calls(page, "review_request_file")).at(-1).args.path, REQUEST_FIXTURES.file.path);
    await drawer.getByRole("button", { name: "Approve and apply" }).click();
    await drawer.getByRole("button", { name: /^Approve and write \d+$/ }).click();
    await drawer.locator('[data-testid="apply-progress"][data-finished="true"]').waitFor();
    await page.keyboard.press("Escape");

    await page.evaluate(() =>
      window.__emit("open-target", { kind: "refused", message: "That link names no request." }),
    );
    const refused = page.getByTestId("open-refused");
    await refused.getByText("That link names no request.").waitFor();
    await shot(page, "open-refused-light");
    await refused.getByRole("button", { name: "Dismiss" }).click();
    await refused.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("request settings: the backend's message at the field, then saved; the narrowest window", async () => {
    const { page, errors } = await openApp({ viewport: { width: 960, height: 600 } });
    await page.locator('xpath=//button[normalize-space()="Settings"]').click();
    const table = page.getByRole("textbox", { name: /Table name/ });
    await table.fill("x");
    await page.getByRole("button", { name: "Save request settings" }).click();
    await page.getByText("3 to 63 letters and digits, starting with a letter.", { exact: true }).first().waitFor();
    await table.fill("exemptionrequests2");
    await page.getByRole("radio", { name: "For waivers (risk accepted)" }).check();
    await page.getByRole("switch", { name: "A ticket reference is required" }).check();
    await page.getByRole("button", { name: "Save request settings" }).click();
    await page.getByTestId("request-settings-saved").waitFor();
    const saved = (await calls(page, "save_tenant_settings")).at(-1).args.settings;
    assert.deepEqual(saved.policy, { approval: "Waivers", maxExpiryDays: 365, ticketRequired: true });
    assert.equal(saved.requestTable.table, "exemptionrequests2");
    await shot(page, "settings-requests-960");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "settings-requests-960-dark");
    await page.emulateMedia({ colorScheme: "light" });
    await goRequests(page);
    await page.getByTestId("request-row").first().waitFor();
    await shot(page, "requests-960");
    await openRow(page, "Awaiting my decision", "legacy-partner-access");
    await settled(page, "request-review-960");
    assert.deepEqual(errors, []);
    await page.close();
  });
});
