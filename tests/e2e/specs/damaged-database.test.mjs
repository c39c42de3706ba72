// A damaged local database is said in the window, with the file and the
// reason; the user moves it aside (kept, byte for byte) and the app starts
// on a fresh database, private to the user.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { appAgainstSimulator, userEnv, screenshot } from "../lib/harness.mjs";
import { button, headerAccount } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";

const dataDir = mkdtempSync(path.join(tmpdir(), "desk-e2e-damaged-"));
const database = path.join(dataDir, "exemption-desk.sqlite");
const garbage = Buffer.from("this was a database until a disk went bad\n".repeat(500));
writeFileSync(database, garbage);

const session = appAgainstSimulator(async (sim) => ({
  ...(await userEnv(sim, seed.owner)),
  EXEMPTION_DESK_DATA_DIR: dataDir,
}));

test("a damaged database is named with its reason, moved aside on request, and a fresh one is used", async () => {
  const { browser } = session;
  const problem = await browser.$('[data-testid="database-problem"]');
  await problem.waitForDisplayed({
    timeout: 60_000,
    timeoutMsg: "the damaged database was not reported in the window",
  });
  assert.equal(await problem.getAttribute("role"), "alertdialog");
  const said = await problem.getText();
  assert.match(said, /The local database can't be used/);
  assert.ok(said.includes(database), `the file is named: ${said}`);
  assert.match(said, /The file is not an SQLite database/, "the reason");
  assert.deepEqual(readFileSync(database), garbage, "nothing was written to it");
  await screenshot(browser, "e2e-database-damaged");

  await (await button(browser, "Move aside and start fresh")).click();
  const fresh = await browser.$('[role="dialog"][aria-label="A fresh local database"]');
  await fresh.waitForDisplayed({ timeout: 20_000 });
  const kept = readdirSync(dataDir).filter((f) => f.startsWith("exemption-desk.sqlite.damaged-"));
  assert.equal(kept.length, 1, `moved aside: ${readdirSync(dataDir)}`);
  assert.ok((await fresh.getText()).includes(path.join(dataDir, kept[0])), "the dialog says where it went");
  assert.deepEqual(readFileSync(path.join(dataDir, kept[0])), garbage, "kept byte for byte");
  await (await button(browser, "OK")).click();

  await browser.waitUntil(async () => (await headerAccount(browser)) === seed.owner, {
    timeout: 60_000,
    timeoutMsg: "the app did not open",
  });
  assert.equal(readFileSync(database).subarray(0, 15).toString(), "SQLite format 3", "a fresh database");
  assert.equal(statSync(database).mode & 0o777, 0o600, "the database is private to the user");
  assert.equal(statSync(dataDir).mode & 0o777, 0o700, "so is its folder");
});
