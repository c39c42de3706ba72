// A zone west of UTC with DST, so offsets are negative and vary by date.
process.env.TZ = "America/New_York";

import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => cleanup());

// jsdom lacks these; Fluent UI and the theme hook use them.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
if (!window.ResizeObserver) {
  window.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
if (!Element.prototype.scrollIntoView) Element.prototype.scrollIntoView = () => {};

// jsdom lays nothing out: give elements a size, so virtualised lists render rows.
for (const prop of ["offsetHeight", "offsetWidth", "clientHeight", "clientWidth"]) {
  Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => 600 });
}
