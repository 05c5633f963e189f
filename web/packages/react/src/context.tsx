import { createCreditsClient, viewerOps, type CreditsClient, type CreditsError } from "@credits/client";
import { createContext, Fragment, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

export type Balance = viewerOps.BalanceFieldsFragment;
export type Role = "owner" | "org_admin" | "member" | "viewer" | "service" | "anonymous" | (string & {});

export interface BalanceState {
  balance: Balance | null;
  loading: boolean;
  error: CreditsError | null;
}

interface CreditsContextValue {
  client: CreditsClient;
  role: Role;
  organizationId: string | null;
  userId: string | null;
  balance: BalanceState;
}

const CreditsContext = createContext<CreditsContextValue | null>(null);

/** The Hasura claims of a JWT, for what the UI shows; the server decides what is allowed. */
export function claimsOf(token: string | null | undefined): Record<string, unknown> {
  try {
    const part = token?.split(".")[1];
    if (!part) return {};
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const payload = JSON.parse(json) as Record<string, unknown>;
    return (payload["https://hasura.io/jwt/claims"] as Record<string, unknown> | undefined) ?? {};
  } catch {
    return {};
  }
}

export interface CreditsProviderProps {
  /** The GraphQL endpoint (`/v1/graphql`); subscriptions use the same path over ws(s). */
  url: string;
  /** The signed-in user's JWT, from the host app. A new token starts everything below afresh. */
  token: string | null;
  /** Or an existing client (tests, or a host that shares one). */
  client?: CreditsClient;
  children: ReactNode;
}

function useLiveBalance(client: CreditsClient): BalanceState {
  const [state, setState] = useState<BalanceState>({ balance: null, loading: true, error: null });
  useEffect(() => {
    setState({ balance: null, loading: true, error: null });
    return client.subscribe(viewerOps.CreditBalanceLiveDocument, {}, {
      next: (data) => setState({ balance: data.organization_credit_balances[0] ?? null, loading: false, error: null }),
      error: (error) => setState((s) => ({ ...s, loading: false, error })),
    });
  }, [client]);
  return state;
}

function Session({ client, token, children }: { client: CreditsClient; token: string | null; children: ReactNode }) {
  const balance = useLiveBalance(client);
  const value = useMemo(() => {
    const claims = claimsOf(token);
    const str = (key: string) => (typeof claims[key] === "string" ? (claims[key] as string) : null);
    return {
      client,
      role: str("x-hasura-default-role") ?? "anonymous",
      organizationId: str("x-hasura-organization-id"),
      userId: str("x-hasura-user-id"),
      balance,
    };
  }, [client, token, balance]);
  return <CreditsContext.Provider value={value}>{children}</CreditsContext.Provider>;
}

export function CreditsProvider({ url, token, client: given, children }: CreditsProviderProps) {
  const client = useMemo(() => given ?? createCreditsClient({ url, token: token ?? undefined }), [given, url, token]);
  useEffect(() => () => client.close(), [client]);
  // Keyed by the token: switching users unmounts every hook's state, so nothing of the previous
  // organization can be shown while the new one loads.
  return (
    <Fragment key={token ?? ""}>
      <Session client={client} token={token}>
        {children}
      </Session>
    </Fragment>
  );
}

export function useCredits(): CreditsContextValue {
  const value = useContext(CreditsContext);
  if (!value) throw new Error("wrap the component in <CreditsProvider>");
  return value;
}
