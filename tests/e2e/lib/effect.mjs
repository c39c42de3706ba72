// Seeing an exemption take effect: the simulator's clock moved past its effect
// delay, then the app's own views (Defender's status panel, the Details tab).
import assert from "node:assert/strict";
import { screenshot } from "./harness.mjs";

/** Moves the simulator's clock (all its time, including the effect delay) forward. */
export async function advanceSimClock(sim, seconds) {
  const response = await fetch(`${sim.url}/_sim/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  if (!response.ok) throw new Error(`/_sim/clock: HTTP ${response.status}`);
  return response.json();
}

/** The simulator's effect delay, in simulated seconds. */
export async function simEffectDelay(sim) {
  const response = await fetch(`${sim.url}/_sim/settings`);
  if (!response.ok) throw new Error(`/_sim/settings: HTTP ${response.status}`);
  return (await response.json()).effectDelaySeconds;
}

/** Selects a tab of the drawer ("Exempt", "Details") by its text, or of the details ("Unhealthy (3)", …) by the text before the count.
 * (Fluent draws a tab's text twice, once hidden to reserve its bold width: the first copy is compared.) */
async function tab(browser, text) {
  const found = await browser.waitUntil(
    () =>
      browser.execute((wanted) => {
        const tabs = [...document.querySelectorAll('[role="dialog"] [role="tab"]')];
        return (
          tabs.find((t) => {
            const shown = (t.querySelector("span")?.textContent ?? t.textContent).trim();
            const label =
              [...t.querySelectorAll("span")].map((s) => s.textContent.trim()).find((x) => x.length > 0) ?? shown;
            return label === wanted || label.startsWith(`${wanted} (`);
          }) ?? null
        );
      }, text),
    { timeout: 20_000, timeoutMsg: `no tab "${text}" in the drawer` },
  );
  const element = await browser.$(found);
  await element.waitForClickable({ timeout: 20_000 });
  await element.click();
}

/** Every row of the Details tab's list for one status (the list is virtualised: scrolled through). */
async function rowsOf(browser, status, label) {
  await tab(browser, "Details");
  const loaded = () =>
    browser.execute(
      (l) =>
        [...document.querySelectorAll('[role="dialog"] [role="tab"]')].some((t) =>
          new RegExp(`^${l} \\(\\d+\\)`).test(t.textContent.trim()),
        ),
      label,
    );
  try {
    await browser.waitUntil(loaded, { timeout: 30_000, timeoutMsg: "the resources did not load" });
  } catch (e) {
    await screenshot(browser, "e2e-details-not-loaded");
    const tabs = await browser.execute(() => [...document.querySelectorAll('[role="tab"]')].map((t) => t.textContent));
    throw new Error(`${e.message}; tabs: ${JSON.stringify(tabs)}`, { cause: e });
  }
  await tab(browser, label);
  await browser.pause(300);
  return browser.execute(
    async (wanted, listLabel) => {
      const list = document.querySelector(`[role="grid"][aria-label="${listLabel} resources"]`);
      const seen = new Map();
      const collect = () => {
        for (const el of document.querySelectorAll(`[data-testid="assessed-resource"][data-status="${wanted}"]`)) {
          const cause = el.querySelector('[data-testid="not-applicable-cause"]')?.textContent ?? null;
          seen.set(el.getAttribute("title"), { id: el.getAttribute("title"), status: wanted, cause });
        }
      };
      collect();
      if (list) {
        for (let top = 0; top <= list.scrollHeight; top += Math.max(list.clientHeight / 2, 32)) {
          list.scrollTop = top;
          await new Promise((r) => setTimeout(r, 60));
          collect();
        }
      }
      return [...seen.values()];
    },
    status,
    label,
  );
}

/** Ids of the resources the Details tab lists as Unhealthy. */
export async function unhealthyResources(browser) {
  const rows = await rowsOf(browser, "Unhealthy", "Unhealthy");
  await tab(browser, "Exempt");
  return rows.map((r) => r.id);
}

/**
 * After an apply: moves the simulator past its effect delay, waits until the
 * app's "In Defender for Cloud" panel says every exempted resource is exempt,
 * then checks in the Details tab that each of `covered` is Not applicable with
 * cause Exempt. Returns the Not applicable rows.
 */
export async function expectExemptAfterEffectDelay(browser, sim, covered, picture) {
  const delay = await simEffectDelay(sim);
  await advanceSimClock(sim, delay + 60);
  const status = await browser.$('[data-testid="effect-status"]');
  await status.waitForExist({ timeout: 30_000, timeoutMsg: "no effect panel after the apply" });
  // The panel asks Defender again every 30 s.
  await browser.waitUntil(async () => (await status.getAttribute("data-complete")) === "true", {
    timeout: 75_000,
    timeoutMsg: `Defender never showed every exempted resource as exempt: ${await status.getText().catch(() => "")}`,
  });
  assert.match(await status.getText(), /Defender for Cloud shows every exempted resource as Not applicable \(Exempt\)/);
  await browser.execute((el) => el.scrollIntoView({ block: "start" }), status);
  await browser.pause(300);
  await screenshot(browser, `${picture}-effect`);
  const notApplicable = await rowsOf(browser, "NotApplicable", "Not applicable");
  await browser.pause(300);
  await screenshot(browser, `${picture}-not-applicable`);
  for (const id of covered) {
    const row = notApplicable.find((r) => r.id.toLowerCase() === id.toLowerCase());
    assert.ok(row, `${id} is listed as Not applicable (got ${JSON.stringify(notApplicable)})`);
    assert.match(row.cause ?? "", /^Cause: Exempt/, `${id} is Not applicable because it is exempt`);
  }
  const stillUnhealthy = await rowsOf(browser, "Unhealthy", "Unhealthy");
  for (const id of covered) {
    assert.ok(!stillUnhealthy.some((r) => r.id.toLowerCase() === id.toLowerCase()), `${id} is no longer Unhealthy`);
  }
  await tab(browser, "Exempt");
  return notApplicable;
}
