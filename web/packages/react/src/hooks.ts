import { compareCredits, orgAdminOps, viewerOps, type CreditsError, type DenialCode, type DenialKind, denialKind, isDenialCode } from "@credits/client";
import { useCallback, useEffect, useRef, useState } from "react";

import { useCredits, type BalanceState } from "./context";

/** The organization's balance, kept live by one subscription per provider. */
export function useCreditBalance(): BalanceState {
  return useCredits().balance;
}

export type AccessAnswer = NonNullable<viewerOps.AccessCheckQuery["aiAccessCheck"]>;
export type AccessState =
  | { status: "loading"; answer: null; error: null }
  | { status: "error"; answer: null; error: CreditsError }
  | { status: "allowed"; answer: AccessAnswer; error: null }
  | { status: "denied"; answer: AccessAnswer; reason: DenialCode; kind: DenialKind; error: null };

/** May the organization use `capability` at `qualityLevel` now? Checked again whenever the balance moves. */
export function useAIAccess(capability: string, qualityLevel: string): AccessState & { refresh: () => void } {
  const { client, balance } = useCredits();
  const [state, setState] = useState<AccessState>({ status: "loading", answer: null, error: null });
  const [tick, setTick] = useState(0);
  const available = balance.balance?.available;
  useEffect(() => {
    let live = true;
    client.query(viewerOps.AccessCheckDocument, { capability, qualityLevel }).then(
      (data) => {
        if (!live) return;
        const answer = data.aiAccessCheck;
        if (!answer) return;
        if (answer.allowed) setState({ status: "allowed", answer, error: null });
        else {
          const reason = answer.reason && isDenialCode(answer.reason) ? answer.reason : "CAPABILITY_UNKNOWN";
          setState({ status: "denied", answer, reason, kind: denialKind(reason), error: null });
        }
      },
      (error: CreditsError) => live && setState({ status: "error", answer: null, error }),
    );
    return () => {
      live = false;
    };
  }, [client, capability, qualityLevel, available, tick]);
  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, refresh };
}

export type LedgerRow = viewerOps.LedgerRowFragment;

export interface HistoryFilter {
  /** Only these transaction types (e.g. ["ai_consumption"]); all when empty. */
  types?: string[];
}

