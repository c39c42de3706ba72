// Signing in like a desktop app: from the demo tenant, the user opens
// Connect, chooses a browser sign-in against custom endpoints (the
// simulator), the "system browser" comes back to the app's loopback
// listener, and the app is then that user in that tenant. Afterwards no
// token, authorization code, PKCE verifier or secret is found in the app's
// data folder, WebKit's folders for the app, or its trace-level log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { appAgainstSimulator, screenshot } from "../lib/harness.mjs";
import { type, choose, button, openRecommendation, previewAndCreate, startConnect, headerAccount } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";
import { APP_IDENTIFIER, assertNoSecrets, base64url, privateKeyLines, scanForSecrets } from "../lib/secrets.mjs";

const browserLog = path.join(tmpdir(), `desk-fake-browser-${process.pid}.log`);
writeFileSync(browserLog, "");
const fakeBrowser = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "fake-browser.sh");
// Starts on the demo tenant (no EXEMPTION_DESK_ARM_ENDPOINT), as a newcomer would.
const session = appAgainstSimulator(async () => ({
  EXEMPTION_DESK_BROWSER: fakeBrowser,
  FAKE_BROWSER_LOG: browserLog,
  EXEMPTION_DESK_LOG: "trace",
}));

test("a browser sign-in with PKCE on a loopback redirect switches the app to that user", async (t) => {
  const { browser, sim } = session;
  const principals = await sim.principals();
  await browser.waitUntil(
    async () =>
      (await browser.execute(() => document.querySelector('[data-testid="session-account"]')?.textContent)) ===
      "alex.admin@contoso.example",
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
  const exchanges = (await sim.requests()).filter(
    (r) => r.path.endsWith("/oauth2/v2.0/token") && r.body?.grant_type === "authorization_code",
  );
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
  assert.equal(
    put.body.properties.metadata.requestedByObjectId,
    seed.ownerObjectId,
    "the user's object id is recorded too",
  );

  const { scanned, webkit, challenges } = await assertNoSecrets(assert, session);
  assert.ok(challenges >= 1, "the PKCE verifier was looked for");
  t.diagnostic(
    `scanned ${scanned.length} files (${webkit} of WebKit's for the app) and the log; ${challenges} PKCE challenge(s)`,
  );
});

test("the scan finds each kind of secret it looks for", async () => {
  // Planted in WebKit's data folder for the app, one kind per file.
  const dir = path.join(session.app.xdgDataHome, APP_IDENTIFIER, "planted");
  mkdirSync(dir, { recursive: true });
  const verifier = "v".repeat(20) + "PlantedVerifier_-" + "x".repeat(20);
  const keyLine = `a key pasted without its armour: ${privateKeyLines()[0]}`;
  const planted = {
    jwt: "Bearer eyJhbGciOiJSUzI1NiJ9.eyJ0aWQiOiJ4In0.sig",
    refresh: "simrt.abcdefghijklmnop",
    code: "?code=simcode.abcdefghijklmnop&state=x",
    verifier: `code_verifier=${verifier}`,
    pem: "-----BEGIN RSA PRIVATE KEY-----",
    keyLine,
    password: "pw=planted-certificate-password",
  };
  for (const [name, text] of Object.entries(planted)) writeFileSync(path.join(dir, name), text);
  const challenge = base64url(createHash("sha256").update(verifier).digest());
  const { leaks } = await scanForSecrets(session, {
    passwords: ["planted-certificate-password"],
    challenges: [challenge],
  });
  const found = (name) => leaks.filter((l) => l.startsWith(path.join(dir, name) + ":"));
  for (const name of Object.keys(planted))
    assert.ok(found(name).length > 0, `the planted ${name} is found: ${leaks.join("; ")}`);
  assert.match(found("verifier").join(), /a PKCE verifier/);
  assert.match(found("code").join(), /an authorization code/);
  assert.match(found("keyLine").join(), /a line of a private key/);
  rmSync(dir, { recursive: true });
});
