// Credit amounts are exact decimal strings ("12.50"). Arithmetic here is in hundredths with BigInt, so an
// amount never passes through a float.

const DECIMAL = /^-?\d+(\.\d+)?$/;

export type Credits = string;

export function isCredits(value: unknown): value is Credits {
  return typeof value === "string" && DECIMAL.test(value);
}

/** An amount as a decimal string; refuses JS numbers so no float ever reaches the API. */
export function credits(value: string | bigint): Credits {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "string") throw new TypeError(`credits travel as decimal strings, got ${typeof value}`);
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) throw new TypeError(`not a decimal amount: ${JSON.stringify(value)}`);
  return trimmed;
}

function toCents(value: Credits): bigint {
  const amount = credits(value);
  const negative = amount.startsWith("-");
  const [whole = "0", frac = ""] = amount.replace("-", "").split(".");
  if (frac.length > 2 && /[1-9]/.test(frac.slice(2))) throw new RangeError(`more than 2 decimals: ${value}`);
  const cents = BigInt(whole) * 100n + BigInt((frac + "00").slice(0, 2));
  return negative ? -cents : cents;
}

function fromCents(cents: bigint): Credits {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
  return negative ? `-${text}` : text;
}

export function compareCredits(a: Credits, b: Credits): -1 | 0 | 1 {
  const x = toCents(a);
  const y = toCents(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addCredits(a: Credits, b: Credits): Credits {
  return fromCents(toCents(a) + toCents(b));
}

export function subtractCredits(a: Credits, b: Credits): Credits {
  return fromCents(toCents(a) - toCents(b));
}

/** "1234.5" → "1,234.50" (grouping for display only; the value is never rounded through a float). */
export function formatCredits(value: Credits): string {
  const text = fromCents(toCents(value));
  const negative = text.startsWith("-");
  const [whole = "0", frac = ""] = text.replace("-", "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "−" : ""}${grouped}.${frac}`;
}

/** US cents as dollars: 1999 → "$19.99". */
export function formatUsdCents(cents: number): string {
  return `$${fromCents(BigInt(cents))}`;
}
