import { describe, expect, test } from "vitest";
import { retryMessage } from "./ApplyItemRow";

describe("retryMessage", () => {
  test("the backend's message names its attempt once", () => {
    const message = "Attempt 3 failed: Azure answered 503; retrying in 2.0 s.";
    expect(retryMessage({ state: "Retrying", attempts: 3, message })).toBe(message);
  });

  test("a message without the attempt is given it", () => {
    expect(retryMessage({ state: "Retrying", attempts: 2, message: "Azure is throttling." })).toBe(
      "Attempt 2 failed: Azure is throttling.",
    );
  });

  test("other states show their message as it is", () => {
    expect(retryMessage({ state: "Failed", attempts: 3, message: "Refused." })).toBe("Refused.");
    expect(retryMessage({ state: "Succeeded", attempts: 1, message: null })).toBe("");
  });
});
