import { formatCredits } from "@credits/client";
import { useId, useMemo, useState } from "react";

import { useCatalog, useCreditHistory, useCreditUsage, type UsageDay } from "../hooks";

const TYPES: [string, string][] = [
  ["", "All activity"],
  ["ai_consumption", "AI usage"],
  ["topup_purchase", "Top-ups"],
  ["plan_allocation", "Monthly credits"],
  ["promo_bonus", "Bonuses"],
  ["topup_refund", "Refunds"],
  ["expiration", "Expired"],
  ["admin_adjustment", "Adjustments"],
];
const TYPE_LABEL = Object.fromEntries(TYPES.filter(([k]) => k));
const COLORS = ["#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2"];

/** Usage per day and capability as stacked bars; the numbers are in the table beside it for screen readers. */
export function UsageChart({ usage, names, days = 14 }: { usage: UsageDay[]; names: Record<string, string>; days?: number }) {
  const { dayList, capabilities, byDay, max } = useMemo(() => {
    const dayList = Array.from({ length: days }, (_, i) => new Date(Date.now() - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
    const capabilities = [...new Set(usage.map((u) => u.ai_capability_id ?? "other"))];
    const byDay = new Map<string, Map<string, number>>();
    for (const u of usage) {
      const day = byDay.get(u.day ?? "") ?? new Map<string, number>();
      // Bar heights only: amounts are exact strings everywhere else.
      day.set(u.ai_capability_id ?? "other", (day.get(u.ai_capability_id ?? "other") ?? 0) + Math.abs(Number(u.credits ?? "0")));
      byDay.set(u.day ?? "", day);
    }
    const max = Math.max(1, ...[...byDay.values()].map((d) => [...d.values()].reduce((a, b) => a + b, 0)));
    return { dayList, capabilities, byDay, max };
  }, [usage, days]);
  const width = 100 / days;
  return (
    <figure className="cr-chart">
      <figcaption>Credits used per day, last {days} days</figcaption>
      <svg viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label={`Credits used per day by capability over the last ${days} days`}>
        {dayList.map((day, i) => {
          let y = 40;
          return capabilities.map((cap, c) => {
            const value = byDay.get(day)?.get(cap) ?? 0;
            const h = (value / max) * 38;
            y -= h;
            return value > 0 ? <rect key={`${day}-${cap}`} x={i * width + width * 0.15} y={y} width={width * 0.7} height={h} fill={COLORS[c % COLORS.length]} /> : null;
          });
        })}
      </svg>
      <ul className="cr-legend">
        {capabilities.map((cap, c) => (
          <li key={cap}><span className="cr-swatch" style={{ background: COLORS[c % COLORS.length] }} aria-hidden="true" />{names[cap] ?? cap}</li>
        ))}
        {capabilities.length === 0 && <li className="cr-muted">No AI usage yet</li>}
      </ul>
    </figure>
  );
}

/** The ledger with a type filter and cursor pagination, and the usage chart from credit_usage_daily. */
export function CreditHistoryPage({ pageSize = 20 }: { pageSize?: number }) {
  const [type, setType] = useState("");
  const { rows, loading, hasMore, error, loadMore } = useCreditHistory({ pageSize, types: type ? [type] : [] });
  const usage = useCreditUsage(14, rows[0]?.org_seq ?? null);
  const catalog = useCatalog();
  const names = useMemo(() => Object.fromEntries((catalog?.ai_capabilities ?? []).map((c) => [c.id, c.name])), [catalog]);
  const filterId = useId();
  return (
    <section className="cr-card cr-history" aria-labelledby="cr-history-title">
      <h2 id="cr-history-title" className="cr-card-title">Credit history</h2>
      <UsageChart usage={usage} names={names} />
      <div className="cr-toolbar">
        <label htmlFor={filterId}>Show</label>
        <select id={filterId} value={type} onChange={(e) => setType(e.target.value)}>
          {TYPES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
        </select>
      </div>
      {error && <p role="alert">Could not load the history: {error.message}</p>}
      <div className="cr-table-wrap">
        <table className="cr-table" data-testid="history">
          <thead>
            <tr><th scope="col">When</th><th scope="col">What</th><th scope="col" className="cr-num">Credits</th><th scope="col" className="cr-num">Balance</th></tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.org_seq} data-seq={r.org_seq}>
                <td>{new Date(r.created_at).toLocaleString()}</td>
                <td>
                  {TYPE_LABEL[r.transaction_type] ?? r.transaction_type}
                  {r.ai_capability_id && <span className="cr-muted"> · {names[r.ai_capability_id] ?? r.ai_capability_id}</span>}
                  {r.description && <div className="cr-muted cr-small">{r.description}</div>}
                </td>
                <td className={`cr-num ${r.credits_amount.startsWith("-") ? "cr-debit" : "cr-credit"}`}>
                  {r.credits_amount.startsWith("-") ? "" : "+"}{formatCredits(r.credits_amount)}
                </td>
                <td className="cr-num">{formatCredits(r.balance_after)}</td>
              </tr>
            ))}
            {!loading && rows.length === 0 && <tr><td colSpan={4} className="cr-muted">Nothing yet</td></tr>}
          </tbody>
        </table>
      </div>
      {hasMore && <button type="button" className="cr-button" disabled={loading} onClick={() => void loadMore()}>{loading ? "Loading…" : "Load older"}</button>}
    </section>
  );
}
