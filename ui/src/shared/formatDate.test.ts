import { describe, expect, it } from "vitest";
import { formatExpiry, formatExpiryDate } from "./formatDate";

describe("formatExpiry", () => {
  it("says what toLocaleString says, with a formatter made once", () => {
    for (const at of ["2028-03-01T10:30:00Z", "2025-12-31T23:59:59Z", "2024-02-29T00:00:00+05:00"]) {
      const date = new Date(at);
      expect(formatExpiry(at)).toBe(date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }));
      expect(formatExpiryDate(at)).toBe(date.toLocaleDateString(undefined, { dateStyle: "medium" }));
    }
  });

  it("says Never when absent, and gives back what is not a date", () => {
    expect(formatExpiry(null)).toBe("Never");
    expect(formatExpiryDate(null)).toBe("Never");
    expect(formatExpiry("soon")).toBe("soon");
    expect(formatExpiryDate("soon")).toBe("soon");
  });
});
