// Measures the three long lists of the built UI (ui/dist) in the Chromium the
// browser tests use, with the fake backend serving N generated rows, against a
// baseline measured in the same run: a plain static <table> of the same N rows
// (and, given BASELINE_DIST, another build of the UI, e.g. main's).
//
//   npm run build && node tests-browser/bench-lists.mjs [N=50000]
//   BASELINE_DIST=/path/to/other/dist node tests-browser/bench-lists.mjs
//   BENCH_LISTS=recommendations,resources BENCH_RUNS=5 node tests-browser/bench-lists.mjs
//
// For each list: time to the first rows (from the click that opens it, and from
// the moment the backend answered), to all rows (first rows, then scrolled to
// the end), and per filter keystroke: until the input shows it, until the list
// is filtered (committed), and until the next frame after that; and the page's
// main-thread CPU time from one keystroke to the next (from Chrome's trace:
// unlike the wall-clock figures, it does not grow when other processes share
// the machine's cores). Figures only; nothing here asserts a time.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { FIXTURES, installFakeBackend } from "./fake-backend.mjs";
import { serveStatic } from "./static-server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const DIST = resolve(here, "../dist");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const N = Number(process.argv[2] ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** `BENCH_LISTS=recommendations,resources` measures only those lists. */
const ONLY = process.env.BENCH_LISTS?.split(",");
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

const LISTS = {
  recommendations: {
    row: '[data-testid="recommendation-row"]',
    command: "list_recommendations",
    query: "storage 123",
    url: `?recommendations=${N}`,
    scroller: '[role="grid"][aria-label="Recommendations"]',
  },
  resources: {
    row: '[data-testid="assessed-resource"]',
    command: "recommendation_resources",
    query: "res-1234",
    url: `?resources=${N}`,
    scroller: '[aria-label="Unhealthy resources"]',
  },
  exemptions: {
    row: '[data-testid="exemption-row"]',
    command: "exemption_register",
    query: "waiver 123",
    url: `?exemptions=${N}`,
    scroller: '[role="grid"][aria-label="Exemptions"]',
  },
};

/** Runs in the page: notes when a row of each list is first in the DOM at a frame. */
function watchRows(selectors) {
  window.__seen = {};
  const tick = () => {
    for (const s of selectors)
      if (!(s in window.__seen) && document.querySelector(s)) window.__seen[s] = performance.now();
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** In the page: scroll the list to its end until its last row is rendered; ms. A
 * list that is not a grid (a build without one) scrolls until it can go no further. */
const scrollToEnd = (selector) =>
  new Promise((done) => {
    const list = document.querySelector(selector) ?? document.querySelector("main");
    const last = Number(list.getAttribute("aria-rowcount")) || null;
    const t0 = performance.now();
    let still = 0;
    const step = () => {
      const atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 1;
      if (last ? list.querySelector(`[aria-rowindex="${last}"]`) : atEnd && ++still > 1)
        return done(performance.now() - t0);
      list.scrollTop = list.scrollHeight;
      requestAnimationFrame(step);
    };
    step();
  });

/** In the page: type `text` into `input` one character at a time, as React sees typing (input events). */
async function typeAndTime({ input: inputSelector, count: countSelector, text }) {
  const input = document.querySelector(inputSelector);
  const count = () => document.querySelector(countSelector);
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const out = [];
  for (let i = 1; i <= text.length; i++) {
    await frame();
    performance.mark("bench-key"); // where the trace's keystroke begins
    let committed = null;
    const observer = new MutationObserver(() => {
      if (committed === null && count()?.getAttribute("aria-busy") === "false") committed = performance.now();
    });
    observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["aria-busy"] });
    const t0 = performance.now();
    setValue.call(input, text.slice(0, i));
    input.dispatchEvent(new Event("input", { bubbles: true }));
    const echoed = performance.now();
    // Without a count that says when the list caught up (a build that filters in
    // the keystroke's own render), the list was filtered when the event returned.
    if (!count()) committed = echoed;
    while (committed === null && count()?.getAttribute("aria-busy") !== "false") await frame();
    committed ??= performance.now();
    await frame();
    const painted = performance.now();
    observer.disconnect();
    out.push({ echo: echoed - t0, filtered: committed - t0, painted: painted - t0 });
  }
  await frame();
  performance.mark("bench-key");
  return { keys: out, shown: count()?.textContent };
}

