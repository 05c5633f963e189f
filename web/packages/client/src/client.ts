import { Client, fetchExchange, subscriptionExchange, type AnyVariables, type TypedDocumentNode } from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";

import { CreditsError, errorFromGraphQL } from "./errors";

export interface CreditsClientOptions {
  /** The GraphQL endpoint, e.g. `https://api.example.com/v1/graphql`; subscriptions use the same path over ws(s). */
  url: string;
  /** A fixed JWT, or `getToken` for one that is refreshed (called before every request and connection). */
  token?: string;
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Defaults to `url` with http(s) → ws(s). */
  wsUrl?: string;
  /** For runtimes without a global WebSocket (Node 20: pass the `ws` package's class). */
  webSocketImpl?: unknown;
  fetch?: typeof fetch;
}

export interface Subscriber<D> {
  next: (data: D) => void;
  error?: (error: CreditsError) => void;
}

export interface GraphQLTransport {
  query<D, V extends AnyVariables>(document: TypedDocumentNode<D, V>, variables: V): Promise<D>;
  mutate<D, V extends AnyVariables>(document: TypedDocumentNode<D, V>, variables: V): Promise<D>;
  /** Live results until the returned function is called. */
  subscribe<D, V extends AnyVariables>(document: TypedDocumentNode<D, V>, variables: V, sink: Subscriber<D>): () => void;
  close(): void;
}

function toError(error: { graphQLErrors: readonly { message: string; extensions?: Record<string, unknown> }[]; networkError?: Error; message: string }): CreditsError {
  const first = error.graphQLErrors[0];
  if (first) return errorFromGraphQL(first.message, first.extensions as Record<string, unknown> | undefined);
  return new CreditsError("NETWORK", error.networkError?.message ?? error.message);
}

/** The HTTP + WebSocket transport on urql's core client and graphql-ws; no cache, every call goes to the server. */
export function createTransport(options: CreditsClientOptions): GraphQLTransport {
  const getToken = options.getToken ?? (() => options.token);
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const authHeaders = async (): Promise<Record<string, string>> => {
    const token = await getToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  };

  let ws: WsClient | null = null;
  const wsClient = (): WsClient => {
    ws ??= createWsClient({
      url: options.wsUrl ?? options.url.replace(/^http/, "ws"),
      webSocketImpl: options.webSocketImpl,
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      connectionParams: async () => ({ headers: await authHeaders() }),
    });
    return ws;
  };

  const urql = new Client({
    url: options.url,
    requestPolicy: "network-only",
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: wsClient().subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
    ],
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      for (const [k, v] of Object.entries(await authHeaders())) headers.set(k, v);
      return baseFetch(input, { ...init, headers });
    },
  });

  const unwrap = <D>(result: { data?: D; error?: Parameters<typeof toError>[0] }): D => {
    if (result.error) throw toError(result.error);
    if (result.data === undefined) throw new CreditsError("NETWORK", "empty answer");
    return result.data;
  };

  return {
    async query(document, variables) {
      return unwrap(await urql.query(document, variables).toPromise());
    },
    async mutate(document, variables) {
      return unwrap(await urql.mutation(document, variables).toPromise());
    },
    subscribe(document, variables, sink) {
      const { unsubscribe } = urql.subscription(document, variables).subscribe((result) => {
        if (result.error) sink.error?.(toError(result.error));
        else if (result.data !== undefined) sink.next(result.data);
      });
      return unsubscribe;
    },
    close() {
      void ws?.dispose();
      ws = null;
    },
  };
}
