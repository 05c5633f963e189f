import { formatCredits, formatUsdCents } from "@credits/client";
import { useEffect, useRef, type KeyboardEvent } from "react";

import { useCatalog, useTopup } from "../hooks";

export interface TopupPurchaseModalProps {
  open: boolean;
  onClose: () => void;
  /** Where to send the browser (default: window.location.assign). */
  redirect?: (url: string) => void;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, [tabindex]:not([tabindex="-1"])';

/** Credit packages with their price per credit; buying goes to Stripe Checkout. Focus stays inside while open. */
export function TopupPurchaseModal({ open, onClose, redirect }: TopupPurchaseModalProps) {
  const catalog = useCatalog();
  const topup = useTopup({ redirect });
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement as HTMLElement | null;
    dialog.current?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    return () => before?.focus();
  }, [open]);
  if (!open) return null;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") onClose();
    if (e.key !== "Tab" || !dialog.current) return;
    const items = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = items[0];
    const last = items.at(-1);
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last?.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first?.focus();
    }
  };
  return (
    <div className="cr-overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} className="cr-modal" role="dialog" aria-modal="true" aria-labelledby="cr-topup-title" onKeyDown={onKeyDown}>
        <h2 id="cr-topup-title">Buy credits</h2>
        {!topup.canBuy && <p role="note">Only the organization's owner or an admin can buy credits.</p>}
        <ul className="cr-packages">
          {catalog?.credit_topup_packages.map((p) => (
            <li key={p.id} className="cr-package">
              <div>
                <strong>{p.name}</strong>
                <div>{p.credits.toLocaleString()} credits · {formatUsdCents(p.price_usd_cents)}</div>
                {p.price_per_credit && <div className="cr-muted">${p.price_per_credit} per credit</div>}
              </div>
              {topup.canBuy && (
                <button type="button" className="cr-button cr-primary" disabled={topup.busy} onClick={() => void topup.buy(p.id)}
                  aria-label={`Buy ${p.name}: ${p.credits} credits for ${formatUsdCents(p.price_usd_cents)}`}>
                  Buy
                </button>
              )}
            </li>
          ))}
        </ul>
        {topup.error && <p role="alert">{topup.error.message}</p>}
        <button type="button" className="cr-button" onClick={onClose}>Close</button>
      </div>
    </div>
  );
}

/** After Stripe sends the buyer back: the purchase's status, live, until it is fulfilled. */
export function TopupStatus() {
  const { purchase, purchaseId, dismiss, canBuy } = useTopup();
  if (!purchaseId || !canBuy) return null;
  const status = purchase?.status ?? "pending";
  const text =
    status === "fulfilled" ? `Purchase complete: ${formatCredits(String(purchase?.credits ?? 0))} credits added.`
    : status === "pending" ? "Waiting for the payment to be confirmed…"
    : status === "failed" ? `The payment failed${purchase?.failure_reason ? `: ${purchase.failure_reason}` : ""}.`
    : `Purchase ${status}.`;
  return (
    <section className={`cr-card cr-topup-status cr-status-${status}`} role="status" aria-live="polite" data-testid="topup-status" data-status={status}>
      <p>{text}</p>
      {status !== "pending" && <button type="button" className="cr-button" onClick={dismiss}>Dismiss</button>}
    </section>
  );
}
