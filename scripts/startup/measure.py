#!/usr/bin/python3
"""Start-up and memory of Exemption Desk against the floor, in one run under an
X server (scripts/measure-startup.sh starts Xvfb and calls this).

1. Paint: the app (release build, demo mode) and a bare WebKitGTK window with a
   static page (bare_window.c, WebKit's defaults) are launched alternately, several times each.
   The screen is grabbed in a loop from launch on; "painted" is the first grab
   holding the brand-coloured header bar (#0f6cbd, in the app's shell and in
   the static page alike); the app's "first rows" is the first grab holding the
   red of a High-severity badge (only recommendation rows have one). Same
   detector, same loop, for both windows.
2. Memory: PSS (/proc/PID/smaps_rollup) of the launched process and all its
   descendants (WebKit's web and network processes), idle some seconds after
   the first rows.
3. Browsing: the app on the `scale:200x250` demo seed (50,000 resources),
   driven through tauri-driver + WebKitWebDriver: each recommendation's
   unhealthy resources are scrolled through, top to bottom, until 50,000 rows
   went past; then PSS again.

Prints a report (Markdown) on stdout; progress on stderr.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import gi

gi.require_version("Gdk", "3.0")
from gi.repository import Gdk  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BRAND = bytes.fromhex("0f6cbd")  # Fluent's colorBrandBackground (light theme): the header bar
HIGH = bytes.fromhex("fdf6f6")  # the background of Fluent's danger tint badge (High severity): a recommendation row
PAINT_PIXELS = 5000  # the header bar is 48 px tall and >= 960 px wide: ~46,000 pixels
ROW_PIXELS = 300  # one badge has ~530


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def grab():
    root = Gdk.get_default_root_window()
    pixbuf = Gdk.pixbuf_get_from_window(root, 0, 0, root.get_width(), root.get_height())
    return pixbuf.get_pixels() if pixbuf else b""


def descendants(pid):
    """`pid` and every process below it."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def pss_mib(pids):
    """Total PSS of `pids` in MiB, and each process's share."""
    total, parts = 0, []
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                kib = next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
        total += kib
        parts.append(f"{comm(p)} {kib / 1024:.0f}")
    return total / 1024, parts


def stop(proc):
    for sig in (15, 9):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=5)
            return
        except subprocess.TimeoutExpired:
            continue


