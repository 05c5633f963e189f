import type { AnyVariables, TypedDocumentNode } from "@urql/core";
import { print } from "graphql";
import { describe, expect, it } from "vitest";

import { AccessDeniedError, CreditsError, createCreditsClient, type GraphQLTransport } from "../src";

type Call = { op: string; variables: Record<string, unknown> };

const model = { id: "llm_gpt_4o", uniqueName: "openai/gpt-4o", modelId: "gpt-4o", name: "GPT-4o", provider: "openai" };

/** A transport that answers from a script per operation name and records every call. */
function scripted(answers: Record<string, ((variables: Record<string, unknown>) => unknown)[]>) {
  const calls: Call[] = [];
  const answer = async (document: TypedDocumentNode<unknown, AnyVariables>, variables: AnyVariables) => {
    const op = /(?:query|mutation) (\w+)/.exec(print(document))![1]!;
    calls.push({ op, variables: variables as Record<string, unknown> });
    const queue = answers[op];
    if (!queue?.length) throw new Error(`unexpected ${op}`);
    const next = queue.length > 1 ? queue.shift()! : queue[0]!;
    return next(variables as Record<string, unknown>);
  };
  const transport: GraphQLTransport = {
    query: answer as GraphQLTransport["query"],
    mutate: answer as GraphQLTransport["mutate"],
    subscribe: () => () => undefined,
    close: () => undefined,
  };
  return { calls, client: createCreditsClient({ url: "http://unused", transport }) };
}

const access = () => ({
  aiAccessCheck: {
    allowed: true, reason: null, message: "allowed", estimatedCredits: "1.50",
    balance: { available: "525.00", spendable: "525.00" },
    models: [{ ...model, isDefault: true, priority: 0 }, { id: "llm_claude", uniqueName: "anthropic/claude-3-5", modelId: "claude-3-5", name: "Claude", provider: "anthropic", isDefault: false, priority: 1 }],
    allowedQualityLevels: ["fast", "enhanced"], unlockPlans: [],
  },
});
const reserved = (v: Record<string, unknown>) => ({
  reserveCredits: { reservationId: "res_1", status: "pending", reservedCredits: "1.50", replayed: false, expiresAt: "2026-12-02T10:05:00Z", model, key: v.idempotencyKey },
});
const settled = (v: Record<string, unknown>) => ({
  settleCredits: {
    reservationId: v.reservationId, status: "settled", settledCredits: v.actualCredits, transactionId: "tx_1", replayed: false, balanceAfter: "523.75",
    inputTokens: null, outputTokens: null, providerCostUsd: null, settledModel: null,
  },
});
/** The server's answer to a usage settle: 812 in + 240 out on gpt-4o = 0.00443 USD = 4.43 credits at 1000/USD. */
const settledByUsage = (v: Record<string, unknown>) => {
  const usage = v.usage as { inputTokens: number; outputTokens: number; model: string };
  return {
    settleCredits: {
      reservationId: v.reservationId, status: "settled", settledCredits: "4.43", transactionId: "tx_2", replayed: false, balanceAfter: "520.57",
      inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, providerCostUsd: "0.0044300000", settledModel: usage.model,
    },
  };
};
const released = () => ({ releaseCredits: { reservationId: "res_1", status: "released", replayed: false } });
const networkDown = () => {
  throw new CreditsError("NETWORK", "connection reset");
};