/** The ledger, newest first: one page at a time (cursor = org_seq), new rows arrive live at the top. */
export function useCreditHistory({ pageSize = 20, types = [] }: HistoryFilter & { pageSize?: number } = {}) {
  const { client } = useCredits();
  const [rows, setRows] = useState<LedgerRow[]>([]);
  const [loading, setLoading] = useState(true);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<CreditsError | null>(null);
  const typeKey = types.join(",");
  const filter = useRef<viewerOps.Credit_Transactions_Bool_Exp>({});
  filter.current = typeKey ? { transaction_type: { _in: typeKey.split(",") } } : {};

  const fetchPage = useCallback(
    async (before: string | null) => {
      const where = before ? { _and: [filter.current, { org_seq: { _lt: before } }] } : filter.current;
      const data = await client.query(viewerOps.CreditHistoryPageDocument, { where, limit: pageSize });
      return data.credit_transactions;
    },
    [client, pageSize],
  );

  useEffect(() => {
    let live = true;
    let unsubscribe = () => {};
    setRows([]);
    setLoading(true);
    fetchPage(null).then(
      (page) => {
        if (!live) return;
        setRows(page);
        setHasMore(page.length === pageSize);
        setLoading(false);
        const newest = page[0]?.org_seq ?? "0";
        unsubscribe = client.subscribe(viewerOps.CreditHistoryNewDocument, { after: newest, where: filter.current }, {
          next: (data) =>
            setRows((current) => {
              const known = new Set(current.map((r) => r.org_seq));
              const fresh = data.credit_transactions_stream.filter((r) => !known.has(r.org_seq));
              return fresh.length ? [...fresh.reverse(), ...current] : current;
            }),
          error: setError,
        });
      },
      (e: CreditsError) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client, fetchPage, typeKey, pageSize]);

  const loadMore = useCallback(async () => {
    const oldest = rows.at(-1)?.org_seq;
    if (!oldest) return;
    setLoading(true);
    try {
      const page = await fetchPage(oldest);
      setRows((current) => [...current, ...page]);
      setHasMore(page.length === pageSize);
    } catch (e) {
      setError(e as CreditsError);
    } finally {
      setLoading(false);
    }
  }, [rows, fetchPage, pageSize]);

  return { rows, loading, hasMore, error, loadMore };
}

export type UsageDay = viewerOps.CreditUsageDailyQuery["credit_usage_daily"][number];

/** Settled usage per day and capability since `days` ago; fetched again when `version` changes. */
export function useCreditUsage(days = 30, version: unknown = null) {
  const { client } = useCredits();
  const [usage, setUsage] = useState<UsageDay[]>([]);
  useEffect(() => {
    let live = true;
    const since = new Date(Date.now() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
    client.query(viewerOps.CreditUsageDailyDocument, { since }).then(
      (data) => live && setUsage(data.credit_usage_daily),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client, days, version]);
  return usage;
}

export type Catalog = viewerOps.CreditCatalogQuery;

/** The organization, capabilities, quality levels and top-up packages, once per session. */
export function useCatalog(): Catalog | null {
  const { client } = useCredits();
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  useEffect(() => {
    let live = true;
    client.query(viewerOps.CreditCatalogDocument, {}).then((data) => live && setCatalog(data), () => undefined);
    return () => {
      live = false;
    };
  }, [client]);
  return catalog;
}

export type Purchase = orgAdminOps.TopupPurchaseSubscription["credit_purchases"][number];

const PENDING_KEY = "credits.pendingTopup";

/**
 * Top-ups: `buy(packageId)` creates a Stripe Checkout session and sends the browser there; back on the
 * page, `purchase` is that purchase, live (pending → fulfilled), while the balance updates by itself.
 */
export function useTopup({ redirect = (url: string) => window.location.assign(url) }: { redirect?: (url: string) => void } = {}) {
  const { client, role, organizationId } = useCredits();
  const pendingKey = `${PENDING_KEY}:${organizationId ?? ""}`;
  const [purchaseId, setPurchaseId] = useState<string | null>(() => sessionStorage.getItem(pendingKey));
  const [purchase, setPurchase] = useState<Purchase | null>(null);
  const [error, setError] = useState<CreditsError | null>(null);
  const [busy, setBusy] = useState(false);
  const canBuy = role === "owner" || role === "org_admin";

  useEffect(() => {
    if (!purchaseId || !canBuy) return;
    return client.subscribe(orgAdminOps.TopupPurchaseDocument, { id: purchaseId }, {
      next: (data) => setPurchase(data.credit_purchases[0] ?? null),
      error: setError,
    });
  }, [client, purchaseId, canBuy]);

  const buy = useCallback(
    async (packageId: string) => {
      setBusy(true);
      setError(null);
      try {
        const here = new URL(window.location.href);
        here.searchParams.delete("topup");
        const success = new URL(here);
        success.searchParams.set("topup", "success");
        const cancel = new URL(here);
        cancel.searchParams.set("topup", "cancelled");
        const data = await client.mutate(orgAdminOps.CreateTopupCheckoutDocument, {
          packageId,
          successUrl: success.toString(),
          cancelUrl: cancel.toString(),
        });
        const checkout = data.createTopupCheckout;
        if (!checkout) throw new Error("no checkout");
        sessionStorage.setItem(pendingKey, checkout.purchaseId);
        setPurchaseId(checkout.purchaseId);
        redirect(checkout.url);
      } catch (e) {
        setError(e as CreditsError);
      } finally {
        setBusy(false);
      }
    },
    [client, redirect, pendingKey],
  );

  const dismiss = useCallback(() => {
    sessionStorage.removeItem(pendingKey);
    setPurchaseId(null);
    setPurchase(null);
  }, [pendingKey]);

  return { canBuy, buy, busy, error, purchaseId, purchase, dismiss };
}

/** True when the balance is at or below the organization's low-balance threshold. */
export function isLow(balance: { available: string | null; effective_low_balance_threshold: string | null } | null): boolean {
  if (!balance?.available || !balance.effective_low_balance_threshold) return false;
  return compareCredits(balance.available, balance.effective_low_balance_threshold) <= 0;
}
