// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";

import { CreditBalanceWidget, CreditsProvider, QualityLevelSelector, TopupPurchaseModal, useCreditHistory } from "../src";
import { balance, catalog, fakeClient, tokenFor } from "./fake";

afterEach(cleanup);

const plans = [{ id: "plan_pro", uniqueName: "pro", name: "Pro", monthlyAiCredits: 500 }, { id: "plan_team", uniqueName: "team", name: "Team", monthlyAiCredits: 2000 }];
function access(v: Record<string, unknown>) {
  const base = { message: "", capability: v.capability, qualityLevel: v.qualityLevel, plan: null, balance: { available: "3.00", spendable: "3.00" }, models: [], rateLimits: { rpmLimit: null, rpmUsed: null, rpdLimit: null, rpdUsed: null }, allowedQualityLevels: ["fast"] };
  if (v.qualityLevel === "fast") return { aiAccessCheck: { ...base, allowed: true, reason: null, estimatedCredits: "1.00", unlockPlans: [] } };
  if (v.qualityLevel === "enhanced") return { aiAccessCheck: { ...base, allowed: false, reason: "QUALITY_LEVEL_NOT_ALLOWED", estimatedCredits: "1.50", unlockPlans: plans } };
  return { aiAccessCheck: { ...base, allowed: false, reason: "INSUFFICIENT_CREDITS", estimatedCredits: "5.00", unlockPlans: [] } };
}

describe("CreditBalanceWidget", () => {
  it("shows the subscription's balance and follows it live", async () => {
    const fake = fakeClient({});
    render(<CreditsProvider url="" token={tokenFor("member", "org_pro")} client={fake.client}><CreditBalanceWidget /></CreditsProvider>);
    expect(screen.getByText("Loading credits…")).toBeTruthy();
    act(() => fake.push("CreditBalanceLive", balance("525.00")));
    expect(screen.getByTestId("balance-available").textContent).toBe("525.00");
    act(() => fake.push("CreditBalanceLive", balance("1523.75")));
    expect(screen.getByTestId("balance-available").textContent).toBe("1,523.75");
    expect(screen.queryByRole("status")).toBeNull();
    act(() => fake.push("CreditBalanceLive", balance("99.00")));
    expect(screen.getByRole("status").textContent).toMatch(/Low balance/);
  });

  it("never shows the previous user's balance after the token changes", async () => {
    const first = fakeClient({});
    const second = fakeClient({});
    function Host() {
      const [user, setUser] = useState(1);
      return (
        <>
          <button onClick={() => setUser(2)}>switch</button>
          <CreditsProvider url="" token={tokenFor("owner", user === 1 ? "org_pro" : "org_free_one")} client={user === 1 ? first.client : second.client}>
            <CreditBalanceWidget />
          </CreditsProvider>
        </>
      );
    }
    render(<Host />);
    act(() => first.push("CreditBalanceLive", balance("525.00")));
    expect(screen.getByTestId("balance-available").textContent).toBe("525.00");
    fireEvent.click(screen.getByText("switch"));
    expect(screen.queryByTestId("balance-available")).toBeNull();
    expect(first.live.every((s) => s.closed)).toBe(true);
    act(() => first.push("CreditBalanceLive", balance("777.00"))); // a late answer for the old session
    expect(screen.queryByText("777.00")).toBeNull();
    act(() => second.push("CreditBalanceLive", balance("20.00")));
    expect(screen.getByTestId("balance-available").textContent).toBe("20.00");
  });
});

describe("QualityLevelSelector", () => {
  it("shows estimates, names the plans that unlock a locked level, and disables unaffordable ones", async () => {
    const fake = fakeClient({ CreditCatalog: catalog, AccessCheck: access });
    let chosen = "";
    render(<CreditsProvider url="" token={tokenFor("member", "org_free_one")} client={fake.client}>
      <QualityLevelSelector capability="question_generation" value="fast" onChange={(l) => (chosen = l)} />
    </CreditsProvider>);
    await screen.findByText("Available on Pro or Team");
    await screen.findByText("Needs 5.00 credits; 3.00 spendable");
    expect((screen.getByRole("radio", { name: /Enhanced/ }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole("radio", { name: /Premium/ }) as HTMLInputElement).disabled).toBe(true);
    const fast = screen.getByRole("radio", { name: /Fast/ }) as HTMLInputElement;
    await waitFor(() => expect(fast.disabled).toBe(false));
    expect(screen.getByText("~1.00 credits")).toBeTruthy();
    fireEvent.click(screen.getByRole("radio", { name: /Enhanced/ }));
    expect(chosen).toBe("");
  });
});

describe("useCreditHistory", () => {
  const row = (seq: number) => ({ org_seq: String(seq), transaction_type: "ai_consumption", credits_amount: "-1.00", balance_after: "1.00", description: null, created_at: "2026-12-02T10:00:00Z", ai_capability_id: null, quality_level_id: null });
  function History() {
    const { rows, hasMore, loadMore } = useCreditHistory({ pageSize: 2 });
    return (
      <>
        <ol>{rows.map((r) => <li key={r.org_seq}>{r.org_seq}</li>)}</ol>
        {hasMore && <button onClick={() => void loadMore()}>more</button>}
      </>
    );
  }

  it("pages with the oldest org_seq as the cursor and puts streamed rows on top", async () => {
    const fake = fakeClient({
      CreditHistoryPage: (v) => {
        const where = JSON.stringify(v.where);
        return { credit_transactions: where.includes('"_lt":"9"') ? [row(8)] : [row(10), row(9)] };
      },
    });
    render(<CreditsProvider url="" token={tokenFor("member", "org_pro")} client={fake.client}><History /></CreditsProvider>);
    await screen.findByText("10");
    fireEvent.click(screen.getByText("more"));
    await screen.findByText("8");
    const pages = fake.calls.filter((c) => c.op === "CreditHistoryPage");
    expect(pages[1]!.variables.where).toEqual({ _and: [{}, { org_seq: { _lt: "9" } }] });
    expect(screen.queryByText("more")).toBeNull(); // a short page is the last
    const stream = fake.live.find((s) => s.op === "CreditHistoryNew")!;
    expect(stream.variables.after).toBe("10");
    act(() => fake.push("CreditHistoryNew", { credit_transactions_stream: [row(11), row(12)] }));
    expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual(["12", "11", "10", "9", "8"]);
  });
});

describe("TopupPurchaseModal", () => {
  it("moves focus into the dialog, closes on Escape, and offers buying only to owners and admins", async () => {
    const fake = fakeClient({ CreditCatalog: catalog });
    let open = true;
    const { rerender } = render(<CreditsProvider url="" token={tokenFor("owner", "org_pro")} client={fake.client}>
      <TopupPurchaseModal open onClose={() => (open = false)} />
    </CreditsProvider>);
    const buy = await screen.findByRole("button", { name: /Buy Starter Pack: 100 credits for \$9\.99/ });
    expect(screen.getByRole("dialog").contains(document.activeElement)).toBe(true);
    expect(buy).toBeTruthy();
    fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
    expect(open).toBe(false);
    rerender(<CreditsProvider url="" token={tokenFor("viewer", "org_pro")} client={fake.client}>
      <TopupPurchaseModal open onClose={() => undefined} />
    </CreditsProvider>);
    await screen.findByText("Starter Pack");
    expect(screen.queryByRole("button", { name: /Buy Starter/ })).toBeNull();
    expect(screen.getByRole("note").textContent).toMatch(/Only the organization's owner or an admin/);
  });
});
