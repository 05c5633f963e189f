// Every failure the API answers carries a stable code in `extensions.code`. The credit codes are the table in
// docs/credit-core.md (a test keeps this list equal to it); the service's and billing's own come after.

export const CREDIT_ERROR_CODES = [
  "CAPABILITY_UNKNOWN",
  "QUALITY_LEVEL_UNKNOWN",
  "NO_ACTIVE_PLAN",
  "CAPABILITY_NOT_IN_PLAN",
  "CAPABILITY_DISABLED",
  "QUALITY_LEVEL_NOT_ALLOWED",
  "NO_MODEL_AVAILABLE",
  "RATE_LIMIT_MINUTE",
  "RATE_LIMIT_DAY",
  "INSUFFICIENT_CREDITS",
  "ORGANIZATION_NOT_FOUND",
  "RESERVATION_NOT_FOUND",
  "RESERVATION_RELEASED",
  "RESERVATION_ALREADY_SETTLED",
  "SETTLE_CEILING_EXCEEDED",
  "MODEL_UNKNOWN",
  "MODEL_NOT_ALLOWED",
  "MODEL_PRICE_MISSING",
  "RESERVATION_NOT_PENDING",
  "IDEMPOTENCY_KEY_REUSED",
  "INVALID_AMOUNT",
  "INVALID_ARGUMENT",
  "PLAN_NOT_FOUND",
  "PLAN_UNCHANGED",
] as const;

export const SERVICE_ERROR_CODES = [
  "INVALID_INPUT",
  "FORBIDDEN",
  "UNKNOWN_ACTION",
  "UNAUTHORIZED",
  "INTERNAL_ERROR",
  "PACKAGE_NOT_FOUND",
  "PACKAGE_INACTIVE",
  "STRIPE_NOT_CONFIGURED",
  "STRIPE_ERROR",
] as const;

export type CreditErrorCode = (typeof CREDIT_ERROR_CODES)[number];
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];
/** A code this client knows, or `NETWORK` (no answer), or another engine code (`validation-failed`, …). */
export type CreditsErrorCode = CreditErrorCode | ServiceErrorCode | "NETWORK" | (string & {});

/** The access denials, in the order the server checks them; `aiAccessCheck` answers them as `reason`. */
export const DENIAL_CODES = CREDIT_ERROR_CODES.slice(0, 10) as readonly CreditErrorCode[];
export type DenialCode = (typeof CREDIT_ERROR_CODES)[number] &
  (
    | "CAPABILITY_UNKNOWN"
    | "QUALITY_LEVEL_UNKNOWN"
    | "NO_ACTIVE_PLAN"
    | "CAPABILITY_NOT_IN_PLAN"
    | "CAPABILITY_DISABLED"
    | "QUALITY_LEVEL_NOT_ALLOWED"
    | "NO_MODEL_AVAILABLE"
    | "RATE_LIMIT_MINUTE"
    | "RATE_LIMIT_DAY"
    | "INSUFFICIENT_CREDITS"
  );

/** What a denial means to a user interface (docs/credit-core.md: 403-, 429-, 402-, 503-like). */
export type DenialKind = "not_in_plan" | "rate_limited" | "insufficient_credits" | "unavailable" | "unknown";

export function denialKind(code: string | null | undefined): DenialKind {
  switch (code) {
    case "NO_ACTIVE_PLAN":
    case "CAPABILITY_NOT_IN_PLAN":
    case "CAPABILITY_DISABLED":
    case "QUALITY_LEVEL_NOT_ALLOWED":
      return "not_in_plan";
    case "RATE_LIMIT_MINUTE":
    case "RATE_LIMIT_DAY":
      return "rate_limited";
    case "INSUFFICIENT_CREDITS":
      return "insufficient_credits";
    case "NO_MODEL_AVAILABLE":
      return "unavailable";
    default:
      return "unknown";
  }
}

export class CreditsError<C extends CreditsErrorCode = CreditsErrorCode> extends Error {
  readonly code: C;
  readonly extensions: Record<string, unknown>;

  constructor(code: C, message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = "CreditsError";
    this.code = code;
    this.extensions = extensions;
  }

  /** No answer came back (connection refused, reset, timeout): safe to retry an idempotent call. */
  get isNetwork(): boolean {
    return this.code === "NETWORK";
  }
}

/** Narrow an unknown error to a CreditsError, optionally of one code: `if (isCreditsError(e, "INSUFFICIENT_CREDITS"))`. */
export function isCreditsError<C extends CreditsErrorCode>(error: unknown, code?: C): error is CreditsError<C> {
  return error instanceof CreditsError && (code === undefined || error.code === code);
}

/** The reserve step was refused with an access denial. */
export class AccessDeniedError extends CreditsError<DenialCode> {
  constructor(code: DenialCode, message: string, extensions: Record<string, unknown> = {}) {
    super(code, message, extensions);
    this.name = "AccessDeniedError";
  }

  get kind(): DenialKind {
    return denialKind(this.code);
  }
}

export function isDenialCode(code: string): code is DenialCode {
  return (DENIAL_CODES as readonly string[]).includes(code);
}

/** The error for one GraphQL error object (`{message, extensions: {code}}`). */
export function errorFromGraphQL(message: string, extensions: Record<string, unknown> | undefined): CreditsError {
  const code = typeof extensions?.code === "string" ? extensions.code : "UNKNOWN";
  if (isDenialCode(code)) return new AccessDeniedError(code, message, extensions);
  return new CreditsError(code, message, extensions ?? {});
}
