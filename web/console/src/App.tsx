import {
  AIAccessButton,
  CreditBalanceWidget,
  CreditHistoryPage,
  CreditSettings,
  CreditsProvider,
  QualityLevelSelector,
  TopupPurchaseModal,
  TopupStatus,
  useCatalog,
  useCredits,
} from "@credits/react";
import { lazy, Suspense, useEffect, useId, useState } from "react";

const TOKEN_KEY = "credits.token";
// Compiled in only when VITE_DEV_SIGN_IN is set (`vite` dev server, `make up`); a production build has none of it.
const DevSignIn = import.meta.env.VITE_DEV_SIGN_IN === "true" ? lazy(() => import("./DevSignIn")) : null;

function AIFeatureDemo() {
  const catalog = useCatalog();
  const [capability, setCapability] = useState<string | null>(null);
  const [level, setLevel] = useState<string | null>("fast");
  const [ran, setRan] = useState<string | null>(null);
  const id = useId();
  const current = capability ?? catalog?.ai_capabilities[0]?.unique_name ?? null;
  return (
    <section className="cr-card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="cr-card-title">Try an AI feature</h2>
      <div className="cr-form">
        <label htmlFor={`${id}-cap`}>Feature</label>
        <select id={`${id}-cap`} value={current ?? ""} onChange={(e) => { setCapability(e.target.value); setRan(null); }}>
          {catalog?.ai_capabilities.map((c) => <option key={c.id} value={c.unique_name}>{c.name}</option>)}
        </select>
      </div>
      {current && <QualityLevelSelector capability={current} value={level} onChange={(l) => { setLevel(l); setRan(null); }} />}
      {current && level && (
        <AIAccessButton capability={current} qualityLevel={level}
          onRun={() => setRan(`Allowed. Your backend now runs it with executeWithAIAccess({capability: "${current}", qualityLevel: "${level}"}).`)}>
          Generate
        </AIAccessButton>
      )}
      {ran && <p role="status" className="cr-muted">{ran}</p>}
    </section>
  );
}

function CreditsPage() {
  const { role, organizationId } = useCredits();
  const catalog = useCatalog();
  const [buying, setBuying] = useState(false);
  const canBuy = role === "owner" || role === "org_admin";
  return (
    <>
      <p className="console-org" data-testid="org">
        <strong>{catalog?.organizations[0]?.name ?? organizationId}</strong> <span className="cr-muted">· {role}</span>
      </p>
      <div className="console-grid">
        <div>
          <CreditBalanceWidget onBuyCredits={canBuy ? () => setBuying(true) : undefined} />
          <TopupStatus />
          <AIFeatureDemo />
          <CreditSettings />
        </div>
        <CreditHistoryPage />
      </div>
      <TopupPurchaseModal open={buying} onClose={() => setBuying(false)} />
    </>
  );
}

export function App() {
  const graphqlUrl = window.CREDITS_CONSOLE?.graphqlUrl ?? new URL("/v1/graphql", window.location.href).toString();
  const [token, setToken] = useState<string | null>(() => window.CREDITS_CONSOLE?.token ?? sessionStorage.getItem(TOKEN_KEY));
  useEffect(() => {
    window.creditsConsole = {
      setToken: (next) => {
        if (next) sessionStorage.setItem(TOKEN_KEY, next);
        else sessionStorage.removeItem(TOKEN_KEY);
        setToken(next);
      },
    };
  }, []);
  return (
    <div className="console">
      <header className="console-header">
        <h1>Credits</h1>
        {DevSignIn && (
          <Suspense fallback={null}>
            <DevSignIn token={token} onToken={(t) => window.creditsConsole?.setToken(t)} />
          </Suspense>
        )}
      </header>
      <main>
        {token ? (
          <CreditsProvider url={graphqlUrl} token={token}>
            <CreditsPage />
          </CreditsProvider>
        ) : (
          <p className="cr-card">Not signed in: the host app passes the user's JWT (window.creditsConsole.setToken).</p>
        )}
      </main>
    </div>
  );
}
