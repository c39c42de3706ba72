// Requests and approvals across two real app instances: Riley's and
// Morgan's, each with a data folder of its own, both open at once (two
// tauri-driver sessions, ports 4444 and 4446) against ONE simulator, whose
// Table service (the request register, `stcontosorisk/exemptionrequests`) is
// all they share, as between two desks.
//
// - Riley Reader (may read, may not write) asks for an exemption from the
//   Exempt pane; Morgan Manager (Owner) opens it on the Requests screen,
//   approves and applies: the PUTs carry Morgan's token, the exemption's
//   metadata names requester and approver, and Azure's systemData.createdBy
//   is Morgan; Riley then sees it Applied.
// - Morgan opens the ticket link of another of Riley's requests (the system
//   browser, a stand-in here, is handed exactly the stored address), rejects
//   it with a reason; Riley sees Rejected and the reason.
// - Morgan requests one himself: he cannot approve it (own request), and
//   nothing is written.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, startApp, userEnv, screenshot } from "../lib/harness.mjs";
import { type, choose, button, control, setNativeValue, openRecommendation } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";
import { armGet } from "../lib/arm.mjs";

const { account, table } = seed.requestTable;
/** What Morgan's stand-in system browser was asked to open. */
const morganBrowserLog = path.join(mkdtempSync(path.join(tmpdir(), "e2e-browser-")), "opened.log");
let sim;
/** The two instances, by user. */
const apps = {};

before(async () => {
  sim = await startSimulator();
  apps.riley = await startApp(await userEnv(sim, seed.reader), { port: 4444 });
  apps.morgan = await startApp(
    {
      ...(await userEnv(sim, seed.owner)),
      EXEMPTION_DESK_BROWSER: path.join(import.meta.dirname, "..", "bin", "fake-browser.sh"),
      FAKE_BROWSER_LOG: morganBrowserLog,
    },
    { port: 4446 },
  );
  for (const app of Object.values(apps)) await useRequestTable(app.browser);
});
after(async () => {
  for (const app of Object.values(apps)) await app.stop();
  sim?.stop();
});

/** Runs `steps` in one user's instance; on failure, a screenshot and what that app printed. */
async function as(who, name, steps) {
  const app = apps[who];
  try {
    return await steps(app.browser);
  } catch (e) {
    await screenshot(app.browser, `e2e-requests-${name}-failed`).catch(() => {});
    throw new Error(`${who}: ${e.message}\n--- app said:\n${app.output().slice(-4000)}`, { cause: e });
  }
}

/** The register's rows for a requester, as the simulator stores them. */
async function rowsOf(upn) {
  return (await sim.tableEntities(account, table)).filter((e) => e.RequestedBy === upn);
}

async function waitForRow(upn, predicate, what) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = (await rowsOf(upn)).filter(predicate);
    if (rows.length > 0) return rows;
    if (Date.now() > deadline) throw new Error(`no register row ${what}: ${JSON.stringify(await rowsOf(upn))}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

// ---- The screens: what a user clicks. ----

/** The button reading `text`, once it can be clicked (checks can take a while). */
async function click(browser, text, timeout = 60_000) {
  const found = await browser.$(`//button[normalize-space()="${text}"]`);
  await found.waitForExist({ timeout, timeoutMsg: `no "${text}" button` });
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), found);
  await found.waitForClickable({ timeout, timeoutMsg: `"${text}" cannot be clicked` });
  await found.click();
}

/** Settings → this tenant profile's requests: the simulator's register. */
async function useRequestTable(browser) {
  await (await button(browser, "Settings")).click();
  await choose(browser, "In an Azure Table shared by the tenant");
  const endpoint = await control(browser, "Table service endpoint");
  await endpoint.clearValue();
  await endpoint.setValue(sim.tableEndpoint(account));
  const name = await control(browser, "Table name");
  await name.clearValue();
  await name.setValue(table);
  await click(browser, "Save request settings");
  await (
    await browser.$('[data-testid="request-settings-saved"]')
  ).waitForExist({
    timeout: 20_000,
    timeoutMsg: "the request table was not saved",
  });
  await (await button(browser, "Recommendations")).click();
}

/**
 * The Exempt pane filled for a waiver at Shared Services, then *Request
 * approval*: the only choice for someone who may not write; from the preview,
 * beside Create, for someone who may (`canWrite`).
 */
