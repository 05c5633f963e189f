import { orgAdminOps, ownerOps, type CreditsError } from "@credits/client";
import { useEffect, useId, useState, type FormEvent } from "react";

import { useCredits } from "../context";
import { useCatalog, useCreditBalance } from "../hooks";

function ThresholdForm() {
  const { client } = useCredits();
  const { balance } = useCreditBalance();
  const [value, setValue] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const id = useId();
  useEffect(() => setValue(balance?.low_balance_threshold ?? ""), [balance?.low_balance_threshold]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await client.mutate(orgAdminOps.SetLowBalanceThresholdDocument, { threshold: value.trim() === "" ? null : value.trim() });
      setMessage("Saved.");
    } catch (error) {
      setMessage(`Not saved: ${(error as CreditsError).message}`);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)} className="cr-form">
      <label htmlFor={id}>Warn when credits fall to</label>
      <input id={id} inputMode="decimal" pattern="\d+(\.\d{1,2})?" value={value} onChange={(e) => setValue(e.target.value)}
        placeholder={balance?.effective_low_balance_threshold ?? ""} aria-describedby={`${id}-hint`} />
      <small id={`${id}-hint`} className="cr-muted">Empty: 20% of the monthly credits.</small>
      <button type="submit" className="cr-button">Save threshold</button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}

type AutoTopup = ownerOps.AutoTopupSettingsQuery["organization_credit_settings"][number];

function AutoTopupForm() {
  const { client, organizationId } = useCredits();
  const catalog = useCatalog();
  const [settings, setSettings] = useState<AutoTopup | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const id = useId();
  useEffect(() => {
    client.query(ownerOps.AutoTopupSettingsDocument, {}).then((d) => setSettings(d.organization_credit_settings[0] ?? null), () => undefined);
  }, [client]);
  const [enabled, setEnabled] = useState(false);
  const [packageId, setPackageId] = useState("");
  const [threshold, setThreshold] = useState("");
  useEffect(() => {
    setEnabled(settings?.auto_topup_enabled ?? false);
    setPackageId(settings?.auto_topup_package_id ?? "");
    setThreshold(settings?.auto_topup_threshold ?? "");
  }, [settings]);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const data = await client.mutate(ownerOps.SetAutoTopupDocument, {
        organizationId: organizationId ?? "",
        set: { auto_topup_enabled: enabled, auto_topup_package_id: packageId || null, auto_topup_threshold: threshold || null },
      });
      setMessage(data.update_organization_credit_settings_by_pk ? "Saved." : "Not saved: auto top-up needs a card saved by a first purchase.");
    } catch (error) {
      setMessage(`Not saved: ${(error as CreditsError).message}`);
    }
  };
  return (
    <form onSubmit={(e) => void save(e)} className="cr-form">
      <div className="cr-check">
        <input id={`${id}-on`} type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        <label htmlFor={`${id}-on`}>Buy credits automatically when they run low</label>
      </div>
      <label htmlFor={`${id}-pkg`}>Package</label>
      <select id={`${id}-pkg`} value={packageId} onChange={(e) => setPackageId(e.target.value)}>
        <option value="">Choose…</option>
        {catalog?.credit_topup_packages.map((p) => <option key={p.id} value={p.id}>{p.name} ({p.credits} credits)</option>)}
      </select>
      <label htmlFor={`${id}-at`}>When credits fall to</label>
      <input id={`${id}-at`} inputMode="decimal" value={threshold} onChange={(e) => setThreshold(e.target.value)} />
      <button type="submit" className="cr-button">Save auto top-up</button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}

/** Low-balance threshold (owner, org_admin) and auto top-up (owner); nothing for other roles. */
export function CreditSettings() {
  const { role } = useCredits();
  if (role !== "owner" && role !== "org_admin") return null;
  return (
    <section className="cr-card cr-settings" aria-labelledby="cr-settings-title">
      <h2 id="cr-settings-title" className="cr-card-title">Credit settings</h2>
      <ThresholdForm />
      {role === "owner" && (
        <>
          <h3>Auto top-up</h3>
          <AutoTopupForm />
        </>
      )}
    </section>
  );
}
