// The sign-in methods besides the browser, each from the Connect screen of
// the real app against the simulator's Entra:
// - a service principal with a certificate (first one Entra does not know,
//   which is refused with advice while the form keeps what was typed, then
//   the registered .pfx with its password);
// - a device code, whose page the app opens in the system browser, approved
//   "on another device";
// - the Azure CLI session (a stand-in `az` on PATH).
// No password, key, code or token ends up in the app's data folder,
// WebKit's folders for the app, or its trace-level log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { appAgainstSimulator, repoRoot, screenshot } from "../lib/harness.mjs";
import { type, button, control, setNativeValue, startConnect, headerAccount } from "../lib/ui.mjs";
import { seed } from "../lib/seed.mjs";
import { assertNoSecrets } from "../lib/secrets.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const certificates = path.join(repoRoot, "src-tauri/crates/sim/data/certificates");
const PFX_PASSWORD = "demo-pfx-password";
const browserLog = path.join(tmpdir(), `desk-e2e-browser-${process.pid}.log`);
const azLog = path.join(tmpdir(), `desk-e2e-az-${process.pid}.log`);
writeFileSync(browserLog, "");
writeFileSync(azLog, "");

const session = appAgainstSimulator(async (sim) => {
  const principals = await sim.principals();
  const ci = principals.servicePrincipals.find((p) => p.displayName === seed.servicePrincipal);
  return {
    EXEMPTION_DESK_BROWSER: path.join(here, "..", "bin", "fake-browser.sh"),
    FAKE_BROWSER_LOG: browserLog,
    PATH: `${path.join(here, "..", "bin", "cli")}:${process.env.PATH}`,
    FAKE_AZ_LOG: azLog,
    FAKE_AZ_SIM_URL: sim.url,
    FAKE_AZ_CLIENT_ID: ci.clientId,
    FAKE_AZ_CLIENT_SECRET: ci.clientSecret,
    EXEMPTION_DESK_LOG: "trace",
  };
});

async function principals() {
  const all = await session.sim.principals();
  return {
    tenantId: all.tenantId,
    publicClientId: all.publicClientId,
    ci: all.servicePrincipals.find((p) => p.displayName === seed.servicePrincipal),
  };
}

async function signedInAs(account, what) {
  const { browser } = session;
  await browser
    .waitUntil(async () => (await headerAccount(browser)) === account, { timeout: 60_000 })
    .catch(async () => {
      await screenshot(browser, `e2e-${what}-failed`);
      throw new Error(`the header never showed ${account} (${what}); the app said:\n${session.output().slice(-3000)}`);
    });
}

const dialogText = () => session.browser.execute(() => document.querySelector('[role="dialog"]')?.textContent ?? "");

test("a service principal signs in with a certificate; an unregistered one is refused with advice", async () => {
  const { browser, sim } = session;
  const { tenantId, ci } = await principals();
  await signedInAs("alex.admin@contoso.example", "demo");
  await startConnect(browser, sim, {
    profile: "CI (certificate)",
    tenant: tenantId,
    method: "Service principal (certificate)",
  });
  await type(browser, "Client id", ci.clientId);
  await type(browser, "Certificate file", path.join(certificates, "unregistered.pem"));
  await (await button(browser, "Sign in")).click();
  await browser.waitUntil(async () => /upload its public certificate/.test(await dialogText()), {
    timeout: 30_000,
    timeoutMsg: "the refusal of an unregistered certificate was not shown",
  });
  assert.doesNotMatch(await dialogText(), /AADSTS700027/, "Entra's own words wait behind a link");
  await (await button(browser, "Entra's message")).click();
  await browser.waitUntil(async () => /AADSTS700027/.test(await dialogText()), {
    timeout: 5_000,
    timeoutMsg: "Entra's message did not open",
  });
  await screenshot(browser, "e2e-certificate-refused");
  assert.equal(await (await control(browser, "Profile name")).getValue(), "CI (certificate)", "what was typed stays");
  assert.equal(await (await control(browser, "Client id")).getValue(), ci.clientId);

  await setNativeValue(
    browser,
    await control(browser, "Certificate file"),
    path.join(certificates, "exemption-desk-ci.pfx"),
  );
  await type(browser, "Certificate password (optional)", PFX_PASSWORD);
  await browser.execute(() => document.querySelector('input[name="clientId"]')?.scrollIntoView({ block: "start" }));
  await screenshot(browser, "e2e-certificate-form");
  await (await button(browser, "Sign in")).click();
  await signedInAs(ci.clientId, "certificate");
  await screenshot(browser, "e2e-certificate-signed-in");

  const tokens = (await sim.requests()).filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
  const assertions = tokens.filter(
    (r) => r.body?.client_assertion_type === "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
  );
  assert.equal(assertions.filter((r) => r.status === 401).length, 1, "the unregistered certificate was refused once");
  assert.ok(
    assertions.some((r) => r.status === 200),
    "the registered one got a token",
  );
  assert.ok(!tokens.some((r) => r.body?.client_secret), "no client secret was sent");
  const listed = (await sim.requests()).filter(
    (r) => r.path === "/subscriptions" && r.principal === ci.clientId && r.status === 200,
  );
  assert.ok(listed.length > 0, "the app read the tenant as the service principal");
});

test("a device code: the app opens Entra's page in the browser and signs in once it is approved elsewhere", async () => {
  const { browser, sim } = session;
  const { tenantId, publicClientId } = await principals();
  await startConnect(browser, sim, { profile: "Contoso (device code)", tenant: tenantId, method: "Device code" });
  await type(browser, "Client id", publicClientId);
  await (await button(browser, "Sign in")).click();
  const code = await browser.waitUntil(
    () => browser.execute(() => document.querySelector('[data-testid="device-user-code"]')?.textContent ?? null),
    { timeout: 30_000, timeoutMsg: "no device code was shown" },
  );
  await browser.execute(() =>
    document.querySelector('[data-testid="device-code-prompt"]')?.scrollIntoView({ block: "center" }),
  );
  await screenshot(browser, "e2e-device-code");
  await (await button(browser, "Open sign-in page")).click();
  await browser.waitUntil(async () => readFileSync(browserLog, "utf8").includes(`opened: ${sim.url}/devicelogin`), {
    timeout: 10_000,
    timeoutMsg: "the device-code page was not opened in the browser",
  });
  const approved = await fetch(`${sim.url}/_sim/devicecode/approve`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userCode: code, upn: seed.owner }),
  });
  assert.equal(approved.status, 200);
  await signedInAs(seed.owner, "device code");
  const redeemed = (await sim.requests()).filter(
    (r) => r.body?.grant_type === "urn:ietf:params:oauth:grant-type:device_code" && r.status === 200,
  );
  assert.equal(redeemed.length, 1, "the code was redeemed once");
});

test("the Azure CLI session signs in; nothing secret is left on disk or in the log", async () => {
  const { browser, sim } = session;
  const { tenantId, ci } = await principals();
  await startConnect(browser, sim, { profile: "Contoso (az)", tenant: tenantId, method: "Azure CLI session" });
  await (await button(browser, "Sign in")).click();
  await signedInAs(ci.clientId, "Azure CLI");
  const calls = readFileSync(azLog, "utf8");
  assert.match(calls, /account get-access-token/, "the CLI was asked for a token");
  assert.match(calls, new RegExp(`--tenant ${tenantId}`), "for the chosen tenant");

  await assertNoSecrets(assert, session, { passwords: [PFX_PASSWORD] });
});