async function requestApproval(browser, { name, justification, ticket, canWrite = false }) {
  await leaveDrawers(browser);
  await (await button(browser, "Recommendations")).click();
  await openRecommendation(browser, seed.recommendation.searchFor, seed.recommendation.displayName);
  await choose(browser, "Contoso Shared Services");
  await type(browser, "Name", name);
  await type(browser, "Display name", `Request ${name} (e2e)`);
  await choose(browser, "Set an expiration date");
  await setNativeValue(browser, await control(browser, "Expires on"), "2031-03-31");
  await choose(browser, "Risk accepted (waiver)");
  await type(browser, "Description", "Accepted until the 2031 network redesign.");
  if (canWrite) await click(browser, "Preview");
  try {
    await click(browser, "Request approval");
  } catch (e) {
    const checks = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="checks"] [data-check-kind]')].map(
        (c) => `${c.getAttribute("data-check-kind")}=${c.getAttribute("data-check-status")}: ${c.textContent}`,
      ),
    );
    throw new Error(`${e.message}; the checks said: ${checks.join(" | ")}`, { cause: e });
  }
  await type(browser, "Justification", justification);
  await type(browser, "Ticket reference or link", ticket);
  await screenshot(browser, `e2e-requests-form-${name}`);
  await click(browser, "Send request");
  const done = await browser.$('[data-testid="request-done"]');
  await done.waitForExist({ timeout: 30_000, timeoutMsg: "the request was not confirmed" });
  assert.match(await done.getText(), /Request sent/);
  await click(browser, "Close");
}

/** Closes whatever pane an earlier test left open in this shared instance (Escape, as a user would). */
async function leaveDrawers(browser) {
  const open = async () => (await browser.$$('[role="dialog"], [role="alertdialog"]')).length;
  for (let i = 0; i < 6 && (await open()) > 0; i++) {
    await browser.keys("Escape");
    await browser.pause(600);
  }
  // A pane that slides out is still in the page for a moment. Escape alone must do:
  // after a decision the pane keeps the focus (its buttons are gone, not the focus).
  await browser.waitUntil(async () => (await open()) === 0, {
    timeout: 10_000,
    timeoutMsg: "a pane stays open after Escape",
  });
}

/** Requests screen, a view, then the request whose row mentions `text` (its ticket). */
async function openRequest(browser, view, text) {
  await leaveDrawers(browser);
  // Leaving and coming back reads the register again (the other desk acted meanwhile).
  await (await button(browser, "Recommendations")).click();
  await (await button(browser, "Requests")).click();
  // A Fluent tab holds its label twice (once hidden, to keep its bold width), so match by containment.
  const tab = await browser.$(`//*[@role="tab"][contains(normalize-space(), "${view}")]`);
  await tab.waitForClickable({ timeout: 30_000, timeoutMsg: `no "${view}" tab` });
  await tab.click();
  const row = await browser.$(`//*[@data-testid="request-row"][contains(., "${text}")]`);
  await row.waitForExist({ timeout: 30_000, timeoutMsg: `no request mentioning "${text}" in ${view}` });
  await (await row.$('[role="gridcell"], td')).click();
  const pane = await browser.$('[data-testid="request-review"]');
  await pane.waitForDisplayed({ timeout: 30_000, timeoutMsg: "the review pane did not open" });
  return pane;
}

// ---- The tests ----

