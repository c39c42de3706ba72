// Where secrets must never be: the app's data folder, WebKit's data and cache
// folders for the app, and the app's log (the app runs at trace level in the
// specs that scan). What counts as a secret: access tokens (JWTs), refresh
// tokens, authorization and device codes, PKCE verifiers (found by hashing
// every candidate and comparing with the S256 challenges the simulator saw),
// client secrets, private keys (PEM blocks, or any line of the demo keys'
// bodies) and certificate passwords.
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./harness.mjs";

/** The app's identifier (tauri.conf.json): WebKit keeps its data under it. */
export const APP_IDENTIFIER = JSON.parse(readFileSync(path.join(repoRoot, "tauri.conf.json"), "utf8")).identifier;

const certificates = path.join(repoRoot, "src-tauri/crates/sim/data/certificates");

/** Base64 lines from inside each demo private key: a key written without its armour is still found. */
export function privateKeyLines() {
  const lines = [];
  for (const file of readdirSync(certificates).filter((f) => f.endsWith(".pem"))) {
    const text = readFileSync(path.join(certificates, file), "utf8");
    for (const block of text.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g) ??
      []) {
      const body = block.split("\n").filter((l) => /^[A-Za-z0-9+/=]{60,}$/.test(l.trim()));
      lines.push(...body.slice(1, 3).map((l) => l.trim()));
    }
  }
  return lines;
}

/** Every file under `dir` (not following links), with its path. */
function* files(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    const stat = lstatSync(full);
    if (stat.isDirectory()) yield* files(full);
    else if (stat.isFile()) yield full;
  }
}

export const base64url = (bytes) => bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/**
 * Look through `session` (from `appAgainstSimulator`) for secrets.
 * `passwords`: certificate passwords (or other literals) typed in this run.
 * Returns `{ leaks, scanned }`: what was found where, and every file looked at.
 */
export async function scanForSecrets(session, { passwords = [], challenges: extraChallenges = [] } = {}) {
  const { sim, app } = session;
  const principals = await sim.principals();
  const requests = await sim.requests();
  const challenges = new Set(
    requests
      .filter((r) => r.path.endsWith("/oauth2/v2.0/authorize"))
      .map((r) => r.query?.code_challenge)
      .filter(Boolean),
  );
  for (const c of extraChallenges) challenges.add(c);
  const literals = [
    ...passwords.map((p) => ["a certificate password", p]),
    ...principals.servicePrincipals
      .filter((p) => p.clientSecret)
      .map((p) => [`${p.displayName}'s client secret`, p.clientSecret]),
    ...privateKeyLines().map((line) => ["a line of a private key", line]),
  ];
  const patterns = [
    ["an access token", /eyJ[A-Za-z0-9_-]{10,}\.eyJ/],
    ["a refresh token", /simrt\.[A-Za-z0-9_-]{8,}/],
    ["an authorization code", /simcode\.[A-Za-z0-9_-]{8,}/],
    ["a device code", /simdc\.[A-Za-z0-9_-]{8,}/],
    ["a client secret", /demo~ExemptionDeskCI/],
    ["a PEM private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ];
  const leaks = [];
  const look = (where, text) => {
    for (const [what, pattern] of patterns) if (pattern.test(text)) leaks.push(`${where}: ${what} (${pattern})`);
    for (const [what, literal] of literals) if (literal && text.includes(literal)) leaks.push(`${where}: ${what}`);
    if (challenges.size > 0) {
      for (const candidate of new Set(text.match(/[A-Za-z0-9_-]{43,128}/g) ?? [])) {
        if (challenges.has(base64url(createHash("sha256").update(candidate).digest())))
          leaks.push(`${where}: a PKCE verifier`);
      }
    }
  };
  const scanned = [];
  for (const dir of [app.dataDir, app.xdgDataHome, app.xdgCacheHome, app.xdgConfigHome]) {
    for (const file of files(dir)) {
      scanned.push(file);
      look(file, readFileSync(file).toString("latin1"));
    }
  }
  look("the app's log", session.output());
  return { leaks, scanned, challenges: challenges.size };
}

/** The scan, asserted: nothing found, and WebKit's folders for the app were among those read. */
export async function assertNoSecrets(assert, session, options) {
  const { leaks, scanned, challenges } = await scanForSecrets(session, options);
  assert.ok(
    scanned.some(
      (f) =>
        f.startsWith(path.join(session.app.xdgDataHome, APP_IDENTIFIER)) ||
        f.startsWith(path.join(session.app.xdgCacheHome, APP_IDENTIFIER)),
    ),
    `WebKit's data for ${APP_IDENTIFIER} was scanned (scanned: ${scanned.length} files)`,
  );
  assert.match(session.output(), /TRACE/, "the app logged at trace level");
  assert.deepEqual(leaks, [], "no token, code, verifier, key or password on disk or in logs");
  const webkit = scanned.filter((f) => f.includes(APP_IDENTIFIER)).length;
  return { scanned, webkit, challenges };
}
