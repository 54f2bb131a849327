import { randomUUID } from 'node:crypto';
import type { TestApp } from '../utils/test-app';
import { createProduct, createStore } from '../utils/factories';
import type { HttpClient } from '../utils/http';
import { enrolTill, TillClient } from '../utils/till-client';
import { type Browser, useAdminHub, shot, SHORT, textMatches } from './admin-helpers';

/** The low-stock page in Debian's Chromium: alerts raised by a till's sale appear live, without a reload. */

describe('Low-stock alerts in the admin app', () => {
  const hub = useAdminHub();
  let t: TestApp;
  let b: Browser;
  let admin: HttpClient;
  let till: TillClient | null = null;
  beforeAll(() => ({ t, b, admin } = hub));
  afterEach(() => {
    till?.close();
    till = null;
  });

  it('shows an alert the moment a sale takes a balance below its threshold, and clears it on restock', async () => {
    const store = await createStore(t.em());
    const p = await createProduct(t.em(), { threshold: 5 });
    const receipt = await admin.post('/api/stock/receipts', { idempotencyKey: randomUUID(), storeId: store.id, lines: [{ productId: p.id, quantity: 6 }] });
    expect(receipt.status).toBe(201);
    const e = await enrolTill(t.url, admin, store.id);
    till = new TillClient(t.url, e.token);
    await till.connected();

    const { page } = await b.as('manager', [store.id], '/low-stock');
    await page.getByTestId('low-stock-alerts').getByTestId('table-empty').waitFor();
    expect(await page.getByTestId('low-stock-badge').count()).toBe(0);
    // Anything that reloads the page would drop this marker.
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const ack = await till.emit('sale.submit.v1', {
      id: randomUUID(), kind: 'sale', storeId: store.id, seq: 1, at: Date.now(), tender: 'card', lines: [{ productId: p.id, quantity: 2, unitPriceCents: 150 }],
    });
    expect(ack.ok).toBe(true);

    const row = page.locator('[data-testid="low-stock-alert-row"][data-status="open"]', { hasText: p.sku });
    await row.waitFor({ timeout: SHORT });
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(1)).toEqual([`Store ${store.code}`, p.sku, `Product ${p.sku}`, '5', '4', '4', 'Open']);
    expect(await textMatches(page.getByTestId('low-stock-badge'), /^1$/)).toBe('1');
    // The "below threshold now" table refreshed that store by itself too.
    await page.getByTestId('low-stock-row').filter({ hasText: p.sku }).waitFor({ timeout: SHORT });
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await shot(page, 'low-stock-alert-live', 'en', { fullPage: true });

    // Restocked: the open alert leaves the list and the badge, live; the cleared view lists it.
    await admin.post('/api/stock/receipts', { idempotencyKey: randomUUID(), storeId: store.id, lines: [{ productId: p.id, quantity: 10 }] });
    await row.waitFor({ state: 'detached', timeout: SHORT });
    await page.getByTestId('low-stock-badge').waitFor({ state: 'detached', timeout: SHORT });
    await page.getByTestId('low-stock-status').selectOption('cleared');
    const cleared = page.locator('[data-testid="low-stock-alert-row"][data-status="cleared"]', { hasText: p.sku });
    await cleared.waitFor({ timeout: SHORT });
    expect((await cleared.locator('td').allInnerTexts())[6]).toBe('14');
    expect(new URL(page.url()).searchParams.get('status')).toBe('cleared');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  });
});
