// What the built UI (ui/dist) keeps in Chromium's JS heap after browsing: the
// fake backend serves N generated recommendations with U unhealthy and H healthy
// resources each; the script opens each one's drawer, scrolls its unhealthy
// resources through, closes it, and reads the heap (after a forced garbage
// collection) idle, after the first, the 10th and the last, and again once every
// drawer is closed and a closed recommendation's rows have left the cache
// (`RESOURCES_KEPT`, 30 s). Figures only; nothing here asserts a size.
//
//   npm run build && node tests-browser/bench-memory.mjs [N=29] [U=4000] [H=600]
//   BENCH_SNAPSHOT=/tmp/end.heapsnapshot node tests-browser/bench-memory.mjs   (a heap snapshot at the end)
import { createWriteStream } from "node:fs";
import { openBrowser } from "./browser.mjs";
import { FIXTURES, installFakeBackend } from "./fake-backend.mjs";

const [N, U, H] = [29, 4000, 600].map((d, i) => Number(process.argv[2 + i] ?? d));
const KEPT_MS = 30_000;

/** In the page: opens one recommendation's drawer, scrolls its unhealthy resources through, closes it. */
async function browseOne(key) {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const until = async (what, fn) => {
    const end = Date.now() + 60_000;
    for (;;) {
      const v = fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`waited in vain for ${what}`);
      await frame();
    }
  };
  const grid = document.querySelector('[role="grid"][aria-label="Recommendations"]');
  grid.scrollTop = 0;
  let row;
  for (;;) {
    await frame();
    row = document.querySelector(`[data-testid="recommendation-row"][data-key="${CSS.escape(key)}"]`);
    if (row || grid.scrollTop + grid.clientHeight >= grid.scrollHeight - 1) break;
    grid.scrollTop += Math.floor(grid.clientHeight / 2);
  }
  if (!row) throw new Error(`no row for ${key}`);
  row.click();
  const details = await until("the Details tab", () =>
    [...document.querySelectorAll('[role="tab"]')].find((t) => /^Details/.test(t.textContent.trim())),
  );
  details.click();
  const list = await until("the unhealthy resources", () =>
    document.querySelector('[data-testid="recommendation-details"] [aria-label="Unhealthy resources"]'),
  );
  await until(
    "every row",
    () =>
      !document
        .querySelector('[data-testid="recommendation-details"] [data-testid="list-count"]')
        ?.textContent.includes("loading"),
  );
  let steps = 0;
  while (list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
    list.scrollTop += list.clientHeight;
    steps++;
    await frame();
  }
  document.querySelector('button[aria-label="Dismiss"]').click();
  await until(
    "the drawer to close",
    () => ![...document.querySelectorAll('[role="tab"]')].some((t) => /^Details/.test(t.textContent.trim())),
  );
  return steps;
}

const browser = await openBrowser({ timeout: 120_000 });
try {
  const page = await browser.context.newPage();
  await page.addInitScript(installFakeBackend, FIXTURES);
  await page.goto(`${browser.server.url}?recommendations=${N}&unhealthy=${U}&healthy=${H}`);
  await page.locator('[data-testid="recommendation-row"]').first().waitFor();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const measure = async (what) => {
    await cdp.send("HeapProfiler.collectGarbage");
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize } = await cdp.send("Runtime.getHeapUsage");
    const { metrics } = await cdp.send("Performance.getMetrics");
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const line = `| ${what} | ${(usedSize / 2 ** 20).toFixed(1)} | ${m.Nodes} | ${m.JSEventListeners} |`;
    console.log(line);
    return usedSize;
  };
  console.log(`${N} recommendations, ${U} unhealthy and ${H} healthy resources each, JS heap after GC:\n`);
  console.log("| | JS heap, MiB | DOM nodes | listeners |\n|---|---|---|---|");
  await page.waitForTimeout(1000);
  await measure("idle");
  const keys = Array.from({ length: N }, (_, i) => `bbbbbbbb-0000-4000-8000-${String(i).padStart(12, "0")}`);
  for (const [i, key] of keys.entries()) {
    await page.evaluate(browseOne, key);
    if (i === 0 || i === 9 || i === N - 1) await measure(`after ${i + 1} opened and closed`);
  }
  await page.waitForTimeout(KEPT_MS + 2_000);
  await measure(`all closed, ${(KEPT_MS + 2_000) / 1000} s later`);
  if (process.env.BENCH_SNAPSHOT) {
    const out = createWriteStream(process.env.BENCH_SNAPSHOT);
    cdp.on("HeapProfiler.addHeapSnapshotChunk", ({ chunk }) => out.write(chunk));
    await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
    await new Promise((r) => out.end(r));
    console.log(`\nheap snapshot: ${process.env.BENCH_SNAPSHOT}`);
  }
} finally {
  await browser.close();
}
