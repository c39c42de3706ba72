import { describe, expect, test } from "vitest";
import type { ApplyItem } from "../ipc/bindings";
import type { ApplyView } from "./applyStore";
import { resultTitle } from "./ApplyResult";
import { CHANGE_KEY } from "./changeKey";

const item = (method: "PUT" | "DELETE"): ApplyItem => ({ write: { method } }) as unknown as ApplyItem;

function view(key: string, methods: ("PUT" | "DELETE")[], counts: Partial<ApplyView> = {}): ApplyView {
  return {
    report: { recommendationKey: key },
    items: methods.map(item),
    total: methods.length,
    succeeded: methods.length,
    failed: 0,
    cancelled: 0,
    changed: 0,
    ...counts,
  } as unknown as ApplyView;
}

describe("resultTitle", () => {
  test("a creation is a creation", () => {
    expect(resultTitle(view("rec-1", ["PUT", "PUT"]))).toBe("Created 2 exemptions");
  });

  test('a change to existing exemptions says what it did, not "Created"', () => {
    expect(resultTitle(view(CHANGE_KEY, ["PUT", "PUT"]))).toBe("Updated 2 exemptions");
    expect(resultTitle(view(CHANGE_KEY, ["DELETE"]))).toBe("Deleted 1 exemption");
  });

  test("one changed in Azure since the preview is counted out", () => {
    expect(resultTitle(view(CHANGE_KEY, ["PUT", "PUT"], { succeeded: 1, changed: 1 }))).toBe(
      "Updated 1 of 2 exemptions",
    );
  });
});
