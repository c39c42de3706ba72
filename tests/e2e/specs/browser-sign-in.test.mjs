// Signing in like a desktop app: from the demo tenant, the user opens
// Connect, chooses a browser sign-in against custom endpoints (the
// simulator), the "system browser" comes back to the app's loopback
// listener, and the app is then that user in that tenant. Afterwards no
// token or secret is found in the app's data folder or its logs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { appAgainstSimulator, screenshot } from "../lib/harness.mjs";
import { type, choose, button, openRecommendation, previewAndCreate, startConnect, headerAccount } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";

const browserLog = path.join(tmpdir(), `desk-fake-browser-${process.pid}.log`);
writeFileSync(browserLog, "");
const fakeBrowser = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "fake-browser.sh");
// Starts on the demo tenant (no EXEMPTION_DESK_ARM_ENDPOINT), as a newcomer would.
const session = appAgainstSimulator(async () => ({ EXEMPTION_DESK_BROWSER: fakeBrowser, FAKE_BROWSER_LOG: browserLog }));

test("a browser sign-in with PKCE on a loopback redirect switches the app to that user", async () => {
  const { browser, sim } = session;
  const principals = await sim.principals();
  await browser.waitUntil(
    async () => (await browser.execute(() => document.querySelector('[data-testid="session-account"]')?.textContent)) === "alex.admin@contoso.example",
    { timeout: 60_000, timeoutMsg: "the demo tenant did not open" },
  );
  await startConnect(browser, sim, { profile: "Contoso (simulator)", tenant: principals.tenantId, method: "Browser" });
  await type(browser, "Client id", principals.publicClientId);
  await type(browser, "Account (optional)", seed.owner);
  await screenshot(browser, "e2e-connect");
  await (await button(browser, "Sign in")).click();
  await browser
    .waitUntil(async () => (await headerAccount(browser)) === seed.owner, { timeout: 60_000 })
    .catch(async () => {
      await screenshot(browser, "e2e-sign-in-failed");
      throw new Error(`the header never showed the signed-in user; the app said:\n${session.output().slice(-3000)}`);
    });
  await screenshot(browser, "e2e-signed-in");
  const header = await browser.execute(() => document.querySelector("header")?.textContent ?? "");
  assert.match(header, /Contoso \(simulator\)/, "the profile is named in the header");
  assert.match(header, new RegExp(principals.tenantId), "the tenant is shown");
  assert.match(header, /Custom endpoints/, "the cloud is shown");

  const said = readFileSync(browserLog, "utf8");
  assert.match(said, /code_challenge_method=S256/, "PKCE S256");
  assert.match(said, /redirect: http:\/\/127\.0\.0\.1:\d+\//, "a loopback redirect");
  assert.match(said, /return to Exemption Desk/, "the browser was told to go back to the app");
  const exchanges = (await sim.requests()).filter((r) => r.path.endsWith("/oauth2/v2.0/token") && r.body?.grant_type === "authorization_code");
  assert.equal(exchanges.length, 1, "one code redeemed");
  assert.ok(exchanges[0].body.code_verifier, "with the PKCE verifier");
  assert.equal(exchanges[0].status, 200);

  // Work as that user, then look for secrets where they must never be.
  await openRecommendation(browser, seed.recommendation.searchFor, seed.recommendation.displayName);
  await choose(browser, seed.subscriptions[0].displayName);
  await type(browser, "Name", "e2e-signed-in");
  await choose(browser, "Risk accepted (waiver)");
  await previewAndCreate(browser);
  const put = (await sim.requests()).find((r) => r.method === "PUT" && r.path.endsWith("/e2e-signed-in"));
  assert.equal(put.principal, seed.owner, "written as the signed-in user");
  assert.equal(put.body.properties.metadata.requestedBy, seed.owner);
  assert.equal(put.body.properties.metadata.requestedByObjectId, seed.ownerObjectId, "the user's object id is recorded too");

  const leaks = [];
  const look = (where, text) => {
    for (const pattern of [/simrt\.[A-Za-z0-9_-]{8,}/, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, /demo~ExemptionDeskCI/]) {
      if (pattern.test(text)) leaks.push(`${where} matches ${pattern}`);
    }
  };
  for (const file of readdirSync(session.app.dataDir)) {
    look(file, readFileSync(path.join(session.app.dataDir, file)).toString("latin1"));
  }
  look("the app's log", session.output());
  assert.deepEqual(leaks, [], "no token or secret on disk or in logs");
});
