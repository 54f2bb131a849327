import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { createProduct, createStaff, createStore, onHand, signedIn } from '../utils/factories';
import { launchBrowser } from '../utils/browser';
import type { HttpClient } from '../utils/http';
import { bootApp, type TestApp } from '../utils/test-app';
import { until } from '../utils/until';
import { Browser, textMatches } from './admin-helpers';
import { waitForTill, wedgeScanDetected } from './till-page';

/**
 * The headline flow with both real UIs in Chromium against the real hub: an admin starts a stocktake in
 * the admin app, a real till page freezes and turns into a counting device, a counter counts by
 * keyboard-wedge scans, the manager reviews, asks for a recount, the counter recounts, the manager
 * approves, and the till sells again with book = counted.
 */
jest.setTimeout(180_000);
const LONG = 20_000;

describe('Synchronised stocktake, admin app + till app', () => {
  let t: TestApp;
  let api: HttpClient;
  let adminCtx: BrowserContext;
  let tillCtx: BrowserContext;
  let b: Browser;
  let till: Page;
  const tillErrors: string[] = [];

  beforeAll(async () => {
    [t, adminCtx, tillCtx] = await Promise.all([bootApp(), launchBrowser(), launchBrowser()]);
    b = new Browser(adminCtx, t);
    api = await signedIn(t.url, t.em(), 'admin');
    till = tillCtx.pages()[0] ?? (await tillCtx.newPage());
    till.on('pageerror', (e) => tillErrors.push(e.message));
  });
  afterAll(async () => {
    await b?.close();
    await adminCtx?.close();
    await tillCtx?.close();
    await t?.close();
  });

  it('runs from the admin\'s button to the till selling again', async () => {
    const store = await createStore(t.em(), { zones: ['A1', 'BR'] });
    const category = `FLOW-${randomUUID().slice(0, 6)}`;
    const apple = await createProduct(t.em(), { category, costCents: 100 });
    const pear = await createProduct(t.em(), { category, costCents: 100 });
    await api.post('/api/stock/receipts', { idempotencyKey: `flow-${randomUUID()}`, storeId: store.id, lines: [{ productId: apple.id, quantity: 4 }, { productId: pear.id, quantity: 3 }] });
    const staff = await createStaff(t.em(), store.id, t.config.sessionSecret, '1357');

    // A till is paired and a cashier signs in.
    const code = await api.post('/api/enrolment-codes', { storeId: store.id, terminalName: 'Till 1' });
    await till.goto(`${t.url}/till/`);
    await till.getByTestId('pairing-code').fill(code.body.code);
    await till.getByTestId('pairing-submit').click();
    await till.getByTestId('screen-signin').waitFor();
    for (const d of staff.pin) await till.getByTestId(`signin-keypad-${d}`).click();
    await till.getByTestId('signin-submit').click();
    await till.getByTestId('screen-selling').waitFor();
    await waitForTill(till, { screen: 'selling', online: true });

    // Head office presses the button in the admin app.
    const { page } = await b.as('admin', [], '/stocktakes');
    await page.getByTestId('stocktake-new').click();
    await page.getByTestId('wizard-name').fill('Flow count');
    await page.getByTestId('wizard-scope-stores').check();
    await page.getByTestId(`wizard-store-${store.id}`).check();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-filter-categories').check();
    await page.getByTestId(`wizard-category-${category}`).check();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-th-quantity').fill('1');
    await page.getByTestId('wizard-next').click();
    await textMatches(page.getByTestId('wizard-sum-tills'), /^1$/);
    await page.getByTestId('wizard-confirm').click();

    // The till freezes (why, who), then — its barrier passed — becomes a counting device by itself.
    await till.getByTestId('screen-counting').waitFor({ timeout: LONG });
    await waitForTill(till, { screen: 'counting', mode: 'counting' });
    const card = page.getByTestId(`room-store-${store.id}`);
    await page.locator(`[data-testid="room-store-${store.id}"][data-status="counting"]`).waitFor({ timeout: LONG });
    const [desired] = await t.em().getConnection().execute(`select desired_reason from terminal where store_id = ?`, [store.id]);
    expect(desired.desired_reason).toMatchObject({ kind: 'stocktake', message: 'Flow count' });

    // The counter counts A1 by wedge scans: every apple, but one pear of three.
    await till.getByTestId('zone-A1').click();
    for (let i = 0; i < 4; i++) await wedgeScanDetected(till, apple.gtin);
    await wedgeScanDetected(till, pear.gtin);
    await till.locator(`[data-testid="count-line"][data-product="${pear.id}"][data-qty="1"]`).waitFor();
    await textMatches(card.getByTestId('room-store-counted'), /^2 of 2$/, LONG);

    // The manager closes counting, reviews, and asks for the line over the threshold to be recounted.
    await card.getByTestId('room-close').click();
    await page.locator(`[data-testid="room-store-${store.id}"][data-status="review"]`).waitFor({ timeout: LONG });
    await card.getByTestId('room-review').click();
    await textMatches(page.getByTestId(`review-row-${pear.id}`).getByTestId('review-variance'), /^−2$/, LONG);
    await page.getByTestId('review-recount-over').click();
    await page.locator('[data-testid="review-status"][data-status="counting"]').waitFor({ timeout: LONG });

    // The till shows the recount task; the counter recounts pear and finds all three.
    const task = till.locator(`[data-testid="recount-task"][data-product="${pear.id}"]`);
    await task.waitFor({ timeout: LONG });
    await task.click();
    await till.getByTestId('recount-active').waitFor();
    for (let i = 0; i < 3; i++) await wedgeScanDetected(till, pear.gtin);
    await textMatches(page.getByTestId(`review-row-${pear.id}`).getByTestId('review-counted'), /^3$/, LONG);

    // Close again, approve with the totals shown, and the till sells again.
    await page.getByTestId('review-close').click();
    await page.locator('[data-testid="review-status"][data-status="review"]').waitFor({ timeout: LONG });
    await page.getByTestId('review-approve').click();
    await page.getByTestId('approve-dialog').waitFor();
    await page.getByTestId('approve-confirm').click();
    await page.locator('[data-testid="review-status"][data-status="approved"]').waitFor({ timeout: LONG });
    await till.getByTestId('screen-selling').waitFor({ timeout: LONG });
    await waitForTill(till, { screen: 'selling', mode: 'selling' });

    expect(await onHand(t.em(), store.id, apple.id)).toBe(4);
    expect(await onHand(t.em(), store.id, pear.id)).toBe(3);
    const posted = await t.em().getConnection().execute(`select count(*)::int as n from stock_movement where store_id = ? and kind = 'stocktake'`, [store.id]);
    expect(posted[0].n).toBe(0); // the recount found the shelf matched the books: nothing to adjust
    // And it sells: one apple by a wedge scan and cash.
    await wedgeScanDetected(till, apple.gtin);
    await till.getByTestId('tender-cash').click();
    await till.getByTestId('complete-sale').click();
    await until(() => onHand(t.em(), store.id, apple.id), (n) => n === 3, 'the sale reached the books', LONG);
    expect(tillErrors).toEqual([]);
    expect(b.takeProblems()).toEqual([]);
  });
});