async function measureApp(context, url, name) {
  const list = LISTS[name];
  const page = await context.newPage();
  await page.addInitScript(installFakeBackend, FIXTURES);
  await page.addInitScript(
    watchRows,
    Object.values(LISTS).map((l) => l.row),
  );
  await page.goto(`${url}${list.url}`);
  const firstRec = LISTS.recommendations.row;
  await page.locator(firstRec).first().waitFor({ timeout: 120_000 });
  let t0;
  if (name === "recommendations") {
    t0 = 0; // from navigation: the app's start is part of it
  } else if (name === "exemptions") {
    t0 = await page.evaluate(() => {
      const t = performance.now();
      [...document.querySelectorAll('nav [role="tab"]')].find((b) => b.textContent.includes("Exemptions")).click();
      return t;
    });
  } else {
    await page.locator(firstRec).filter({ hasText: "Bench:" }).click();
    await page.getByRole("tab", { name: "Details" }).waitFor();
    t0 = await page.evaluate(() => {
      const t = performance.now();
      [...document.querySelectorAll('[role="dialog"] [role="tab"]')]
        .find((b) => b.textContent.includes("Details"))
        .click();
      return t;
    });
  }
  await page.locator(list.row).first().waitFor({ timeout: 120_000 });
  const { seen, answered } = await page.evaluate(() => ({ seen: window.__seen, answered: window.__ipcAnswered }));
  const first = seen[list.row] - t0;
  const fromData = seen[list.row] - answered[list.command];
  const scroll = await page.evaluate(scrollToEnd, list.scroller);
  const search = await page.evaluate(
    (name) =>
      ({
        recommendations: 'input[aria-label="Search recommendations"]',
        resources: 'input[aria-label="Search resources"]',
        exemptions: 'input[aria-label="Search exemptions"]',
      })[name],
    name,
  );
  const hasSearch = (await page.locator(search).count()) > 0;
  const trace = hasSearch ? await startTrace(context, page) : null;
  const typed = hasSearch
    ? await page.evaluate(typeAndTime, {
        input: search,
        count: `${name === "resources" ? '[role="dialog"] ' : ""}[data-testid="list-count"]`,
        text: list.query,
      })
    : null;
  if (typed) {
    const cpu = keystrokeCpu(await trace());
    typed.keys.forEach((k, i) => Object.assign(k, cpu[i] ?? { cpu: NaN, longest: NaN }));
  }
  await page.close();
  return { first, fromData, all: first + scroll, typed };
}

/** Traces the page's main thread (Chrome's timeline); the function returned ends the trace and gives its events. */
async function startTrace(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Tracing.start", {
    traceConfig: { includedCategories: ["toplevel", "blink.user_timing"] },
    transferMode: "ReturnAsStream",
  });
  return async () => {
    const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
    await cdp.send("Tracing.end");
    const { stream } = await done;
    let text = "";
    for (;;) {
      const chunk = await cdp.send("IO.read", { handle: stream });
      text += chunk.base64Encoded ? Buffer.from(chunk.data, "base64").toString() : chunk.data;
      if (chunk.eof) break;
    }
    await cdp.send("IO.close", { handle: stream });
    await cdp.detach();
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : parsed.traceEvents;
  };
}

/** Per keystroke (from its mark to the next; the last to the mark after its
 * frame), the main thread's CPU time (the difference of the thread clocks,
 * `tts`, at the page's marks) and its longest task's CPU time (a task is what
 * holds up a frame): thread time, which other processes taking the machine's
 * cores do not inflate, unlike the wall-clock figures. */
function keystrokeCpu(events) {
  const marks = events.filter((e) => e.name === "bench-key" && e.tts !== undefined).sort((a, b) => a.ts - b.ts);
  if (marks.length < 2) return [];
  const { pid, tid } = marks[0];
  const tasks = events.filter(
    (e) => e.name === "ThreadControllerImpl::RunTask" && e.ph === "X" && e.pid === pid && e.tid === tid,
  );
  return marks.slice(1).map((m, i) => {
    const from = marks[i].ts;
    const longest = Math.max(0, ...tasks.filter((t) => t.ts < m.ts && t.ts + t.dur > from).map((t) => t.tdur ?? t.dur));
    return { cpu: (m.tts - marks[i].tts) / 1000, longest: longest / 1000 };
  });
}

