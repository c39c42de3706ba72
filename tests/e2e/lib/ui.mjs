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
  const label = await browser.$(
    `//label[normalize-space(translate(., "*", ""))="${text}"]`,
  );
  await label.waitForClickable({ timeout: 20_000 });
  await label.click();
  return control(browser, text);
}

export async function button(browser, text) {
  const found = await browser.$(`//button[normalize-space()="${text}"]`);
  await found.waitForClickable({ timeout: 20_000 });
  return found;
}
