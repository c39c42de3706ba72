import { describe, expect, test } from "vitest";
import { enumWords } from "./enumWords";

describe("enumWords", () => {
  test("PascalCase reads as words", () => {
    expect(enumWords("OffByPolicy")).toBe("Off by policy");
    expect(enumWords("NotApplicable")).toBe("Not applicable");
    expect(enumWords("Exempt")).toBe("Exempt");
    expect(enumWords("DoNotValidate")).toBe("Do not validate");
  });

  test("acronyms stay in capitals", () => {
    expect(enumWords("SQLServer")).toBe("SQL server");
  });

  test("what is not an enum value is left alone", () => {
    expect(enumWords("not given")).toBe("not given");
    expect(enumWords("")).toBe("");
    expect(enumWords("Already words")).toBe("Already words");
  });
});
