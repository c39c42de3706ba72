// Expiry reminders reach the desktop, once: on a session bus of its own (a
// private dbus-daemon) with a real notification server (dunst, drawing on
// the virtual display) and dbus-monitor watching
// org.freedesktop.Notifications, the app signed in to the demo tenant, where
// one exemption expires within 30 days, sends ONE Notify with the grouped
// text; it sends none on its later checks, nor after a restart on the same
// data folder (the reminder is remembered per exemption and expiry).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { startSimulator, startApp, servicePrincipalEnv, repoRoot } from "../lib/harness.mjs";
import { start, firstLine, stop } from "../lib/processes.mjs";

/** The app checks 5 s after start, then every 30 s. */
const AFTER_A_CHECK_MS = 40_000;

const stopping = [];
after(async () => {
  for (const s of stopping.reverse()) await s();
});

/** A session bus of this test's own: its address. */
async function sessionBus() {
  const daemon = start("dbus-daemon", ["--session", "--nofork", "--print-address=1"], { name: "dbus-daemon" });
  stopping.push(() => stop(daemon));
  return (await firstLine(daemon)).trim();
}

/** Every Notify call on the bus, as dbus-monitor prints it (one string per call). */
function watchNotify(address) {
  const monitor = start(
    "dbus-monitor",
    ["--address", address, "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"],
    { name: "dbus-monitor" },
  );
  stopping.push(() => stop(monitor));
  let text = "";
  monitor.stdout.on("data", (chunk) => {
    text += chunk.toString();
  });
  return () =>
    text
      .split(/^method call /m)
      .slice(1)
      .filter((call) => /member=Notify\b/.test(call));
}

async function waitFor(what, ms, check) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} within ${ms} ms`);
}

test("one grouped reminder for the exemptions entering the window, shown once", async () => {
  const sim = await startSimulator();
  stopping.push(() => sim.stop());
  const address = await sessionBus();
  const notifyCalls = watchNotify(address);
  const server = start("dunst", [], { env: { DBUS_SESSION_BUS_ADDRESS: address }, name: "dunst" });
  stopping.push(() => stop(server));

  const dataDir = mkdtempSync(path.join(tmpdir(), "desk-e2e-reminder-"));
  const env = {
    ...(await servicePrincipalEnv(sim, "exemption-desk-ci")),
    DBUS_SESSION_BUS_ADDRESS: address,
    EXEMPTION_DESK_DATA_DIR: dataDir,
  };
  let app = await startApp(env);
  try {
    await waitFor("a Notify call", 90_000, () => notifyCalls().length > 0).catch((e) => {
      throw new Error(`${e.message}; the app said:\n${app.output()}\ndunst said:\n${server.output.join("")}`);
    });
    const [call] = notifyCalls();
    assert.match(call, /string "1 exemption expires within 30 days"/);
    assert.match(
      call,
      /string "Certificate vault rebuild pending \(kv-contoso-certs \(key vault\) in rg-shared-registry, [^)]+\) in 1[34] days"/,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    // The whole virtual screen: the notification as dunst draws it over the window.
    execFileSync("import", ["-window", "root", path.join(repoRoot, ".artifacts", "e2e-expiry-reminder-screen.png")], {
      timeout: 20_000,
    });

    await new Promise((r) => setTimeout(r, AFTER_A_CHECK_MS));
    assert.equal(notifyCalls().length, 1, "later checks send nothing more");
  } finally {
    await app.stop();
  }

  app = await startApp(env);
  try {
    await new Promise((r) => setTimeout(r, AFTER_A_CHECK_MS));
    assert.equal(
      notifyCalls().length,
      1,
      "after a restart the same exemption at the same expiry is not reminded of again",
    );
  } finally {
    await app.stop();
  }
});
