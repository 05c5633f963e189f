import { createCreditsClient, type CreditsClient, type GraphQLTransport } from "@credits/client";
import type { AnyVariables, TypedDocumentNode } from "@urql/core";
import { print } from "graphql";

type Sink = { next: (data: unknown) => void; error?: (e: never) => void };

/** A transport answering queries from handlers by operation name, with subscriptions the test pushes to. */
export function fakeClient(handlers: Record<string, (variables: Record<string, unknown>) => unknown>) {
  const calls: { op: string; variables: Record<string, unknown> }[] = [];
  const live: { op: string; variables: Record<string, unknown>; sink: Sink; closed: boolean }[] = [];
  const name = (d: TypedDocumentNode<unknown, AnyVariables>) => /(?:query|mutation|subscription) (\w+)/.exec(print(d))![1]!;
  const answer = async (d: TypedDocumentNode<unknown, AnyVariables>, v: AnyVariables) => {
    const op = name(d);
    calls.push({ op, variables: v as Record<string, unknown> });
    const handler = handlers[op];
    if (!handler) throw new Error(`unexpected ${op}`);
    return handler(v as Record<string, unknown>);
  };
  const transport: GraphQLTransport = {
    query: answer as GraphQLTransport["query"],
    mutate: answer as GraphQLTransport["mutate"],
    subscribe: ((d: TypedDocumentNode<unknown, AnyVariables>, v: AnyVariables, sink: Sink) => {
      const entry = { op: name(d), variables: v as Record<string, unknown>, sink, closed: false };
      live.push(entry);
      return () => {
        entry.closed = true;
      };
    }) as GraphQLTransport["subscribe"],
    close: () => undefined,
  };
  const client: CreditsClient = createCreditsClient({ url: "http://unused", transport });
  /** Push data to every open subscription of an operation. */
  const push = (op: string, data: unknown) => live.filter((s) => s.op === op && !s.closed).forEach((s) => s.sink.next(data));
  return { client, calls, live, push };
}

/** An unsigned JWT with Hasura claims (the UI reads the role from it; the server verifies it). */
export function tokenFor(role: string, org: string): string {
  const b64 = (v: unknown) => btoa(JSON.stringify(v)).replace(/=+$/, "");
  return `${b64({ alg: "none" })}.${b64({ "https://hasura.io/jwt/claims": { "x-hasura-default-role": role, "x-hasura-organization-id": org } })}.x`;
}

export const balance = (available: string) => ({
  organization_credit_balances: [
    {
      available, spendable: available, monthly_credits: "500.00", monthly_remaining: "400.00", bonus_credits: "25.00",
      reserved_credits: "0.00", used_this_period: "100.00", overdraft_limit: "0.00", low_balance_threshold: null,
      effective_low_balance_threshold: "100.00", period_start: "2026-12-01T00:00:00Z", period_end: "2027-01-01T00:00:00Z",
    },
  ],
});

export const catalog = () => ({
  organizations: [{ id: "org_pro", name: "Pro Company" }],
  ai_capabilities: [{ id: "cap_q", unique_name: "question_generation", name: "Smart Question Generation", description: null }],
  quality_levels: [
    { id: "ql_fast", unique_name: "fast", name: "Fast", description: null },
    { id: "ql_enh", unique_name: "enhanced", name: "Enhanced", description: null },
    { id: "ql_prem", unique_name: "premium", name: "Premium", description: null },
  ],
  credit_topup_packages: [{ id: "pkg_starter", unique_name: "starter", name: "Starter Pack", description: null, credits: 100, price_usd_cents: 999, price_per_credit: "0.0999" }],
});
