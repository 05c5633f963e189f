import type { AnyVariables, TypedDocumentNode } from "@urql/core";

import { checkAccess, executeWithAIAccess, type AccessDecision, type ExecuteOptions, type ExecuteResult, type RunContext, type RunOutcome } from "./access";
import { createTransport, type CreditsClientOptions, type GraphQLTransport, type Subscriber } from "./client";

export * from "./errors";
export * from "./decimal";
export type { AccessAnswer, AccessDecision, AIModelChoice, ExecuteOptions, ExecuteResult, Reservation, RunContext, RunOutcome, TokenUsage } from "./access";
export { toDecision } from "./access";
export type { CreditsClientOptions, GraphQLTransport, Subscriber } from "./client";
export * as viewerOps from "./generated/viewer";
export * as orgAdminOps from "./generated/org_admin";
export * as ownerOps from "./generated/owner";
export * as serviceOps from "./generated/service";

export interface CreditsClient extends GraphQLTransport {
  /** May this organization use the capability at this level now? A denial is an answer, not an error. */
  checkAccess(capability: string, qualityLevel: string): Promise<AccessDecision>;
  /** Reserve → run → settle (release on throw). Needs a service-role token. */
  executeWithAIAccess<T>(options: ExecuteOptions, run: (context: RunContext) => Promise<RunOutcome<T>>): Promise<ExecuteResult<T>>;
}

export function createCreditsClient(options: CreditsClientOptions & { transport?: GraphQLTransport }): CreditsClient {
  const transport = options.transport ?? createTransport(options);
  return {
    query: <D, V extends AnyVariables>(d: TypedDocumentNode<D, V>, v: V) => transport.query(d, v),
    mutate: <D, V extends AnyVariables>(d: TypedDocumentNode<D, V>, v: V) => transport.mutate(d, v),
    subscribe: <D, V extends AnyVariables>(d: TypedDocumentNode<D, V>, v: V, sink: Subscriber<D>) => transport.subscribe(d, v, sink),
    close: () => transport.close(),
    checkAccess: (capability, qualityLevel) => checkAccess(transport, capability, qualityLevel),
    executeWithAIAccess: (opts, run) => executeWithAIAccess(transport, opts, run),
  };
}