test("a reader requests, an Owner approves and applies under his own name", async () => {
  const ticket = "CHG-4242";
  await as("riley", "request", async (browser) => {
    await requestApproval(browser, { name: "e2e-approved", justification: "Partner ingest needs it.", ticket });
    await screenshot(browser, "e2e-requests-sent");
  });
  const [pending] = await waitForRow(seed.reader, (e) => e.State === "Pending", "Pending");
  assert.equal(pending.RequesterObjectId, seed.readerObjectId);
  assert.equal((await sim.requests()).filter((r) => r.method === "PUT" && /policyExemptions/i.test(r.path)).length, 0);

  await as("morgan", "approve", async (browser) => {
    const pane = await openRequest(browser, "Awaiting my decision", ticket);
    assert.ok((await pane.getText()).includes(seed.reader), "the review names the requester");
    await click(browser, "Approve and apply");
    await screenshot(browser, "e2e-requests-review");
    const confirm = await browser.$(`//button[starts-with(normalize-space(), "Approve and write")]`);
    await confirm.waitForClickable({ timeout: 30_000, timeoutMsg: "no confirmation of the approval" });
    await confirm.click();
    const done = await browser.$('[data-testid="apply-progress"][data-finished="true"]');
    await done.waitForExist({ timeout: 90_000, timeoutMsg: "the apply did not finish" });
    await screenshot(browser, "e2e-requests-applied");
  });

  const puts = (await sim.requests()).filter(
    (r) => r.method === "PUT" && /policyExemptions\/e2e-approved/i.test(r.path),
  );
  assert.ok(puts.length > 0, "the approval wrote the exemptions");
  for (const put of puts) {
    assert.equal(put.status, 201, put.path);
    assert.equal(put.token?.oid, seed.ownerObjectId, `${put.path} was sent with the approver's token`);
    assert.equal(put.principal, seed.owner);
    const metadata = put.body.properties.metadata;
    for (const key of [
      "requestId",
      "requestedBy",
      "requestedByObjectId",
      "requestedAt",
      "approvedBy",
      "approvedByObjectId",
      "approvedAt",
      "ticket",
    ]) {
      assert.ok(metadata[key], `metadata.${key} in ${JSON.stringify(metadata)}`);
    }
    assert.equal(metadata.requestedBy, seed.reader);
    assert.equal(metadata.requestedByObjectId, seed.readerObjectId);
    assert.equal(metadata.approvedBy, seed.owner);
    assert.equal(metadata.approvedByObjectId, seed.ownerObjectId);
    assert.equal(metadata.ticket, ticket);
    assert.equal(metadata.requestId, pending.RowKey);
    const written = await armGet(sim, `${put.path}?api-version=2022-07-01-preview`);
    assert.equal(written.systemData.createdBy, seed.owner, "Azure records the approver as the creator");
  }
  await waitForRow(seed.reader, (e) => e.RowKey === pending.RowKey && e.State === "Applied", "Applied");

  await as("riley", "see-applied", async (browser) => {
    const pane = await openRequest(browser, "My requests", ticket);
    await browser.waitUntil(async () => (await pane.getText()).includes("Applied"), {
      timeout: 20_000,
      timeoutMsg: "the requester does not see Applied",
    });
  });
});

test("a rejection reaches the requester with its reason", async () => {
  const reason = "Not without a compensating control.";
  const ticket = "https://tickets.contoso.example/CHG-4343";
  await as("riley", "request-2", (browser) =>
    requestApproval(browser, { name: "e2e-rejected", justification: "Legacy client.", ticket }),
  );
  const [pending] = await waitForRow(seed.reader, (e) => e.State === "Pending", "Pending");
  await as("morgan", "reject", async (browser) => {
    const pane = await openRequest(browser, "Awaiting my decision", ticket);
    // The ticket is a link: the system browser is handed the stored address.
    await (await pane.$(`.//button[contains(normalize-space(), "CHG-4343")]`)).click();
    await browser.waitUntil(
      () => {
        try {
          return readFileSync(morganBrowserLog, "utf8").includes(`opened: ${ticket}\n`);
        } catch {
          return false;
        }
      },
      { timeout: 20_000, timeoutMsg: "the ticket did not open in the browser" },
    );
    await click(browser, "Reject");
    await type(browser, "Reason for rejecting", reason);
    await click(browser, "Reject request");
    await browser.waitUntil(async () => (await pane.getText()).includes("Rejected"), {
      timeout: 20_000,
      timeoutMsg: "the rejection was not shown",
    });
  });
  await waitForRow(seed.reader, (e) => e.RowKey === pending.RowKey && e.State === "Rejected", "Rejected");
  await as("riley", "see-rejected", async (browser) => {
    const pane = await openRequest(browser, "My requests", ticket);
    await browser.waitUntil(
      async () => /Rejected/.test(await pane.getText()) && (await pane.getText()).includes(reason),
      {
        timeout: 20_000,
        timeoutMsg: "the requester does not see Rejected with the reason",
      },
    );
    await screenshot(browser, "e2e-requests-rejected");
  });
  assert.equal((await sim.requests()).filter((r) => r.method === "PUT" && /e2e-rejected/i.test(r.path)).length, 0);
});

test("nobody approves their own request", async () => {
  await as("morgan", "self", async (browser) => {
    const ticket = "CHG-4444";
    await requestApproval(browser, { name: "e2e-self", justification: "Mine.", ticket, canWrite: true });
    const pane = await openRequest(browser, "My requests", ticket);
    const refusal = await pane.$('[data-testid="cannot-approve"]');
    await refusal.waitForExist({ timeout: 30_000, timeoutMsg: "the review pane does not say why he cannot approve" });
    assert.match(await refusal.getText(), /your own request/i);
    const approve = await browser.$(`//button[normalize-space()="Approve and apply"]`);
    assert.ok(!(await approve.isExisting()) || !(await approve.isEnabled()), "Approve and apply is not offered");
    await screenshot(browser, "e2e-requests-own");
  });
  const [own] = await rowsOf(seed.owner);
  assert.equal(own?.State, "Pending");
  assert.equal((await sim.requests()).filter((r) => r.method === "PUT" && /e2e-self/i.test(r.path)).length, 0);
});
