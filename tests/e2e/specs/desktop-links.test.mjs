// At home on the desktop: one instance, links and request files from
// outside, a log file a user can find. The app runs on a session bus of this
// test's own (a private dbus-daemon), where the single-instance plugin owns
// the app's name; a second launch of the real binary on that bus hands its
// arguments over and exits. What reached the running app is read from its
// log file (in the log folder under the test's own XDG data folder), what
// the window did through WebDriver.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSimulator, startApp, servicePrincipalEnv, appBinary, screenshot } from "../lib/harness.mjs";
import { start, firstLine, stop } from "../lib/processes.mjs";

const IDENTIFIER = "app.exemptiondesk.desktop";
const REQUEST_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
const EXEMPTION_ID =
  "/subscriptions/7e1e376c-0a32-45d3-9c1d-6adb8eccc958/resourceGroups/rg-dev-apps" +
  "/providers/Microsoft.Authorization/policyExemptions/dev-apps-functions-https";

const stopping = [];
after(async () => {
  for (const s of stopping.reverse()) await s();
});

async function sessionBus() {
  const daemon = start("dbus-daemon", ["--session", "--nofork", "--print-address=1"], { name: "dbus-daemon" });
  stopping.push(() => stop(daemon));
  return (await firstLine(daemon)).trim();
}

/** A home of the test's own: data, config and the log folder inside it. */
function freshHome() {
  const home = mkdtempSync(path.join(tmpdir(), "desk-e2e-desktop-"));
  return {
    home,
    env: {
      HOME: home,
      XDG_DATA_HOME: path.join(home, "data"),
      XDG_CONFIG_HOME: path.join(home, "config"),
      XDG_CACHE_HOME: path.join(home, "cache"),
      EXEMPTION_DESK_DATA_DIR: path.join(home, "desk-data"),
    },
    log: path.join(home, "data", IDENTIFIER, "logs", "exemption-desk.log"),
  };
}

const readLog = (file) => (existsSync(file) ? readFileSync(file, "utf8") : "");

async function waitFor(what, ms, check) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} within ${ms} ms`);
}

/** Runs the binary as a second launch; resolves with its exit code (it must not stay). */
function secondLaunch(args, { env, cwd }) {
  return new Promise((resolve, reject) => {
    const child = execFile(appBinary, args, { env: { ...process.env, ...env }, cwd, timeout: 30_000 }, (error) => {
      if (error && error.killed) reject(new Error(`the second launch was still running after 30 s: ${error.message}`));
      else resolve(child.exitCode);
    });
  });
}

test("a second launch hands its links and files to the running app and exits", async () => {
  const bus = await sessionBus();
  const { home, env, log } = freshHome();
  const runEnv = { ...env, DBUS_SESSION_BUS_ADDRESS: bus, EXEMPTION_DESK_LOG: "info" };
  const first = start(appBinary, [], { env: runEnv, name: "exemption-desk (first)" });
  stopping.push(() => stop(first));
  await waitFor("the first launch logged it started", 60_000, () =>
    /started; links and files/.test(readLog(log)),
  ).catch((e) => {
    throw new Error(`${e.message}; it said:\n${first.output.join("")}`);
  });

  const inbox = path.join(home, "inbox");
  mkdirSync(inbox, { recursive: true });
  writeFileSync(path.join(inbox, "ask.exemption-request.json"), "{}");
  const code = await secondLaunch(
    [`exemption-desk://request/${REQUEST_ID}`, "ask.exemption-request.json", "exemption-desk://request/nope"],
    { env: runEnv, cwd: inbox },
  );
  assert.equal(code, 0, "the second launch exits once the first took its arguments");
  assert.equal(first.exitCode, null, "the first is still running: one instance");

  await waitFor("the first launch logged what it was handed", 10_000, () =>
    readLog(log).includes("a second launch handed over its arguments"),
  );
  const text = readLog(log);
  assert.match(text, new RegExp(`asked to open target=Request \\{ id: "${REQUEST_ID}" \\}`));
  assert.ok(
    text.includes(`RequestFile { path: "${path.join(inbox, "ask.exemption-request.json")}" }`),
    "the relative path is taken from the second launch's folder",
  );
  assert.match(text, /cannot be opened: "exemption-desk:\/\/request\/nope" is not a link the app can open/);
  assert.equal(
    (text.match(/started; links and files/g) ?? []).length,
    1,
    "only the first launch got as far as opening the database",
  );
});

test("a deep link given at launch opens the register at that exemption", async () => {
  const sim = await startSimulator();
  stopping.push(() => sim.stop());
  const bus = await sessionBus();
  const { env, log } = freshHome();
  const link = `exemption-desk://exemption${EXEMPTION_ID}`;
  const app = await startApp(
    { ...(await servicePrincipalEnv(sim, "exemption-desk-ci")), ...env, DBUS_SESSION_BUS_ADDRESS: bus },
    { args: [link] },
  );
  stopping.push(() => app.stop());
  const { browser } = app;
  try {
    const chip = await browser.$(`//button[normalize-space()="Only the 1 sent here"]`);
    await chip.waitForExist({ timeout: 60_000 });
    const row = await browser.$(`//*[contains(normalize-space(), "Dev function apps sit behind Front Door")]`);
    await row.waitForExist({ timeout: 60_000 });
    await screenshot(browser, "desktop-links-deep-link");
  } catch (e) {
    await screenshot(browser, "desktop-links-deep-link-failed");
    throw new Error(`${e.message}\n--- the app said:\n${app.output()}`, { cause: e });
  }
  assert.match(readLog(log), /asked to open target=Exemption/);

  // A malformed link from a second launch changes nothing on screen.
  const code = await secondLaunch(["exemption-desk://exemption/subscriptions/not-a-sub"], {
    env: { ...env, DBUS_SESSION_BUS_ADDRESS: bus },
    cwd: tmpdir(),
  });
  assert.equal(code, 0);
  await waitFor("the refusal in the log", 10_000, () => /must name a policy exemption/.test(readLog(log)));
  assert.ok(await browser.$(`//button[normalize-space()="Only the 1 sent here"]`).isExisting(), "the register stays");
});
