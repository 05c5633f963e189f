// The console's scenarios in Chromium (playwright-core). Started by tests/web/test_console_browser.py, which
// runs the real stack and passes: CONSOLE_URL, ENGINE_URL, STRIPE_URL, E2E_TOKENS, CHROMIUM_PATH,
// SCREENSHOT_DIR. Run alone: `node --test e2e/console.e2e.mjs` with those set.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";

const CONSOLE_URL = process.env.CONSOLE_URL;
const ENGINE_URL = process.env.ENGINE_URL;
const STRIPE_URL = process.env.STRIPE_URL;
const TOKENS = JSON.parse(process.env.E2E_TOKENS ?? "{}");
const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), "credits-screenshots");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let context;
let profile;

before(async () => {
  profile = mkdtempSync(join(tmpdir(), "credits-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    viewport: DESKTOP,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function gql(user, query, variables = {}) {
  const response = await fetch(`${ENGINE_URL}/v1/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKENS[user]}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/** "1234.5" → "1,234.50", as the widget shows it (string arithmetic only). */
function shown(amount) {
  const negative = amount.startsWith("-");
  const [whole, frac = ""] = amount.replace("-", "").split(".");
  return `${negative ? "−" : ""}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${(frac + "00").slice(0, 2)}`;
}

async function balanceOf(user) {
  const out = await gql(user, "{ organization_credit_balances { available bonus_credits } }");
  assert.equal(out.errors, undefined, JSON.stringify(out.errors));
  return out.data.organization_credit_balances[0];
}

async function openAs(user, viewport = DESKTOP) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.errors = errors;
  await page.addInitScript((token) => sessionStorage.setItem("credits.token", token), TOKENS[user]);
  await page.goto(CONSOLE_URL);
  await page.getByTestId("balance-available").waitFor();
  return page;
}

async function spendAsService(credits, key) {
  const reserved = await gql("pro_service", `mutation($k: String!) { reserveCredits(capability: "question_generation", qualityLevel: "fast", idempotencyKey: $k) { reservationId } }`, { k: key });
  assert.equal(reserved.errors, undefined, JSON.stringify(reserved.errors));
  const settled = await gql("pro_service", `mutation($id: String!, $c: Credits!) { settleCredits(reservationId: $id, actualCredits: $c) { balanceAfter transactionId } }`, { id: reserved.data.reserveCredits.reservationId, c: credits });
  assert.equal(settled.errors, undefined, JSON.stringify(settled.errors));
  return settled.data.settleCredits;
}

test("a member sees exactly the balance GraphQL returns", async () => {
  const page = await openAs("pro_member");
  const balance = await balanceOf("pro_member");
  await page.getByTestId("balance-available").filter({ hasText: shown(balance.available) }).waitFor({ timeout: 5000 });
  assert.equal(await page.getByTestId("balance-available").textContent(), shown(balance.available));
  assert.equal(await page.getByTestId("balance-bonus").textContent(), shown(balance.bonus_credits));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("a settle made by the service elsewhere reaches the widget within 2 s, and the history shows its row", async () => {
  const page = await openAs("pro_member");
  const before = await balanceOf("pro_member");
  await page.getByTestId("balance-available").filter({ hasText: shown(before.available) }).waitFor({ timeout: 5000 });
  await page.evaluate(() => (window.__notReloaded = true));
  const started = Date.now();
  const settled = await spendAsService("1.25", `e2e-live-${Date.now()}`);
  await page.getByTestId("balance-available").filter({ hasText: shown(settled.balanceAfter) }).waitFor({ timeout: 2000 });
  console.log(`widget updated ${Date.now() - started} ms after the settle was sent`);
  assert.equal(await page.evaluate(() => window.__notReloaded), true, "the page was reloaded");
  const row = page.getByTestId("history").locator("tbody tr").first();
  await row.filter({ hasText: "−1.25" }).waitFor({ timeout: 5000 });
  assert.match(await row.textContent(), /AI usage/);
  assert.match(await row.textContent(), new RegExp(shown(settled.balanceAfter).replace(".", "\\.")));
  await page.close();
});

test("the owner buys a package through the fake Checkout; the webhook fulfils it and the page shows it live", async () => {
  const page = await openAs("pro_owner");
  const before = await balanceOf("pro_owner");
  await page.getByRole("button", { name: "Buy credits" }).click();
  const dialog = page.getByRole("dialog", { name: "Buy credits" });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.closest("[role=dialog]") !== null), true, "focus moved into the dialog");
  await dialog.getByRole("button", { name: /Buy Starter Pack/ }).click();
  // The fake Stripe's hosted page: its Pay sends the signed completion webhook, then redirects back.
  await page.waitForURL((u) => u.toString().startsWith(`${STRIPE_URL}/c/pay/cs_`));
  await page.getByRole("button", { name: "Pay" }).click();
  await page.waitForURL((u) => u.toString().startsWith(CONSOLE_URL) && u.searchParams.get("topup") === "success");
  await page.locator('[data-testid=topup-status][data-status=fulfilled]').waitFor({ timeout: 15000 });
  assert.match(await page.getByTestId("topup-status").textContent(), /100\.00 credits added/);
  const after = await balanceOf("pro_owner");
  const expected = (BigInt(before.available.replace(".", "")) + 10000n).toString();
  assert.equal(after.available.replace(".", ""), expected, "the package's 100 credits were granted once");
  await page.getByTestId("balance-available").filter({ hasText: shown(after.available) }).waitFor({ timeout: 5000 });
  await page.getByTestId("history").locator("tbody tr").first().filter({ hasText: "+100.00" }).waitFor({ timeout: 5000 });
  await page.screenshot({ path: join(SHOTS, "console-desktop.png"), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, "console-phone.png"), fullPage: true });
  await page.getByRole("button", { name: "Buy credits" }).click();
  await page.getByRole("dialog").waitFor();
  await page.screenshot({ path: join(SHOTS, "console-phone-topup.png") });
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });
  await page.close();
});

test("a viewer has no buy button, and the server refuses the checkout mutation anyway", async () => {
  const page = await openAs("pro_viewer");
  await page.getByText("viewer").first().waitFor();
  assert.equal(await page.getByRole("button", { name: "Buy credits" }).count(), 0);
  assert.equal(await page.getByRole("heading", { name: "Credit settings" }).count(), 0);
  const refused = await gql("pro_viewer", `mutation { createTopupCheckout(packageId: "pkg_starter", successUrl: "${CONSOLE_URL}/", cancelUrl: "${CONSOLE_URL}/") { url purchaseId } }`);
  assert.equal(refused.data ?? null, null);
  assert.ok(refused.errors?.length, "the viewer's checkout was accepted");
  await page.close();
});

test("switching to another organization's user never shows the first organization's data", async () => {
  const page = await openAs("pro_owner");
  const pro = await balanceOf("pro_owner");
  const free = await balanceOf("free_member");
  assert.notEqual(pro.available, free.available);
  await page.getByTestId("balance-available").filter({ hasText: shown(pro.available) }).waitFor();
  await page.getByTestId("history").locator("tbody tr").first().filter({ hasText: "+100.00" }).waitFor();
  // From the switch on, record every state of the org line, the balance and the history.
  await page.evaluate((token) => {
    window.__seen = [];
    const record = () => {
      const text = (sel) => document.querySelector(sel)?.textContent ?? "";
      window.__seen.push([text("[data-testid=org]"), text("[data-testid=balance-available]"), text("[data-testid=history]")].join(" | "));
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    window.creditsConsole.setToken(token);
  }, TOKENS.free_member);
  await page.getByTestId("balance-available").filter({ hasText: shown(free.available) }).waitFor({ timeout: 5000 });
  await page.getByTestId("org").filter({ hasText: "member" }).waitFor();
  await page.waitForTimeout(1500); // a late answer of the old session would land here
  const seen = await page.evaluate(() => window.__seen);
  assert.ok(seen.length > 0);
  for (const state of seen) {
    assert.ok(!state.includes(shown(pro.available)), `org_pro's balance shown after the switch: ${state}`);
    assert.ok(!state.includes("+100.00"), `org_pro's top-up shown after the switch: ${state}`);
    assert.ok(!/\bowner\b/.test(state.split(" | ")[0]), `still signed in as the owner: ${state}`);
  }
  await page.close();
});

test("a quality level the plan does not include is disabled and names the plan that unlocks it", async () => {
  const page = await openAs("free_member");
  const access = await gql("free_member", `{ aiAccessCheck(capability: "question_generation", qualityLevel: "enhanced") { allowed reason unlockPlans { name } } }`);
  const answer = access.data.aiAccessCheck;
  assert.equal(answer.allowed, false);
  assert.equal(answer.reason, "QUALITY_LEVEL_NOT_ALLOWED");
  const expected = `Available on ${answer.unlockPlans.map((p) => p.name).join(" or ")}`;
  await page.getByLabel("Feature", { exact: true }).selectOption("question_generation");
  const denial = page.getByTestId("denial-enhanced");
  await denial.waitFor({ timeout: 5000 });
  assert.equal(await denial.textContent(), expected);
  assert.equal(await page.getByRole("radio", { name: /Enhanced/ }).isDisabled(), true);
  assert.equal(await page.getByRole("radio", { name: /Fast/ }).isDisabled(), false);
  await page.close();
});
