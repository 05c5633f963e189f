"""The GraphQL documents the client sends (Hasura v2 API: actions in camelCase, tables in snake_case)."""

from __future__ import annotations

BALANCE_FIELDS = """available spendable monthlyCredits monthlyRemaining bonus reserved usedThisPeriod
  overdraftLimit lowBalanceThreshold periodStart periodEnd"""
MODEL_FIELDS = "id uniqueName modelId name provider"
RESERVATION_FIELDS = f"""reservationId organizationId status capability qualityLevel reservedCredits
  settledCredits idempotencyKey createdAt expiresAt replayed
  model {{ {MODEL_FIELDS} }} balance {{ {BALANCE_FIELDS} }}"""

ACCESS_CHECK = f"""query CheckAccess($capability: String!, $qualityLevel: String!) {{
  aiAccessCheck(capability: $capability, qualityLevel: $qualityLevel) {{
    allowed reason message capability qualityLevel estimatedCredits requestedCredits
    balance {{ {BALANCE_FIELDS} }}
    models {{ {MODEL_FIELDS} isDefault priority }}
    rateLimits {{ rpmLimit rpmUsed rpdLimit rpdUsed }}
    allowedQualityLevels
    unlockPlans {{ id uniqueName name monthlyAiCredits }}
  }}
}}"""

RESERVE = f"""mutation Reserve($capability: String!, $qualityLevel: String!, $idempotencyKey: String!,
    $estimatedCredits: Credits, $ttlSeconds: Int) {{
  reserveCredits(capability: $capability, qualityLevel: $qualityLevel, idempotencyKey: $idempotencyKey,
      estimatedCredits: $estimatedCredits, ttlSeconds: $ttlSeconds) {{ {RESERVATION_FIELDS} }}
}}"""

SETTLE = f"""mutation Settle($reservationId: String!, $actualCredits: Credits, $usage: TokenUsage,
    $providerRequestId: String, $providerMetadata: jsonb) {{
  settleCredits(reservationId: $reservationId, actualCredits: $actualCredits, usage: $usage,
      providerRequestId: $providerRequestId, providerMetadata: $providerMetadata) {{
    {RESERVATION_FIELDS}
    transactionId creditsAmount balanceAfter inputTokens outputTokens providerCostUsd settledModel
  }}
}}"""

RELEASE = f"""mutation Release($reservationId: String!, $reason: String!) {{
  releaseCredits(reservationId: $reservationId, reason: $reason) {{ {RESERVATION_FIELDS} }}
}}"""

# The balance row under the action's field names, so one model reads both.
_BALANCE_ROW = """available spendable monthlyCredits: monthly_credits monthlyRemaining: monthly_remaining
    bonus: bonus_credits reserved: reserved_credits usedThisPeriod: used_this_period
    overdraftLimit: overdraft_limit lowBalanceThreshold: effective_low_balance_threshold
    periodStart: period_start periodEnd: period_end"""
BALANCE = f"query Balance {{ organization_credit_balances {{ {_BALANCE_ROW} }} }}"
WATCH_BALANCE = f"subscription WatchBalance {{ organization_credit_balances {{ {_BALANCE_ROW} }} }}"

TRANSACTIONS = """query Transactions($limit: Int!, $offset: Int!, $where: credit_transactions_bool_exp!) {
  credit_transactions(limit: $limit, offset: $offset, where: $where, order_by: {ledger_seq: desc}) {
    id transaction_type credits_amount balance_after estimated_credits ai_capability_id quality_level_id
    llm_model_id reservation_id input_tokens output_tokens description created_at
  }
}"""

USAGE = """query Usage($where: credit_usage_daily_bool_exp!) {
  credit_usage_daily(where: $where, order_by: [{day: asc}, {ai_capability_id: asc}, {llm_model_id: asc}]) {
    day ai_capability_id quality_level_id llm_model_id operations credits input_tokens output_tokens
  }
}"""
