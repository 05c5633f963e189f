import { formatCredits } from "@credits/client";
import type { ReactNode } from "react";

import { useAIAccess } from "../hooks";
import { denialText } from "./QualityLevelSelector";

export interface AIAccessButtonProps {
  capability: string;
  qualityLevel: string;
  /** Called when allowed; your backend runs the AI work with executeWithAIAccess. */
  onRun: () => void | Promise<void>;
  /** Offered when credits are short. */
  onBuyCredits?: () => void;
  children: ReactNode;
}

/** A button for an AI feature that is enabled only when the organization may use it, and says why not. */
export function AIAccessButton({ capability, qualityLevel, onRun, onBuyCredits, children }: AIAccessButtonProps) {
  const access = useAIAccess(capability, qualityLevel);
  const reason = denialText(access);
  return (
    <div className="cr-ai-button">
      <button type="button" className="cr-button cr-primary" disabled={access.status !== "allowed"}
        aria-describedby={`cr-ai-${capability}-${qualityLevel}`} onClick={() => void onRun()}>
        {children}
      </button>
      <span id={`cr-ai-${capability}-${qualityLevel}`} className="cr-muted" data-testid="ai-button-status">
        {access.status === "allowed" && `~${formatCredits(access.answer.estimatedCredits ?? "0")} credits`}
        {access.status === "loading" && "checking access…"}
        {access.status === "error" && `Cannot check access: ${access.error.message}`}
        {reason}
      </span>
      {access.status === "denied" && access.kind === "insufficient_credits" && onBuyCredits && (
        <button type="button" className="cr-button" onClick={onBuyCredits}>Buy credits</button>
      )}
    </div>
  );
}
