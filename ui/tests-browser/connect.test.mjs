// Browser test of the Connect screen in the built UI (ui/dist), IPC faked by
// fake-backend.mjs. Run: npm run test:browser
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, openBrowser } from "./browser.mjs";
import { FIXTURES, installFakeBackend } from "./fake-backend.mjs";

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

async function openApp(colorScheme, fixtures = FIXTURES) {
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

describe("Connect screen (built, IPC mocked)", () => {
  test("open Connect from the header, sign in with a service principal; the header and data follow", async () => {
    const { page, errors } = await openApp("light", { ...FIXTURES, keyringWarning: true });
    await page.getByText("Demo tenant").waitFor();
    await page.getByRole("button", { name: "Switch tenant", exact: true }).click();
    const connect = page.getByRole("dialog", { name: "Connect" });
    await connect.waitFor();
    const profiles = connect.getByRole("list", { name: "Remembered profiles" });
    await profiles.getByRole("listitem", { name: "contoso-prod" }).waitFor();

    await connect.getByRole("textbox", { name: "Profile name" }).fill("ci-robot");
    await connect.getByRole("radio", { name: "Service principal (secret)" }).check();
    await connect.getByRole("button", { name: "Sign in" }).click();
    // The form's own checks: nothing sent yet.
    await connect.getByText("A service principal signs in to one tenant: enter its id or domain.").waitFor();
    assert.equal((await calls(page, "sign_in")).length, 0);

    await connect.getByRole("textbox", { name: "Tenant" }).fill("fabrikam.onmicrosoft.com");
    await connect.getByRole("textbox", { name: "Client id" }).fill("0a1b2c3d-0000-4000-8000-00000000c1d0");
    await connect.getByLabel("Client secret").fill("not-a-real-secret");
    await shot(page, "connect-light");
    const recsBefore = (await calls(page, "list_recommendations")).length;
    await connect.getByRole("button", { name: "Sign in" }).click();
    await connect.getByText("Signing in as the service principal…").waitFor();
    await connect.waitFor({ state: "detached" });

    const sent = (await calls(page, "sign_in")).at(-1).args.request;
    assert.deepEqual(sent, {
      profileName: "ci-robot",
      cloud: { kind: "Public", authorityHost: null, armEndpoint: null, graphEndpoint: null },
      tenant: "fabrikam.onmicrosoft.com",
      method: "ServicePrincipal",
      clientId: "0a1b2c3d-0000-4000-8000-00000000c1d0",
      clientSecret: "not-a-real-secret",
      certificatePath: "",
      certificatePassword: "",
      loginHint: "",
    });
    await page.getByTestId("session-account").getByText("0a1b2c3d-0000-4000-8000-00000000c1d0").waitFor();
    await page.getByTestId("session-tenant").getByText("Tenant fabrikam.onmicrosoft.com").waitFor();
    await page.getByTestId("session-cloud").getByText("Azure", { exact: true }).waitFor();
    await page.getByTestId("session-profile").getByText("ci-robot").waitFor();
    await page.getByTestId("session-warning").getByText("No OS keyring is available", { exact: false }).waitFor();
    assert.equal(await page.getByText("Demo tenant").count(), 0);
    // The tenant changed: the data is fetched again.
    await page.waitForFunction(
      (n) => window.__ipcCalls.filter((c) => c.cmd === "list_recommendations").length > n,
      recsBefore,
    );
    await page.getByTestId("recommendation-row").first().waitFor();
    await shot(page, "connect-after-light");
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("dark: device code prompt, Cancel; Escape closes", async () => {
    const { page, errors } = await openApp("dark", { ...FIXTURES, signInMs: 60_000 });
    await page.getByRole("button", { name: "Switch tenant", exact: true }).click();
    const connect = page.getByRole("dialog", { name: "Connect" });
    await connect.getByRole("textbox", { name: "Profile name" }).fill("gov-2");
    await connect.getByRole("radio", { name: "Azure US Government" }).check();
    await connect.getByRole("radio", { name: "Device code" }).check();
    await connect.getByRole("button", { name: "Sign in" }).click();
    await connect.getByTestId("device-user-code").getByText("FAKE-CODE").waitFor();
    await connect.getByRole("link", { name: "https://microsoft.com/devicelogin" }).waitFor();
    await page.waitForTimeout(200);
    await shot(page, "connect-dark");
    await connect.getByRole("button", { name: "Cancel" }).click();
    await connect.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal((await calls(page, "cancel_sign_in")).length, 1);
    assert.equal(await connect.getByRole("textbox", { name: "Profile name" }).inputValue(), "gov-2");
    await page.keyboard.press("Escape");
    await connect.waitFor({ state: "detached" });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
