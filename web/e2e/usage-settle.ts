// executeWithAIAccess settling token usage against a running engine, as a Node backend would call it. Started by
// tests/web/test_client_usage_settle.py, which runs the real stack, passes ENGINE_URL, SERVICE_TOKEN and
// USAGE_CALLS (a JSON list), and checks each charge against the pricing formula and the ledger. Prints one
// line `RESULTS <json>`. Run alone: `npx vite-node e2e/usage-settle.ts` with those set.
import { createCreditsClient, type TokenUsage } from "@credits/client";

interface UsageCall {
  capability: string;
  qualityLevel: string;
  estimate: string;
  inputTokens: number;
  outputTokens: number;
  /** Name the plan's first fallback as the model that served the call; otherwise name none (the reserved one). */
  viaFallback: boolean;
}

const calls = JSON.parse(process.env.USAGE_CALLS ?? "[]") as UsageCall[];
const client = createCreditsClient({ url: `${process.env.ENGINE_URL}/v1/graphql`, token: process.env.SERVICE_TOKEN });

const results = [];
for (const call of calls) {
  let fallbackNames: string[] = [];
  const settled = await client.executeWithAIAccess(
    { capability: call.capability, qualityLevel: call.qualityLevel, estimate: call.estimate },
    async ({ fallbacks }) => {
      fallbackNames = fallbacks.map((f) => f.uniqueName);
      const usage: TokenUsage = { inputTokens: call.inputTokens, outputTokens: call.outputTokens };
      if (call.viaFallback) usage.model = fallbacks[0]?.uniqueName;
      return { usage, result: "done" };
    },
  );
  results.push({ ...settled, reservedModel: settled.model.uniqueName, fallbacks: fallbackNames });
}
client.close();
console.log(`RESULTS ${JSON.stringify(results)}`);
