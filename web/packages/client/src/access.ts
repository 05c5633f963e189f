import { AccessDeniedError, CreditsError, isDenialCode, type DenialCode, type DenialKind, denialKind } from "./errors";
import type { GraphQLTransport } from "./client";
import { ServiceAccessCheckDocument, type ServiceAccessCheckQuery } from "./generated/service";
import { ReleaseCreditsDocument, ReserveCreditsDocument, SettleCreditsDocument } from "./generated/service";
import { credits as toCredits, type Credits } from "./decimal";

export type AccessAnswer = NonNullable<ServiceAccessCheckQuery["aiAccessCheck"]>;

/** An access answer as a discriminated union: `if (!decision.allowed) decision.reason` is a DenialCode. */
export type AccessDecision =
  | (AccessAnswer & { allowed: true; reason: null })
  | (AccessAnswer & { allowed: false; reason: DenialCode; kind: DenialKind });

export function toDecision(answer: AccessAnswer): AccessDecision {
  if (answer.allowed) return { ...answer, allowed: true, reason: null };
  const reason = answer.reason && isDenialCode(answer.reason) ? answer.reason : "CAPABILITY_UNKNOWN";
  return { ...answer, allowed: false, reason, kind: denialKind(reason) };
}

export async function checkAccess(transport: GraphQLTransport, capability: string, qualityLevel: string): Promise<AccessDecision> {
  const data = await transport.query(ServiceAccessCheckDocument, { capability, qualityLevel });
  if (!data.aiAccessCheck) throw new CreditsError("NETWORK", "aiAccessCheck answered null");
  return toDecision(data.aiAccessCheck);
}

export interface AIModelChoice {
  id: string;
  /** The catalog's name (`openai/gpt-4o`): what a usage settle names as `usage.model`. */
  uniqueName: string;
  modelId: string;
  name: string;
  provider: string;
}

export interface Reservation {
  reservationId: string;
  reservedCredits: Credits;
  idempotencyKey: string;
  expiresAt: string;
  replayed: boolean;
}

export interface RunContext {
  /** The model the reservation was made for (the plan's default at this level). */
  model: AIModelChoice;
  /** The other models allowed at this level, by priority, for when `model` fails. */
  fallbacks: AIModelChoice[];
  reservation: Reservation;
}

/** Token counts as the provider reported them; the server prices them from the model's list prices. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** The `uniqueName` of the model that served the call (a fallback's, if one did); defaults to the reserved model. */
  model?: string;
}

interface OutcomeDetails<T> {
  result?: T;
  providerRequestId?: string;
  providerMetadata?: Record<string, unknown>;
}

/**
 * What the AI work cost: exactly one of `credits`, a decimal string ("1.25"; 0 ends the hold without a charge),
 * and `usage`, the tokens it used, which the server prices.
 */
export type RunOutcome<T = unknown> = OutcomeDetails<T> &
  ({ credits: Credits; usage?: undefined } | { usage: TokenUsage; credits?: undefined });

export interface ExecuteOptions {
  capability: string;
  qualityLevel: string;
  /** Credits to hold instead of the capability's estimate at this level (decimal string). */
  estimate?: Credits;
  /** Defaults to a new random key; pass your request id so a retried request reuses its reservation. */
  idempotencyKey?: string;
  ttlSeconds?: number;
  /** Attempts per call when no answer came back (network errors); every attempt reuses the same key. */
  retries?: number;
  retryDelayMs?: number;
}

export interface ExecuteResult<T> {
  result: T | undefined;
  reservationId: string;
  settledCredits: Credits;
  transactionId: string | null;
  balanceAfter: Credits | null;
  model: AIModelChoice;
  /** For a usage settle: the tokens charged, the provider's cost in USD (exact decimal string) and the model priced. */
  inputTokens: number | null;
  outputTokens: number | null;
  providerCostUsd: string | null;
  settledModel: string | null;
}

// The API's token counts are GraphQL Ints (32-bit); a larger count would be refused after the work ran.
const MAX_TOKENS = 2_147_483_647;

function tokenCount(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > MAX_TOKENS) {
    throw new TypeError(`usage.${name} must be an integer from 0 to ${MAX_TOKENS}, got ${String(value)}`);
  }
  return value;
}

type SettleAmount = { actualCredits: Credits; usage?: undefined } | { usage: Required<TokenUsage>; actualCredits?: undefined };

