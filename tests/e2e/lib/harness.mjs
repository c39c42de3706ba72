// The pieces an end-to-end test needs: the simulator, the real app driven
// through tauri-driver, and a look at what the simulator received.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { before, after } from "node:test";
import { remote } from "webdriverio";
import { start, firstLine, waitForPort, stop } from "./processes.mjs";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const target = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, "target");
/** The desktop app binary the tests drive. */
export const appBinary = path.join(target, "debug", "exemption-desk");
const artifacts = path.join(repoRoot, ".artifacts");

export async function startSimulator() {
  const binary = path.join(target, "debug", "azure-sim");
  const child = start(binary, ["--seed", "demo", "--addr", "127.0.0.1:0"], { name: "azure-sim" });
  const line = await firstLine(child);
  const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  if (!match) throw new Error(`azure-sim said "${line}"`);
  const url = match[1];
  const json = async (route, init) => {
    const response = await fetch(url + route, init);
    if (!response.ok) throw new Error(`${route}: HTTP ${response.status}`);
    return response.json();
  };
  return {
    url,
    principals: () => json("/_sim/principals"),
    requests: () => json("/_sim/requests"),
    /** Every entity of a table of the simulated Table service (`/_sim/tables`), in key order. */
    tableEntities: (account, table) => json(`/_sim/tables/${account}/${table}`).then((v) => v.value),
    /** A storage account's table endpoint on this simulator. */
    tableEndpoint: (account) => `${url}/tables/${account}`,
    reset: () => fetch(url + "/_sim/reset", { method: "POST" }),
    stop: () => stop(child),
  };
}

/** Environment that points the app at the simulator as a seeded user (auth code + PKCE). */
export async function userEnv(sim, upn) {
  const principals = await sim.principals();
  return {
    EXEMPTION_DESK_ARM_ENDPOINT: sim.url,
    EXEMPTION_DESK_TENANT_ID: principals.tenantId,
    EXEMPTION_DESK_CLIENT_ID: principals.publicClientId,
    EXEMPTION_DESK_LOGIN_HINT: upn,
  };
}

/** Environment that points the app at the simulator as a service principal. */
export async function servicePrincipalEnv(sim, displayName) {
  const principals = await sim.principals();
  const sp = principals.servicePrincipals.find((p) => p.displayName === displayName);
  if (!sp) throw new Error(`no service principal "${displayName}" in the seed`);
  return {
    EXEMPTION_DESK_ARM_ENDPOINT: sim.url,
    EXEMPTION_DESK_TENANT_ID: principals.tenantId,
    EXEMPTION_DESK_CLIENT_ID: sp.clientId,
    EXEMPTION_DESK_CLIENT_SECRET: sp.clientSecret,
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `args`: the app's command-line arguments (links, files), passed by
 * tauri-driver. `application`: another binary to drive (the install test
 * drives the installed one). `dataDir`: reuse a data folder (the same user
 * opening the app again); by default each start gets a fresh one. `port`:
 * tauri-driver's port (WebKitWebDriver takes the next one); 4444 unless a test
 * runs a second app at once (4446), inside the e2e lock like every run.
 */
export async function startApp(appEnv, { application = appBinary, args = [], dataDir, port = 4444 } = {}) {
  // A fresh data folder: no draft or journal from an earlier run. No session
  // bus: the keyring is unavailable (as on a server) instead of a daemon
  // being autolaunched on the virtual display and prompting there.
  // Fresh XDG folders too, so what WebKit keeps for the app (local storage,
  // caches) is this run's alone and can be scanned for secrets.
  const xdg = mkdtempSync(path.join(tmpdir(), "desk-e2e-xdg-"));
  const env = {
    EXEMPTION_DESK_DATA_DIR: dataDir ?? mkdtempSync(path.join(tmpdir(), "desk-e2e-")),
    DBUS_SESSION_BUS_ADDRESS: "disabled:",
    XDG_DATA_HOME: path.join(xdg, "data"),
    XDG_CACHE_HOME: path.join(xdg, "cache"),
    XDG_CONFIG_HOME: path.join(xdg, "config"),
    ...appEnv,
  };
  const driverBinary = process.env.TAURI_DRIVER ?? path.join(homedir(), ".cargo", "bin", "tauri-driver");
  const nativePort = port + 1;
  const driver = start(driverBinary, ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    name: "tauri-driver",
  });
  await waitForPort(port);
  await waitForPort(nativePort); // WebKitWebDriver, which tauri-driver starts
  let browser;
  // On a cold machine tauri-driver can take the request before WebKitWebDriver
  // listens and drop the connection: that (and only that) is tried again.
  for (let attempt = 1; !browser; attempt++) {
    try {
      browser = await withTimeout(
        remote({
          hostname: "127.0.0.1",
          port,
          logLevel: "error",
          connectionRetryCount: 0,
          capabilities: { "tauri:options": { application, args }, "wdio:enforceWebDriverClassic": true },
        }),
        60_000,
        "starting the app",
      );
    } catch (e) {
      const dropped = /UND_ERR_SOCKET|ECONNREFUSED|ECONNRESET|socket hang up/.test(String(e?.message));
      if (dropped && attempt < 4) {
        await new Promise((r) => setTimeout(r, 1_000 * attempt));
        continue;
      }
      stop(driver);
      throw new Error(`${e.message}\n--- tauri-driver said:\n${driver.output.join("")}`, { cause: e });
    }
  }
  return {
    browser,
    dataDir: env.EXEMPTION_DESK_DATA_DIR,
    xdgDataHome: env.XDG_DATA_HOME,
    xdgCacheHome: env.XDG_CACHE_HOME,
    xdgConfigHome: env.XDG_CONFIG_HOME,
    /** What the app and its driver printed (logs go to stderr). */
    output: () => driver.output.join(""),
    async stop() {
      await browser.deleteSession().catch(() => {});
      stop(driver);
    },
  };
}

export async function screenshot(browser, name) {
  mkdirSync(artifacts, { recursive: true });
  await browser.saveScreenshot(path.join(artifacts, `${name}.png`));
  // And the whole (virtual) screen, window decorations and all, as a user sees it.
  if (process.env.DISPLAY) {
    try {
      execFileSync("import", ["-window", "root", path.join(artifacts, `${name}-screen.png`)], {
        stdio: "ignore",
        timeout: 10_000,
      });
    } catch {
      // ImageMagick is optional here; the WebDriver screenshot is kept either way.
    }
  }
}

/**
 * Starts a simulator and the app signed in with the environment `envFor(sim)`
 * returns, for the tests of one file; both stop after them. The returned
 * object's `sim` and `browser` are set once `before` has run.
 */
export function appAgainstSimulator(envFor) {
  const session = { sim: null, browser: null, app: null };
  session.output = () => session.app?.output() ?? "";
  before(async () => {
    session.sim = await startSimulator();
    session.app = await startApp(await envFor(session.sim));
    session.browser = session.app.browser;
  });
  after(async () => {
    await session.app?.stop();
    session.sim?.stop();
  });
  return session;
}
