import { formatCredits } from "@credits/client";
import { useId } from "react";

import { useAIAccess, useCatalog, type AccessState } from "../hooks";

/** Why a level cannot be chosen, in words a user acts on. */
export function denialText(state: AccessState): string | null {
  if (state.status !== "denied") return null;
  const { answer } = state;
  switch (state.kind) {
    case "not_in_plan": {
      const plans = answer.unlockPlans.map((p) => p.name);
      return plans.length ? `Available on ${plans.join(" or ")}` : "Not in your plan";
    }
    case "insufficient_credits":
      return `Needs ${formatCredits(answer.estimatedCredits ?? "0")} credits; ${formatCredits(answer.balance.spendable)} spendable`;
    case "rate_limited":
      return state.reason === "RATE_LIMIT_MINUTE" ? "Too many requests this minute; try again shortly" : "Daily limit reached";
    case "unavailable":
      return "Temporarily unavailable";
    default:
      return answer.message;
  }
}

function LevelOption({ name, capability, level, label, description, checked, onChange }: {
  name: string; capability: string; level: string; label: string; description: string | null; checked: boolean;
  onChange: (level: string) => void;
}) {
  const access = useAIAccess(capability, level);
  const id = useId();
  const reason = denialText(access);
  const disabled = access.status !== "allowed";
  const estimate = access.answer?.estimatedCredits;
  return (
    <label className={`cr-level${disabled ? " cr-disabled" : ""}${checked ? " cr-checked" : ""}`} htmlFor={id} data-level={level}>
      <input id={id} type="radio" name={name} value={level} checked={checked} disabled={disabled}
        aria-describedby={`${id}-info`} onChange={() => !disabled && onChange(level)} />
      <span className="cr-level-name">{label}</span>
      <span id={`${id}-info`} className="cr-level-info">
        {estimate != null && <span className="cr-estimate">~{formatCredits(estimate)} credits</span>}
        {description && <span className="cr-muted"> · {description}</span>}
        {reason && <span className="cr-reason" data-testid={`denial-${level}`}>{reason}</span>}
        {access.status === "loading" && <span className="cr-muted">checking…</span>}
      </span>
    </label>
  );
}

export interface QualityLevelSelectorProps {
  capability: string;
  value: string | null;
  onChange: (level: string) => void;
}

/** The quality levels of a capability with their credit estimates; locked ones name the plan that unlocks them. */
export function QualityLevelSelector({ capability, value, onChange }: QualityLevelSelectorProps) {
  const catalog = useCatalog();
  const name = useId();
  return (
    <fieldset className="cr-levels">
      <legend>Quality</legend>
      {!catalog && <p className="cr-muted">Loading…</p>}
      {catalog?.quality_levels.map((q) => (
        <LevelOption key={q.unique_name} name={name} capability={capability} level={q.unique_name} label={q.name}
          description={q.description ?? null} checked={value === q.unique_name} onChange={onChange} />
      ))}
    </fieldset>
  );
}
