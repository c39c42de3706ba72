// Finding and filling the app's controls the way a user does: by their
// visible labels.

/** The form control whose <label> reads `text` (ignoring a required asterisk). */
export async function control(browser, text) {
  const element = await browser.waitUntil(
    () =>
      browser.execute((wanted) => {
        const labels = [...document.querySelectorAll("label")];
        const label = labels.find((l) => l.textContent.replace(/\*/g, "").trim() === wanted);
        if (!label) return null;
        return label.htmlFor ? document.getElementById(label.htmlFor) : label.querySelector("input, textarea");
      }, text),
    { timeout: 20_000, timeoutMsg: `no control labelled "${text}"` },
  );
  return browser.$(element);
}

/** Sets a value the way React sees typing (for inputs WebKit types oddly into, like dates). */
export async function setNativeValue(browser, element, value) {
  await browser.execute(
    (el, v) => {
      const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, "value").set.call(el, v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    },
    element,
    value,
  );
}

export async function type(browser, label, value) {
  const input = await control(browser, label);
  await input.click();
  await input.setValue(value);
  return input;
}

/** Clicks the label of the checkbox, radio or switch it names, as a user does
 * (Fluent draws those inputs transparent over their indicator, so WebKit will
 * not click the input itself). Returns the input. */
export async function choose(browser, text) {
  const label = await browser.$(`//label[normalize-space(translate(., "*", ""))="${text}"]`);
  await label.waitForClickable({ timeout: 20_000 });
  await label.click();
  return control(browser, text);
}

export async function button(browser, text) {
  const found = await browser.$(`//button[normalize-space()="${text}"]`);
  // A long form (or an error above the button) can leave it below the fold.
  await found.waitForExist({ timeout: 20_000 });
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), found);
  await found.waitForClickable({ timeout: 20_000 });
  return found;
}

/** Opens the recommendation whose row mentions `name`, after searching for `search`. */
export async function openRecommendation(browser, search, name) {
  await browser.waitUntil(async () => (await browser.$$('[data-testid="recommendation-row"]')).length > 0, {
    timeout: 60_000,
    timeoutMsg: "no recommendations appeared",
  });
  const box = await browser.$('input[aria-label="Search recommendations"]');
  await box.setValue(search);
  const row = await browser.$(`//*[@data-testid="recommendation-row"][contains(., "${name}")]`);
  await row.waitForClickable({ timeout: 20_000 });
  // Click the row's first cell, as a user would.
  await (await row.$('[role="gridcell"]')).click();
}

/** Waits until the checks ran and none failed, then previews and confirms; returns the write count. */
export async function previewAndCreate(browser) {
  const count = await preview(browser);
  await confirmCreate(browser, count);
  return count;
}

/** Waits until the checks ran and none failed, then opens the preview; returns the write count. */
export async function preview(browser) {
  await browser.waitUntil(
    async () => {
      const checks = await browser.$$('[data-testid="checks"] [data-check-status]');
      if (checks.length === 0) return false;
      for (const c of checks) if ((await c.getAttribute("data-check-status")) === "Failed") return false;
      return true;
    },
    { timeout: 30_000, timeoutMsg: "the checks did not all pass" },
  );
  await (await button(browser, "Preview")).click();
  const writes = await browser.$$('[data-testid="preview-write"]');
  await browser.waitUntil(async () => (await browser.$$('[data-testid="preview-write"]')).length > 0, {
    timeout: 20_000,
  });
  void writes;
  return (await browser.$$('[data-testid="preview-write"]')).length;
}

/** Confirms the preview of `count` writes and waits for the apply to finish. */
export async function confirmCreate(browser, count) {
  await (await button(browser, `Create ${count} exemption${count === 1 ? "" : "s"}`)).click();
  const progress = await browser.$('[data-testid="apply-progress"][data-finished="true"]');
  await progress.waitForExist({ timeout: 60_000, timeoutMsg: "the apply did not finish" });
}

/** Opens Connect from the header and fills what every sign-in to the
 * simulator needs: a profile name, custom endpoints (the simulator's URL),
 * the tenant, and the method. */
export async function startConnect(browser, sim, { profile, tenant, method }) {
  await (await button(browser, "Switch tenant")).click();
  await type(browser, "Profile name", profile);
  await choose(browser, "Custom endpoints");
  await type(browser, "Sign-in host", sim.url);
  await type(browser, "Resource Manager endpoint", sim.url);
  await type(browser, "Microsoft Graph endpoint", sim.url);
  await type(browser, "Tenant", tenant);
  await choose(browser, method);
}

/** The account the header shows. */
export function headerAccount(browser) {
  return browser.execute(() => document.querySelector('[data-testid="session-account"]')?.textContent ?? "");
}

/** Opens the Exemptions screen on every exemption. While some expire within the
 * reminder window (the demo seed's dates follow today's), the navigation opens
 * the register on those alone, once it knows of them: wait for the register,
 * then clear what the navigation chose. */
export async function openWholeRegister(browser) {
  await (await button(browser, "Exemptions")).click();
  await (await browser.$('[data-testid="list-count"]')).waitForExist({ timeout: 60_000, timeoutMsg: "no register" });
  const clear = await browser.$('//button[normalize-space()="Clear filters"]');
  if (await clear.isExisting()) await clear.click();
}
