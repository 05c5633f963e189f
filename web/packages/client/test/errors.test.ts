import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { AccessDeniedError, CREDIT_ERROR_CODES, DENIAL_CODES, errorFromGraphQL, isCreditsError } from "../src";

const creditCore = readFileSync(fileURLToPath(new URL("../../../../docs/credit-core.md", import.meta.url)), "utf8");

/** The codes in the first column of docs/credit-core.md's "## Errors" table. */
function documentedCodes(): string[] {
  const section = creditCore.split("## Errors")[1]!.split("\n## ")[0]!;
  const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| code") && !line.startsWith("| ---"));
  return rows.flatMap((row) => row.split("|")[1]!.split(",").map((code) => code.trim()));
}

describe("error codes", () => {
  it("are exactly the codes of docs/credit-core.md's table", () => {
    const documented = new Set(documentedCodes());
    expect(documented.size).toBeGreaterThan(15);
    expect(new Set(CREDIT_ERROR_CODES)).toEqual(documented);
  });

  it("lists the denials in the order the server checks them (the table's first row)", () => {
    const firstRow = documentedCodes().slice(0, DENIAL_CODES.length);
    expect([...DENIAL_CODES]).toEqual(firstRow);
    expect(DENIAL_CODES.at(-1)).toBe("INSUFFICIENT_CREDITS");
  });

  it("maps a GraphQL error to a typed error by its code", () => {
    const denied = errorFromGraphQL("99999 credits needed, 20.00 spendable", { code: "INSUFFICIENT_CREDITS" });
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect((denied as AccessDeniedError).kind).toBe("insufficient_credits");
    expect(isCreditsError(denied, "INSUFFICIENT_CREDITS")).toBe(true);
    expect(isCreditsError(denied, "RATE_LIMIT_DAY")).toBe(false);

    const other = errorFromGraphQL("reservation was released", { code: "RESERVATION_RELEASED" });
    expect(other).not.toBeInstanceOf(AccessDeniedError);
    expect(other.code).toBe("RESERVATION_RELEASED");
    expect(errorFromGraphQL("boom", undefined).code).toBe("UNKNOWN");
  });
});