def launch(cmd, env, want_rows, idle, timeout=90, stderr=subprocess.DEVNULL):
    """Launches `cmd` and watches the screen: seconds to painted and to rows, and the idle PSS."""
    blank = grab()
    if blank.count(BRAND) >= PAINT_PIXELS:
        raise SystemExit("the screen already shows the brand colour before launch: is another window open?")
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=stderr)
    painted = rows = None
    try:
        while time.monotonic() - start < timeout:
            pixels = grab()
            now = time.monotonic() - start
            if painted is None and pixels.count(BRAND) >= PAINT_PIXELS:
                painted = now
            if want_rows and rows is None and painted is not None and pixels.count(HIGH) >= ROW_PIXELS:
                rows = now
            if painted is not None and (rows is not None or not want_rows):
                break
            if proc.poll() is not None:
                raise SystemExit(f"{cmd[0]} exited with {proc.returncode} before it painted")
            time.sleep(0.005)
        if painted is None or (want_rows and rows is None):
            raise SystemExit(f"{cmd[0]}: nothing painted within {timeout} s (painted {painted}, rows {rows})")
        time.sleep(idle)
        pss, parts = pss_mib(descendants(proc.pid))
        return painted, rows, pss, parts
    finally:
        stop(proc)
        time.sleep(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listened on port {port} within {seconds} s")


class WebDriver:
    def __init__(self, url):
        self.url = url
        self.session = None

    def call(self, method, path, body=None, timeout=900):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise SystemExit(f"WebDriver {method} {path}: {e.code} {e.read()[:500]!r}") from e

    def start(self, application):
        caps = {"capabilities": {"alwaysMatch": {"tauri:options": {"application": application}}}}
        self.session = self.call("POST", "/session", caps, timeout=120)["sessionId"]
        self.call("POST", f"/session/{self.session}/timeouts", {"script": 900_000})

    def run(self, script, *args):
        """Runs `script` (an async function body; `args` are its arguments) in the page."""
        wrapped = (
            "const done = arguments[arguments.length - 1];"
            f"(async (...args) => {{ {script} }})(...Array.from(arguments).slice(0, -1))"
            ".then((v) => done({ ok: v }), (e) => done({ error: String(e && e.message || e) + " " + String(e && e.stack) }));"
        )
        value = self.call("POST", f"/session/{self.session}/execute/async", {"script": wrapped, "args": list(args)})
        if "error" in value:
            raise SystemExit(f"in the page: {value['error']}")
        return value["ok"]

    def end(self):
        if self.session:
            try:
                self.call("DELETE", f"/session/{self.session}", timeout=30)
            except SystemExit:
                pass


# In the page: waits for the recommendation rows.
WAIT_ROWS = """
const until = Date.now() + 600000;
while (document.querySelectorAll('[data-testid="recommendation-row"]').length === 0) {
  if (Date.now() > until) throw new Error("no recommendation rows within 600 s");
  await new Promise((r) => setTimeout(r, 50));
}
// And until the list has every row (its count no longer says "loading…"): rows
// still streaming in re-render the list under the browsing's clicks.
// (Each counted part of the subscriptions replaces the list, and the open drawer's recommendation.)
while (document.querySelector('[data-testid="list-count"]')?.textContent.includes("loading") ||
       document.querySelector('[data-testid="counting"]')?.textContent.includes("Counting")) {
  if (Date.now() > until) throw new Error("the recommendations still loading after 600 s");
  await new Promise((r) => setTimeout(r, 50));
}
return document.querySelectorAll('[data-testid="recommendation-row"]').length;
"""

# In the page: opens recommendations (most unhealthy first) and scrolls each
# one's unhealthy resources through, a screenful per frame, until `target` rows
# went past. Returns what it browsed.
BROWSE = """
const [target] = args;
const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
const until = async (what, fn, ms = 600000) => {
  const end = Date.now() + ms;
  for (;;) { const v = fn(); if (v) return v; if (Date.now() > end) throw new Error("waited in vain for " + what); await frame(); }
};
const unhealthy = (row) => Number((/, (\\d+) unhealthy/.exec(row.getAttribute("aria-label")) || [0, 0])[1]);
// The list is virtual too (only the rows in view are in the page): walk it through
// to learn every row, and again to find each one.
const grid = () => document.querySelector('[role="grid"][aria-label="Recommendations"]');
const walk = async (found) => {
  const g = grid();
  g.scrollTop = 0;
  await frame();
  for (;;) {
    const hit = found();
    if (hit) return hit;
    if (g.scrollTop + g.clientHeight >= g.scrollHeight - 1) return null;
    g.scrollTop += Math.max(1, Math.floor(g.clientHeight / 2));
    await frame();
  }
};
const known = new Map();
await walk(() => { for (const r of document.querySelectorAll('[data-testid="recommendation-row"]')) known.set(r.getAttribute("data-key"), unhealthy(r)); });
const keys = [...known.keys()].sort((a, b) => known.get(b) - known.get(a));
let rows = 0, opened = 0, steps = 0, skipped = 0;
const started = performance.now();
for (const key of keys) {
  if (rows >= target) break;
  // (The list may be read again meanwhile: a row not found is looked for again, then left out.)
  let row = null;
  for (let tries = 0; !row && tries < 3; tries++) {
    if (tries) await new Promise((r) => setTimeout(r, 1000));
    row = await walk(() => document.querySelector(`[data-testid="recommendation-row"][data-key="${CSS.escape(key)}"]`));
  }
  if (!row) { skipped++; continue; }
  row.click();
  const details = await until("the drawer's Details tab", () =>
    // (A Fluent tab holds its label twice, the second hidden: "DetailsDetails".)
    [...document.querySelectorAll('[role="tab"]')].find((t) => /^Details/.test(t.textContent.trim())));
  details.click();
  // (Clicked again if the drawer came back on its first tab: a list read again replaces its recommendation.)
  const list = await until("the unhealthy resources of " + key, () => {
    const tab = [...document.querySelectorAll('[role="tab"]')].find((t) => /^Details/.test(t.textContent.trim()));
    if (tab && tab.getAttribute("aria-selected") === "false") tab.click();
    return document.querySelector('[data-testid="recommendation-details"] [aria-label="Unhealthy resources"]') ||
      (document.querySelector('[data-testid="recommendation-details"]')?.textContent.includes("No unhealthy") && "none");
  });
  if (list !== "none") {
    // Once every row has arrived (the count no longer says "loading…").
    await until("the resources of " + key + " to arrive", () =>
      !document.querySelector('[data-testid="recommendation-details"] [data-testid="list-count"]')?.textContent.includes("loading"));
    const tab = [...document.querySelectorAll('[role="tab"]')].find((t) => /^Unhealthy \\(\\d+\\)/.test(t.textContent));
    rows += Number(/\\((\\d+)\\)/.exec(tab ? tab.textContent : "(0)")[1]);
    list.scrollTop = 0;
    while (list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
      list.scrollTop += list.clientHeight;
      steps++;
      await frame();
    }
  }
  opened++;
  document.querySelector('button[aria-label="Dismiss"]').click();
  // Until the drawer is gone, not only its list: a closing drawer's tabs stay a moment, and
  // a click on its Details tab would not open the next one's.
  await until("the drawer to close", () =>
    ![...document.querySelectorAll('[role="tab"]')].some((t) => /^Details/.test(t.textContent.trim())));
}
return { rows, opened, steps, skipped, seconds: (performance.now() - started) / 1000 };
"""


def start_simulator(sim_bin, seed):
    """`azure-sim` as its own process (as real users point the app at Azure):
    the process and the app's environment signed in to it as the seed's
    service principal (tests/e2e/lib/harness.mjs `servicePrincipalEnv`)."""
    sim = subprocess.Popen([sim_bin, "--seed", seed, "--addr", "127.0.0.1:0"], start_new_session=True,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = sim.stdout.readline().strip()
    m = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)", line)
    if not m:
        stop(sim)
        raise SystemExit(f"azure-sim said {line!r}")
    url = m.group(1)
    with urllib.request.urlopen(url + "/_sim/principals", timeout=30) as r:
        principals = json.loads(r.read())
    sp = next(p for p in principals["servicePrincipals"] if p.get("clientSecret"))
    env = {
        "EXEMPTION_DESK_ARM_ENDPOINT": url,
        "EXEMPTION_DESK_TENANT_ID": principals["tenantId"],
        "EXEMPTION_DESK_CLIENT_ID": sp["clientId"],
        "EXEMPTION_DESK_CLIENT_SECRET": sp["clientSecret"],
    }
    return sim, env


def browse(app, driver_bin, idle, target, sim_bin=None):
    """PSS of the app's processes idle on the `scale:200x250` tenant and after
    browsing it. With `sim_bin`, the tenant is served by that simulator as a
    separate process (not counted); else by the app's embedded demo simulator."""
    seed = "scale:200x250"
    env = dict(os.environ, EXEMPTION_DESK_DATA_DIR=tempfile.mkdtemp(prefix="desk-measure-"))
    sim = None
    if sim_bin:
        sim, sim_env = start_simulator(sim_bin, seed)
        env.update(sim_env)
    else:
        env["EXEMPTION_DESK_DEMO_SEED"] = seed
    port, native = free_port(), free_port()
    driver = subprocess.Popen([driver_bin, "--port", str(port), "--native-port", str(native)], env=env,
                              start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wd = WebDriver(f"http://127.0.0.1:{port}")
    try:
        wait_port(port)
        wait_port(native)
        wd.start(app)
        start = time.monotonic()
        count = wd.run(WAIT_ROWS)
        log(f"scale seed: {count} recommendation rows after {time.monotonic() - start:.1f} s")
        time.sleep(idle)
        apps = [p for p in descendants(driver.pid) if comm(p) == "exemption-desk"]
        if not apps:
            raise SystemExit("tauri-driver started no exemption-desk process")
        before, before_parts = pss_mib(descendants(apps[0]))
        log(f"idle after the first rows: {before:.0f} MiB ({', '.join(before_parts)})")
        done = wd.run(BROWSE, target)
        log(f"browsed: {done}")
        time.sleep(idle)
        after, parts = pss_mib(descendants(apps[0]))
        if sim:
            sim_pss, _ = pss_mib([sim.pid])
            log(f"the simulator's own process (not counted): {sim_pss:.0f} MiB")
        return before, after, parts, done
    finally:
        wd.end()
        stop(driver)
        if sim:
            stop(sim)


MILESTONE = re.compile(r"milestone epoch=([0-9.]+) main\+[0-9.]+ms (.*)$")


def timeline(app, env, bare_cmd, base, runs):
    """The app's start-up milestones (src-tauri/src/startup.rs) beside the
    screen's, and the bare window's paint: milliseconds from launch, median of
    `runs` launches."""
    seen = {}
    for _ in range(runs):
        seen.setdefault("bare window painted (screen)", []).append(launch(bare_cmd, base, False, 0)[0] * 1000)
        with tempfile.TemporaryFile(mode="w+") as err:
            launched = time.time()
            painted, rows, _, _ = launch([app], dict(env, EXEMPTION_DESK_LOG="startup=debug"), True, 0, stderr=err)
            err.seek(0)
            for line in err:
                m = MILESTONE.search(line.strip())
                if m:
                    seen.setdefault(m.group(2), []).append((float(m.group(1)) - launched) * 1000)
        seen.setdefault("painted (screen)", []).append(painted * 1000)
        seen.setdefault("first recommendation rows (screen)", []).append(rows * 1000)
    out = [f"Start-up timeline, ms from launch (median of {runs}; all runs):", "", "| milestone | ms |", "|---|---|"]
    for what, ms in sorted(seen.items(), key=lambda kv: median(kv[1])):
        out.append(f"| {what} | {median(ms):.0f} ({', '.join(f'{x:.0f}' for x in ms)}) |")
    return out


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True, help="the release exemption-desk binary")
    ap.add_argument("--bare", required=True, help="the bare WebKitGTK window (bare_window.c, built)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=8.0, help="seconds after the first rows before PSS is read")
    ap.add_argument("--browse-rows", type=int, default=50_000)
    ap.add_argument("--tauri-driver", default=os.path.expanduser("~/.cargo/bin/tauri-driver"))
    ap.add_argument("--skip-browse", action="store_true")
    ap.add_argument("--browse-only", action="store_true", help="only the browsing phase's memory")
    ap.add_argument("--sim", help="an azure-sim binary: browse the tenant it serves as a separate process "
                    "(the app alone is measured) instead of the app's embedded demo simulator")
    ap.add_argument("--timeline", action="store_true", help="only the app's start-up milestones beside the screen's")
    ap.add_argument("--app-env", action="append", default=[], metavar="NAME=VALUE",
                    help="set for the app's launches only (not the bare window's), to try a setting")
    args = ap.parse_args()

    base = {k: v for k, v in os.environ.items() if not k.startswith("EXEMPTION_DESK_")}
    app_env = dict(base, EXEMPTION_DESK_DATA_DIR=tempfile.mkdtemp(prefix="desk-measure-"))
    app_env.update(kv.split("=", 1) for kv in args.app_env)
    if args.timeline:
        launch([args.app], app_env, True, 0)  # warm-up, not counted
        print("\n".join(timeline(args.app, app_env, [args.bare, "file://" + os.path.join(HERE, "page.html")], base, args.runs)))
        return
    if args.browse_only:
        print("\n".join(browse_report(args)))
        return
    bare_cmd = [args.bare, "file://" + os.path.join(HERE, "page.html")]
    app_cmd = [args.app]

    log("warm-up (not counted): one launch of each")
    launch(bare_cmd, base, False, 0)
    launch(app_cmd, app_env, True, 0)
    bare, flat, app, composited = [], [], [], []
    for i in range(args.runs):
        b = launch(bare_cmd, base, False, args.idle)
        f = launch(bare_cmd, dict(base, WEBKIT_DISABLE_COMPOSITING_MODE="1"), False, args.idle)
        a = launch(app_cmd, app_env, True, args.idle)
        c = launch(app_cmd, dict(app_env, WEBKIT_DISABLE_COMPOSITING_MODE="0"), True, args.idle)
        log(f"run {i + 1}: app with WebKit's compositing painted {c[0]:.3f} s, rows {c[1]:.3f} s ({c[2]:.0f} MiB)")
        log(f"run {i + 1}: bare painted {b[0]:.3f} s ({b[2]:.0f} MiB); without compositing {f[0]:.3f} s ({f[2]:.0f} MiB); "
            f"app painted {a[0]:.3f} s, rows {a[1]:.3f} s ({a[2]:.0f} MiB: {', '.join(a[3])})")
        bare.append(b)
        flat.append(f)
        app.append(a)
        composited.append(c)

    bare_paint, app_paint = median([b[0] for b in bare]), median([a[0] for a in app])
    app_rows = median([a[1] for a in app])
    bare_pss, app_pss = median([b[2] for b in bare]), median([a[2] for a in app])
    out = [
        f"Start-up, {args.runs} launches each (medians; all runs in seconds from launch):",
        "",
        "| | painted | first recommendation rows | PSS idle, all processes |",
        "|---|---|---|---|",
        f"| bare WebKitGTK window, static page | {bare_paint:.3f} s ({', '.join(f'{b[0]:.2f}' for b in bare)}) | — | {bare_pss:.0f} MiB |",
        f"| the same, `WEBKIT_DISABLE_COMPOSITING_MODE=1` | {median([f[0] for f in flat]):.3f} s ({', '.join(f'{f[0]:.2f}' for f in flat)}) | — | {median([f[2] for f in flat]):.0f} MiB |",
        f"| Exemption Desk, demo tenant | {app_paint:.3f} s ({', '.join(f'{a[0]:.2f}' for a in app)}) | {app_rows:.3f} s ({', '.join(f'{a[1]:.2f}' for a in app)}) | {app_pss:.0f} MiB |",
        f"| the app with WebKit's compositing (`WEBKIT_DISABLE_COMPOSITING_MODE=0`) | {median([c[0] for c in composited]):.3f} s | {median([c[1] for c in composited]):.3f} s | {median([c[2] for c in composited]):.0f} MiB |",
        "",
        f"Paint ratio app / bare window: **{app_paint / bare_paint:.2f}x** (target <= 1.3x). Idle PSS: **{app_pss:.0f} MiB** (target <= 300 MiB).",
        f"Idle PSS by process (last run): {', '.join(app[-1][3])}.",
    ]
    if not args.skip_browse:
        out += [""] + browse_report(args)
    print("\n".join(out))


def browse_report(args):
    before, after, parts, done = browse(args.app, args.tauri_driver, args.idle, args.browse_rows, args.sim)
    served = "served by azure-sim as a separate process (not counted)" if args.sim else "in the app's embedded demo simulator"
    return [
        f"`scale:200x250` tenant {served}, through WebDriver: PSS {before:.0f} MiB idle after the first rows, "
        f"**{after:.0f} MiB** after browsing {done['rows']:,} resource rows "
        f"({done['opened']} recommendations, {done['steps']} screenfuls scrolled in {done['seconds']:.0f} s).",
        f"By process: {', '.join(parts)}.",
    ]


if __name__ == "__main__":
    Gdk.init([])
    main()
