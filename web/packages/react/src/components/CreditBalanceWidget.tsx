import { formatCredits } from "@credits/client";

import { isLow, useCreditBalance } from "../hooks";

export interface CreditBalanceWidgetProps {
  /** Shown as a button when the balance is low (e.g. open the top-up modal). */
  onBuyCredits?: () => void;
  compact?: boolean;
}

/** The organization's credits, live: what can be spent now, and where it comes from. */
export function CreditBalanceWidget({ onBuyCredits, compact = false }: CreditBalanceWidgetProps) {
  const { balance, loading, error } = useCreditBalance();
  if (error) return <section className="cr-card cr-balance" role="alert">Credits unavailable: {error.message}</section>;
  if (loading || !balance) return <section className="cr-card cr-balance" aria-busy="true">Loading credits…</section>;
  const low = isLow(balance);
  return (
    <section className={`cr-card cr-balance${low ? " cr-low" : ""}`} aria-labelledby="cr-balance-title">
      <h2 id="cr-balance-title" className="cr-card-title">Credits</h2>
      <p className="cr-balance-main" aria-live="polite" aria-atomic="true">
        <span className="cr-balance-value" data-testid="balance-available">{formatCredits(balance.available ?? "0")}</span>
        <span className="cr-balance-unit"> available</span>
      </p>
      {low && (
        <p className="cr-warning" role="status">
          Low balance: at or below {formatCredits(balance.effective_low_balance_threshold ?? "0")} credits.
        </p>
      )}
      {!compact && (
        <dl className="cr-balance-parts">
          <div><dt>Monthly left</dt><dd>{formatCredits(balance.monthly_remaining ?? "0")} of {formatCredits(balance.monthly_credits)}</dd></div>
          <div><dt>Bonus</dt><dd data-testid="balance-bonus">{formatCredits(balance.bonus_credits)}</dd></div>
          <div><dt>Reserved</dt><dd>{formatCredits(balance.reserved_credits)}</dd></div>
          <div><dt>Spendable</dt><dd>{formatCredits(balance.spendable ?? "0")}</dd></div>
          {balance.period_end && <div><dt>Renews</dt><dd>{new Date(balance.period_end).toLocaleDateString()}</dd></div>}
        </dl>
      )}
      {onBuyCredits && (
        <button type="button" className={low ? "cr-button cr-primary" : "cr-button"} onClick={onBuyCredits}>
          Buy credits
        </button>
      )}
    </section>
  );
}