describe("executeWithAIAccess", () => {
  it("reserves, runs with the reserved model and its fallbacks, then settles the actual cost as a string", async () => {
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], SettleCredits: [settled] });
    const out = await client.executeWithAIAccess({ capability: "question_generation", qualityLevel: "fast" }, async ({ model: m, fallbacks, reservation }) => {
      expect(m.modelId).toBe("gpt-4o");
      expect(fallbacks.map((f) => f.modelId)).toEqual(["claude-3-5"]);
      expect(reservation.reservedCredits).toBe("1.50");
      return { credits: "1.25", result: "an answer", providerRequestId: "chatcmpl-1" };
    });
    expect(out).toMatchObject({ result: "an answer", settledCredits: "1.25", transactionId: "tx_1", balanceAfter: "523.75" });
    const settle = calls.find((c) => c.op === "SettleCredits")!;
    expect(settle.variables).toMatchObject({ reservationId: "res_1", actualCredits: "1.25", providerRequestId: "chatcmpl-1" });
    expect(calls.some((c) => c.op === "ReleaseCredits")).toBe(false);
  });

  it("releases the hold when the work throws, and rethrows the work's error", async () => {
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], ReleaseCredits: [released] });
    const failure = new Error("provider timeout");
    await expect(
      client.executeWithAIAccess({ capability: "question_generation", qualityLevel: "fast" }, async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    const release = calls.find((c) => c.op === "ReleaseCredits")!;
    expect(release.variables).toEqual({ reservationId: "res_1", reason: "failed: provider timeout" });
    expect(calls.some((c) => c.op === "SettleCredits")).toBe(false);
  });

  it("retries a reserve and a settle that got no answer, with the same idempotency key", async () => {
    const { calls, client } = scripted({
      ServiceAccessCheck: [access],
      ReserveCredits: [networkDown, networkDown, reserved],
      SettleCredits: [networkDown, settled],
    });
    const out = await client.executeWithAIAccess({ capability: "question_generation", qualityLevel: "fast", retryDelayMs: 1 }, async () => ({ credits: "2" }));
    const keys = calls.filter((c) => c.op === "ReserveCredits").map((c) => c.variables.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(calls.filter((c) => c.op === "SettleCredits")).toHaveLength(2);
    expect(out.settledCredits).toBe("2");
  });

  it("does not retry an answered error, and a denial never runs the work", async () => {
    const denied = () => {
      throw Object.assign(new AccessDeniedError("QUALITY_LEVEL_NOT_ALLOWED", "premium is not in the free plan"));
    };
    const unlock = () => ({ aiAccessCheck: { ...access().aiAccessCheck, allowed: false, reason: "QUALITY_LEVEL_NOT_ALLOWED", unlockPlans: [{ id: "plan_pro", uniqueName: "pro", name: "Pro", monthlyAiCredits: 500 }] } });
    const { calls, client } = scripted({ ServiceAccessCheck: [unlock], ReserveCredits: [denied] });
    let ran = false;
    const error = await client
      .executeWithAIAccess({ capability: "question_generation", qualityLevel: "premium", retryDelayMs: 1 }, async () => {
        ran = true;
        return { credits: "1" };
      })
      .catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).kind).toBe("not_in_plan");
    expect((error as AccessDeniedError).extensions.unlockPlans).toEqual([expect.objectContaining({ name: "Pro" })]);
    expect(calls.filter((c) => c.op === "ReserveCredits")).toHaveLength(1);
  });

  it("passes an explicit estimate as a decimal string and reuses a caller's key", async () => {
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], SettleCredits: [settled] });
    await client.executeWithAIAccess({ capability: "c", qualityLevel: "fast", estimate: "3.00", idempotencyKey: "req-42" }, async () => ({ credits: "0" }));
    expect(calls.find((c) => c.op === "ReserveCredits")!.variables).toMatchObject({ estimatedCredits: "3.00", idempotencyKey: "req-42" });
  });

  it("settles token usage on the reserved model when the work names none, and answers the priced fields", async () => {
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], SettleCredits: [settledByUsage] });
    const out = await client.executeWithAIAccess({ capability: "question_generation", qualityLevel: "fast" }, async () => ({
      usage: { inputTokens: 812, outputTokens: 240 },
      result: "an answer",
      providerRequestId: "chatcmpl-2",
    }));
    const settle = calls.find((c) => c.op === "SettleCredits")!;
    expect(settle.variables).toEqual({
      reservationId: "res_1",
      usage: { inputTokens: 812, outputTokens: 240, model: "openai/gpt-4o" },
      providerRequestId: "chatcmpl-2",
      providerMetadata: undefined,
    });
    expect(out).toMatchObject({
      result: "an answer", settledCredits: "4.43", transactionId: "tx_2", balanceAfter: "520.57",
      inputTokens: 812, outputTokens: 240, providerCostUsd: "0.0044300000", settledModel: "openai/gpt-4o",
    });
    expect(calls.some((c) => c.op === "ReleaseCredits")).toBe(false);
  });

  it("settles usage on the fallback that served the call, named by its uniqueName", async () => {
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], SettleCredits: [settledByUsage] });
    const out = await client.executeWithAIAccess({ capability: "question_generation", qualityLevel: "fast" }, async ({ fallbacks }) => ({
      usage: { inputTokens: 0, outputTokens: 15, model: fallbacks[0]!.uniqueName },
    }));
    expect(calls.find((c) => c.op === "SettleCredits")!.variables.usage).toEqual({ inputTokens: 0, outputTokens: 15, model: "anthropic/claude-3-5" });
    expect(out.settledModel).toBe("anthropic/claude-3-5");
  });

  it("an amount settle answers no usage fields", async () => {
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], SettleCredits: [settled] });
    const out = await client.executeWithAIAccess({ capability: "c", qualityLevel: "fast" }, async () => ({ credits: "1.00" }));
    expect(calls.find((c) => c.op === "SettleCredits")!.variables).not.toHaveProperty("usage");
    expect(out).toMatchObject({ inputTokens: null, outputTokens: null, providerCostUsd: null, settledModel: null });
  });

  const invalidOutcomes: [string, unknown][] = [
    ["both credits and usage", { credits: "1.00", usage: { inputTokens: 1, outputTokens: 1 } }],
    ["neither credits nor usage", { result: "an answer" }],
    ["no outcome at all", undefined],
    ["usage that is not an object", { usage: 812 }],
    ["negative input tokens", { usage: { inputTokens: -1, outputTokens: 10 } }],
    ["fractional output tokens", { usage: { inputTokens: 10, outputTokens: 2.5 } }],
    ["NaN tokens", { usage: { inputTokens: Number.NaN, outputTokens: 10 } }],
    ["tokens as a string", { usage: { inputTokens: "812", outputTokens: 10 } }],
    ["missing output tokens", { usage: { inputTokens: 812 } }],
    ["an unsafe integer", { usage: { inputTokens: 2 ** 53, outputTokens: 0 } }],
    ["more tokens than the API's Int holds", { usage: { inputTokens: 2 ** 31, outputTokens: 0 } }],
    ["a blank model", { usage: { inputTokens: 1, outputTokens: 1, model: " " } }],
    ["a model that is not a string", { usage: { inputTokens: 1, outputTokens: 1, model: { id: "llm_gpt_4o" } } }],
  ];
  it.each(invalidOutcomes)("gives the hold back and charges nothing for %s", async (_name, outcome) => {
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], ReleaseCredits: [released] });
    await expect(
      client.executeWithAIAccess({ capability: "c", qualityLevel: "fast" }, async () => outcome as { credits: string }),
    ).rejects.toThrow(TypeError);
    expect(calls.some((c) => c.op === "SettleCredits")).toBe(false);
    expect(calls.find((c) => c.op === "ReleaseCredits")!.variables.reservationId).toBe("res_1");
  });

  it("surfaces the server's refusal of a usage settle as its code, without retrying", async () => {
    const notAllowed = () => {
      throw new CreditsError("MODEL_NOT_ALLOWED", "openai/o1 is not a model of this plan at fast");
    };
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], SettleCredits: [notAllowed] });
    const error = await client
      .executeWithAIAccess({ capability: "c", qualityLevel: "fast", retryDelayMs: 1 }, async () => ({ usage: { inputTokens: 5, outputTokens: 5, model: "openai/o1" } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CreditsError);
    expect((error as CreditsError).code).toBe("MODEL_NOT_ALLOWED");
    expect(calls.filter((c) => c.op === "SettleCredits")).toHaveLength(1);
  });

  it("refuses a JS number as the cost before anything is charged", async () => {
    const { calls, client } = scripted({ ServiceAccessCheck: [access], ReserveCredits: [reserved], ReleaseCredits: [released] });
    await expect(
      client.executeWithAIAccess({ capability: "c", qualityLevel: "fast" }, async () => ({ credits: 1.25 as unknown as string })),
    ).rejects.toThrow(TypeError);
    expect(calls.some((c) => c.op === "SettleCredits")).toBe(false);
    expect(calls.some((c) => c.op === "ReleaseCredits")).toBe(true);
  });
});

describe("the HTTP transport", () => {
  it("sends the token and turns an error answer into a typed error", async () => {
    const seen: Headers[] = [];
    const fakeFetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      const body = { errors: [{ message: "99999 credits needed, 20.00 spendable", extensions: { code: "INSUFFICIENT_CREDITS" } }], data: null };
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    let token = "first";
    const client = createCreditsClient({ url: "http://engine.test/v1/graphql", getToken: () => token, fetch: fakeFetch });
    const error = await client.checkAccess("question_generation", "fast").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    token = "second";
    await client.checkAccess("question_generation", "fast").catch(() => undefined);
    expect(seen.map((h) => h.get("authorization"))).toEqual(["Bearer first", "Bearer second"]);
  });

  it("reports no answer as a NETWORK error", async () => {
    const client = createCreditsClient({ url: "http://127.0.0.1:9/v1/graphql", token: "t" });
    const error = await client.checkAccess("a", "b").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CreditsError);
    expect((error as CreditsError).code).toBe("NETWORK");
  });
});