/** In the page: a plain static table of the rows, built from data in hand; then scrolled and filtered. */
async function staticTable({ n, text }) {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const rows = Array.from({ length: n }, (_, i) => [
    `res-${String(i).padStart(4, "0")}`,
    "Microsoft.Resources/resources",
    `rg-${["web", "data", "ops"][i % 3]}`,
    i % 2 ? "Contoso Development" : "Contoso Production",
  ]);
  await frame();
  const t0 = performance.now();
  const table = document.createElement("table");
  const body = document.createElement("tbody");
  for (const r of rows) {
    const tr = document.createElement("tr");
    for (const c of r) tr.appendChild(document.createElement("td")).textContent = c;
    body.appendChild(tr);
  }
  table.appendChild(body);
  document.body.appendChild(table);
  await new Promise((r) => requestAnimationFrame(r));
  const first = performance.now() - t0;
  await frame();
  const t1 = performance.now();
  document.scrollingElement.scrollTop = document.scrollingElement.scrollHeight;
  await new Promise((r) => requestAnimationFrame(r));
  const all = first + (performance.now() - t1);
  const keys = rows.map((r) => r.join("\n").toLowerCase());
  const trs = [...body.rows];
  const out = [];
  for (let i = 1; i <= text.length; i++) {
    await frame();
    const words = text.slice(0, i).toLowerCase().split(/\s+/).filter(Boolean);
    performance.mark("bench-key");
    const t = performance.now();
    for (let j = 0; j < trs.length; j++) trs[j].style.display = words.every((w) => keys[j].includes(w)) ? "" : "none";
    void document.body.offsetHeight; // lay it out, as the browser must before it paints
    const filtered = performance.now() - t;
    await frame();
    out.push({ echo: 0, filtered, painted: performance.now() - t });
  }
  await frame();
  performance.mark("bench-key");
  return { first, all, keys: out };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(1)} ms` : "—");
const keyStats = (keys) => {
  if (!keys) return "no search box";
  const f = keys.map((k) => k.filtered);
  const p = keys.map((k) => k.painted);
  const e = keys.map((k) => k.echo);
  const c = keys.map((k) => k.cpu).filter((x) => x !== undefined);
  const l = keys.map((k) => k.longest).filter((x) => x !== undefined);
  const cpu = c.length
    ? `; main-thread CPU median ${ms(median(c))} / max ${ms(Math.max(...c))}, longest task median ${ms(median(l))} / max ${ms(Math.max(...l))}`
    : "";
  return `echo ${ms(median(e))}, filtered median ${ms(median(f))} / max ${ms(Math.max(...f))}, next frame median ${ms(median(p))} / max ${ms(Math.max(...p))}${cpu}`;
};

async function main() {
  if (!existsSync(join(DIST, "index.html"))) throw new Error("ui/dist is missing: run `npm run build` first");
  const builds = [{ label: "this branch", dist: DIST }];
  if (process.env.BASELINE_DIST) builds.push({ label: "baseline build", dist: resolve(process.env.BASELINE_DIST) });
  const profile = mkdtempSync(join(tmpdir(), "exemption-desk-bench-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1360, height: 860 },
    locale: "en-GB",
  });
  context.setDefaultTimeout(120_000);
  console.log(`Lists with ${N.toLocaleString("en-US")} generated rows; median of ${RUNS} runs unless noted.\n`);
  try {
    for (const { label, dist } of builds) {
      const server = await serveStatic(dist);
      try {
        for (const name of Object.keys(LISTS).filter((n) => !ONLY || ONLY.includes(n))) {
          const runs = [];
          for (let r = 0; r < RUNS; r++) runs.push(await measureApp(context, server.url, name));
          const keys = runs.flatMap((x) => x.typed?.keys ?? []);
          console.log(`${label} · ${name}`);
          console.log(
            `  first rows ${ms(median(runs.map((x) => x.first)))} from the click (recommendations: from navigation),`,
          );
          console.log(`             ${ms(median(runs.map((x) => x.fromData)))} after the backend answered`);
          console.log(`  all rows   ${ms(median(runs.map((x) => x.all)))} (first rows, then scrolled to the last)`);
          console.log(`  keystroke  ${keyStats(runs[0].typed ? keys : null)} (typing "${LISTS[name].query}")`);
          if (runs[0].typed) console.log(`  shown      ${runs[0].typed.shown}`);
          if (process.env.BENCH_VERBOSE) console.log(JSON.stringify(runs.map((x) => x.typed?.keys)));
        }
      } finally {
        await server.close();
      }
    }
    const page = await context.newPage();
    await page.setContent("<!doctype html><html><body style='margin:0;font:14px sans-serif'></body></html>");
    const base = [];
    for (let r = 0; r < RUNS; r++) {
      await page.setContent("<!doctype html><html><body style='margin:0;font:14px sans-serif'></body></html>");
      const trace = await startTrace(context, page);
      const run = await page.evaluate(staticTable, { n: N, text: LISTS.resources.query });
      const cpu = keystrokeCpu(await trace());
      run.keys.forEach((k, i) => Object.assign(k, cpu[i] ?? { cpu: NaN, longest: NaN }));
      base.push(run);
    }
    await page.close();
    console.log(`baseline · static <table> of ${N.toLocaleString("en-US")} rows (4 columns), data in hand`);
    console.log(`  first rows ${ms(median(base.map((x) => x.first)))} (built and painted: every row at once)`);
    console.log(`  all rows   ${ms(median(base.map((x) => x.all)))} (then scrolled to the last)`);
    console.log(`  keystroke  ${keyStats(base.flatMap((x) => x.keys))} (display:none on non-matching rows)`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
