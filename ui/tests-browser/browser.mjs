// One Chromium for a browser-test file: Debian's Chromium, headless, on a fresh
// profile, showing the built UI (ui/dist) from a loopback server.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveStatic } from "./static-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(here, "../dist");
/** Where screenshots go (`.artifacts/` at the repository's root). */
export const ARTIFACTS = resolve(here, "../../.artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts the server and Chromium; `close()` stops both and removes the profile. */
export async function openBrowser({ viewport = { width: 1360, height: 860 }, timeout = 10_000 } = {}) {
  assert.ok(existsSync(join(DIST, "index.html")), "ui/dist is missing: run `npm run build` first");
  assert.ok(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: run scripts/setup.sh`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await serveStatic(DIST);
  const profile = mkdtempSync(join(tmpdir(), "exemption-desk-chromium-"));
  // Playwright refuses --user-data-dir in args; a persistent context on a
  // fresh temporary directory is the same thing.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    timezoneId: "Europe/Berlin",
    locale: "en-GB",
    colorScheme: "light",
  });
  context.setDefaultTimeout(timeout);
  return {
    server,
    context,
    close: async () => {
      await context.close();
      await server.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
