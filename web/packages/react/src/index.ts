export { CreditsProvider, useCredits, claimsOf, type Balance, type BalanceState, type CreditsProviderProps, type Role } from "./context";
export * from "./hooks";
export { CreditBalanceWidget, type CreditBalanceWidgetProps } from "./components/CreditBalanceWidget";
export { QualityLevelSelector, denialText, type QualityLevelSelectorProps } from "./components/QualityLevelSelector";
export { AIAccessButton, type AIAccessButtonProps } from "./components/AIAccessButton";
export { CreditHistoryPage, UsageChart } from "./components/CreditHistoryPage";
export { TopupPurchaseModal, TopupStatus, type TopupPurchaseModalProps } from "./components/TopupPurchaseModal";
export { CreditSettings } from "./components/CreditSettings";