/** The settle's cost arguments from what `run` returned; a TypeError for anything the API would not take. */
function settleAmount(outcome: unknown, reservedModel: string): SettleAmount {
  if (typeof outcome !== "object" || outcome === null) throw new TypeError("the work must return {credits} or {usage}");
  const { credits, usage } = outcome as { credits?: unknown; usage?: unknown };
  if ((credits === undefined) === (usage === undefined)) {
    throw new TypeError("the work must return exactly one of credits and usage");
  }
  if (credits !== undefined) return { actualCredits: toCredits(credits as string) };
  if (typeof usage !== "object" || usage === null) throw new TypeError("usage must be {inputTokens, outputTokens, model?}");
  const { inputTokens, outputTokens, model } = usage as Record<string, unknown>;
  if (model !== undefined && (typeof model !== "string" || model.trim() === "")) {
    throw new TypeError("usage.model must be a model's uniqueName");
  }
  return {
    usage: {
      inputTokens: tokenCount(inputTokens, "inputTokens"),
      outputTokens: tokenCount(outputTokens, "outputTokens"),
      model: model ?? reservedModel,
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withRetries<T>(attempts: number, delayMs: number, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      // Only a call whose answer never arrived is repeated; every answered error is final.
      if (!(error instanceof CreditsError && error.isNetwork) || attempt >= attempts) throw error;
      await sleep(delayMs * 2 ** (attempt - 1));
    }
  }
}

/**
 * Reserve credits, run the AI work, settle what it really cost; release the hold if the work throws.
 * Needs a `service`-role token. A denial throws AccessDeniedError (with `extensions.unlockPlans` etc. from
 * the access check), before `run` is called.
 */
export async function executeWithAIAccess<T>(
  transport: GraphQLTransport,
  options: ExecuteOptions,
  run: (context: RunContext) => Promise<RunOutcome<T>>,
): Promise<ExecuteResult<T>> {
  const attempts = Math.max(1, options.retries ?? 3);
  const delay = options.retryDelayMs ?? 200;
  const idempotencyKey = options.idempotencyKey ?? globalThis.crypto.randomUUID();
  const estimatedCredits = options.estimate === undefined ? undefined : toCredits(options.estimate);

  const accessPromise = checkAccess(transport, options.capability, options.qualityLevel).catch(() => null);
  let reserved;
  try {
    reserved = await withRetries(attempts, delay, () =>
      transport.mutate(ReserveCreditsDocument, {
        capability: options.capability,
        qualityLevel: options.qualityLevel,
        idempotencyKey,
        estimatedCredits,
        ttlSeconds: options.ttlSeconds,
      }),
    );
  } catch (error) {
    if (error instanceof AccessDeniedError) {
      const access = await accessPromise;
      throw new AccessDeniedError(error.code, error.message, {
        ...error.extensions,
        unlockPlans: access?.unlockPlans ?? [],
        allowedQualityLevels: access?.allowedQualityLevels ?? [],
        balance: access?.balance ?? null,
        estimatedCredits: access?.estimatedCredits ?? null,
      });
    }
    throw error;
  }
  const reservation = reserved.reserveCredits;
  if (!reservation) throw new CreditsError("NETWORK", "reserveCredits answered null");
  const access = await accessPromise;
  const model: AIModelChoice = reservation.model;
  const fallbacks = (access?.models ?? []).filter((m) => m.id !== model.id);

  let outcome: RunOutcome<T>;
  let amount: SettleAmount;
  try {
    outcome = await run({
      model,
      fallbacks,
      reservation: {
        reservationId: reservation.reservationId,
        reservedCredits: reservation.reservedCredits,
        idempotencyKey,
        expiresAt: reservation.expiresAt,
        replayed: reservation.replayed,
      },
    });
    amount = settleAmount(outcome, model.uniqueName); // an unusable cost gives the hold back like a failure
  } catch (error) {
    const reason = `failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000);
    await withRetries(attempts, delay, () =>
      transport.mutate(ReleaseCreditsDocument, { reservationId: reservation.reservationId, reason }),
    ).catch(() => undefined); // the hold expires on its own if the release cannot be delivered
    throw error;
  }

  const settled = await withRetries(attempts, delay, () =>
    transport.mutate(SettleCreditsDocument, {
      reservationId: reservation.reservationId,
      ...amount,
      providerRequestId: outcome.providerRequestId,
      providerMetadata: outcome.providerMetadata,
    }),
  );
  const settlement = settled.settleCredits;
  if (!settlement) throw new CreditsError("NETWORK", "settleCredits answered null");
  return {
    result: outcome.result,
    reservationId: settlement.reservationId,
    settledCredits: settlement.settledCredits ?? "0.00",
    transactionId: settlement.transactionId ?? null,
    balanceAfter: settlement.balanceAfter ?? null,
    model,
    inputTokens: settlement.inputTokens ?? null,
    outputTokens: settlement.outputTokens ?? null,
    providerCostUsd: settlement.providerCostUsd ?? null,
    settledModel: settlement.settledModel ?? null,
  };
}
