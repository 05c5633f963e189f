import { describe, expect, it } from "vitest";

import { addCredits, compareCredits, credits, formatCredits, formatUsdCents, subtractCredits } from "../src";

describe("credit amounts", () => {
  it("add and subtract exactly where floats would not", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addCredits("0.10", "0.20")).toBe("0.30");
    expect(addCredits("9999999999.99", "0.01")).toBe("10000000000.00");
    expect(subtractCredits("1.00", "1.25")).toBe("-0.25");
  });

  it("compare by value, not by text", () => {
    expect(compareCredits("10.5", "9.99")).toBe(1);
    expect(compareCredits("2.50", "2.5")).toBe(0);
    expect(compareCredits("-1.00", "0")).toBe(-1);
  });

  it("format with grouping and two decimals", () => {
    expect(formatCredits("1234567.5")).toBe("1,234,567.50");
    expect(formatCredits("-0.25")).toBe("−0.25");
    expect(formatUsdCents(1999)).toBe("$19.99");
  });

  it("refuse what is not a decimal string", () => {
    expect(() => credits("1e3")).toThrow(TypeError);
    expect(() => credits("NaN")).toThrow(TypeError);
    // @ts-expect-error numbers are refused at compile time too
    expect(() => credits(1.5)).toThrow();
    expect(() => addCredits("0.001", "0")).toThrow(RangeError);
  });
});
