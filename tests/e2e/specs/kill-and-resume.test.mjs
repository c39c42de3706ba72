// Crash safety of a bulk apply in the real app: while the writes of a
// selected-resources exemption are going out (slowly: the simulator delays
// each PUT), the app is killed with SIGKILL. Started again on the same data
// folder, it shows the interrupted apply; Resume sends what was not confirmed,
// and in the end every exemption exists exactly once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { appBinary, screenshot, servicePrincipalEnv, startApp, startSimulator } from "../lib/harness.mjs";
import { type, button, choose, openRecommendation, preview } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";

const PUT_DELAY_MS = 1_500;
let sim;
let app;
let env;

before(async () => {
  sim = await startSimulator();
  const slowPuts = await fetch(`${sim.url}/_sim/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      rules: [{ pathPattern: "/**/policyExemptions/*", methods: ["PUT"], latencyMs: { fixed: PUT_DELAY_MS } }],
    }),
  });
  assert.equal(slowPuts.status, 200);
  env = {
    ...(await servicePrincipalEnv(sim, seed.servicePrincipal)),
    EXEMPTION_DESK_DATA_DIR: mkdtempSync(path.join(tmpdir(), "desk-e2e-kill-")),
    EXEMPTION_DESK_APPLY_CONCURRENCY: "1",
  };
});

after(async () => {
  await app?.stop();
  sim?.stop();
});

// Every write of the apply: one per resource and initiative (extra initiatives add a suffix).
const exemptionPuts = async (name) =>
  (await sim.requests()).filter((r) => r.method === "PUT" && r.path.includes(`/policyExemptions/${name}`));

function killApp() {
  // The app is WebKitWebDriver's child; SIGKILL gives it no chance to tidy up.
  execFileSync("pkill", ["-KILL", "-f", `^${appBinary}( |$)`]);
}

test("an apply killed midway resumes on the next start and writes each exemption exactly once", async () => {
  app = await startApp(env);
  let browser = app.browser;
  await openRecommendation(browser, seed.recommendation.searchFor, seed.recommendation.displayName);
  await choose(browser, "Selected resources");
  await browser.waitUntil(async () => (await browser.$$('[data-testid="resource-row"]')).length >= 3, {
    timeout: 30_000,
    timeoutMsg: "too few unhealthy resources listed",
  });
  await choose(browser, "Select all");
  await type(browser, "Name", "e2e-killed");
  await choose(browser, "Risk accepted (waiver)");
  await preview(browser);
  // The preview list is virtualised: the count comes from the confirm button.
  const create = await browser.$('//button[starts-with(normalize-space(), "Create ") and contains(., " exemptions")]');
  await create.waitForClickable({ timeout: 20_000 });
  const count = Number(/Create (\d+) exemptions/.exec(await create.getText())?.[1]);
  assert.ok(count >= 3, `enough writes to be interrupted, got ${count}`);
  await create.click();

  await browser.waitUntil(async () => (await exemptionPuts("e2e-killed")).length >= 1, {
    timeout: 30_000,
    timeoutMsg: "no write reached the simulator",
  });
  await screenshot(browser, "e2e-kill-before");
  const answeredBeforeKill = (await exemptionPuts("e2e-killed")).map((r) => r.path);
  killApp();
  await app.stop();
  app = null;
  // Let a write that was in flight when the app died land.
  await new Promise((r) => setTimeout(r, PUT_DELAY_MS + 500));
  const before = new Set((await exemptionPuts("e2e-killed")).map((r) => r.path));
  assert.ok(before.size >= 1 && before.size < count, `killed midway: ${before.size} of ${count} written`);

  app = await startApp(env);
  browser = app.browser;
  const resume = await button(browser, "Resume");
  await screenshot(browser, "e2e-kill-interrupted");
  await resume.click();
  await browser.$('[data-testid="apply-progress"][data-finished="true"]').waitForExist({
    timeout: 120_000,
    timeoutMsg: "the resumed apply did not finish",
  });
  await screenshot(browser, "e2e-kill-resumed");
  const states = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="apply-item"]')].map((i) => i.dataset.state),
  );
  assert.equal(states.length, count, "the resumed apply shows every write");
  assert.ok(
    states.every((s) => s === "Succeeded"),
    `every write succeeded: ${states}`,
  );

  const puts = await exemptionPuts("e2e-killed");
  const paths = new Set(puts.map((r) => r.path));
  assert.equal(paths.size, count, "every chosen resource has its exemption");
  // Answered (and so journaled) well before the kill: not sent again. The
  // last one answered may not have been journaled yet, and one in flight is
  // unconfirmed: those two may be sent again, which PUT makes harmless.
  for (const p of answeredBeforeKill.slice(0, -1)) {
    assert.equal(puts.filter((r) => r.path === p).length, 1, `${p} was confirmed before the kill and not sent again`);
  }
  const created = puts.filter((r) => r.status === 201).map((r) => r.path);
  assert.equal(new Set(created).size, created.length, "no exemption was created twice");
});
