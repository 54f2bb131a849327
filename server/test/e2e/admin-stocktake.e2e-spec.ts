import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { TestApp } from '../utils/test-app';
import { createProduct, createStore } from '../utils/factories';
import type { HttpClient } from '../utils/http';
import { enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';
import { type Browser, useAdminHub, shot, textMatches } from './admin-helpers';

/**
 * The stocktake pages of the admin SPA (admin/build) in Debian's Chromium against the real hub, with
 * two simulated tills that obey the hub's desired state: wizard → control room → count → review →
 * recount → approve, and the ledger afterwards.
 */
const LONG = 20_000;

describe('Admin stocktake pages against the real hub', () => {
  const hub = useAdminHub();
  let t: TestApp;
  let b: Browser;
  let admin: HttpClient;
  const sims: SimTill[] = [];
  beforeAll(() => ({ t, b, admin } = hub));
  afterEach(() => sims.splice(0).forEach((s) => s.close()));

  /** The same view in English and in simplified Chinese (the language switcher, then back). */
  async function shots(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
    await shot(page, name, 'en', opts);
    await page.getByTestId('lang-switcher').selectOption('zh-Hans');
    await page.locator('html[lang="zh-Hans"]').waitFor({ state: 'attached' });
    await shot(page, name, 'zh-Hans', opts);
    await page.getByTestId('lang-switcher').selectOption('en');
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
  }

  it('creates and starts a count in the wizard, follows it live, recounts, and approves what was counted', async () => {
    const category = `E2E-${randomUUID().slice(0, 6)}`;
    const store = await createStore(t.em(), { zones: ['A1', 'BR'] });
    const [p1, p2] = [await createProduct(t.em(), { category, costCents: 200 }), await createProduct(t.em(), { category, costCents: 100 })];
    const receipt = await admin.post('/api/stock/receipts', {
      idempotencyKey: `seed:${randomUUID()}`, storeId: store.id, lines: [{ productId: p1.id, quantity: 10 }, { productId: p2.id, quantity: 8 }],
    });
    expect(receipt.status).toBe(201);
    for (const name of ['Till 1', 'Till 2']) {
      const e = await enrolTill(t.url, admin, store.id, name);
      sims.push(new SimTill(t.url, e.token, store.id, e.terminalId));
    }
    await Promise.all(sims.map((s) => s.connected()));
    const [z1, z2] = store.zones.map((z) => z.id);

    // --- Wizard ---------------------------------------------------------------------------------
    const { page } = await b.as('admin', [], '/stocktakes');
    await page.getByTestId('stocktakes-table').waitFor();
    await page.getByTestId('stocktake-new').click();
    const wizard = page.getByTestId('wizard');
    await wizard.waitFor();
    await page.getByTestId('wizard-name').fill('Aisle check');
    await page.getByTestId('wizard-scope-stores').check();
    await page.getByTestId(`wizard-store-${store.id}`).check();
    await shots(page, 'stocktake-wizard');
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-filter-categories').check();
    await page.getByTestId(`wizard-category-${category}`).check();
    await page.getByTestId('wizard-next').click();
    expect(await page.getByTestId('wizard-blind').isChecked()).toBe(true); // blind by default
    await page.getByTestId('wizard-th-quantity').fill('3');
    await page.getByTestId('wizard-next').click();
    // The confirmation says what it will freeze: 1 store, its 2 tills, the 2 products of the category.
    expect(await page.getByTestId('wizard-sum-stores').innerText()).toBe('1');
    await textMatches(page.getByTestId('wizard-sum-tills'), /^2$/);
    await textMatches(page.getByTestId('wizard-sum-products'), /^2$/);
    await shots(page, 'stocktake-wizard-confirm');
    await page.getByTestId('wizard-confirm').click();

    // --- Control room ---------------------------------------------------------------------------
    await page.waitForURL(/\/stocktakes\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const card = page.getByTestId(`room-store-${store.id}`);
    // The SimTills obey the freeze by themselves; the barrier completes and the store goes to counting.
    await page.locator(`[data-testid="room-store-${store.id}"][data-status="counting"]`).waitFor({ timeout: LONG });
    await textMatches(card.getByTestId('room-store-tills'), /^2 of 2$/, LONG);
    await until(() => sims.map((s) => s.mode), (m) => m.every((x) => x === 'counting'), 'tills counting', LONG);
    const st = (await admin.get(`/api/stocktakes/${id}`)).body;
    expect(st).toMatchObject({ name: 'Aisle check', blind: true, status: 'running', thresholds: { quantity: 3 }, scope: { kind: 'stores', filter: { kind: 'categories', categories: [category] } } });

    // Count: p1 is 4 short (over the threshold of 3), p2 is right, split over two tills and zones.
    await sims[0].count(id, [{ zoneId: z1, productId: p1.id, quantity: 6 }, { zoneId: z1, productId: p2.id, quantity: 5 }]);
    await textMatches(card.getByTestId('room-store-counted'), /^2 of 2$/, LONG);
    await sims[1].count(id, [{ zoneId: z2, productId: p2.id, quantity: 3 }]);
    // Three count entries in the last minute; the sparkline has a sample per progress event.
    await textMatches(card.getByTestId('room-store-rate'), /^3$/, LONG);
    expect(Number(await card.getByTestId('room-store-spark').getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    await shots(page, 'stocktake-room');

    await card.getByTestId('room-close').click();
    await page.locator(`[data-testid="room-store-${store.id}"][data-status="review"]`).waitFor({ timeout: LONG });

    // --- Review ---------------------------------------------------------------------------------
    await card.getByTestId('room-review').click();
    await page.waitForURL(`**/stocktakes/${id}/stores/${store.id}`);
    const row1 = page.getByTestId(`review-row-${p1.id}`);
    await row1.waitFor();
    expect(await row1.getAttribute('data-over')).toBe('true');
    expect(await row1.getByTestId('review-variance').innerText()).toBe('−4');
    expect(await page.getByTestId(`review-row-${p2.id}`).getAttribute('data-over')).toBe('false');
    // Sorted by absolute value: the line over the threshold comes first.
    expect(await page.locator('[data-testid^="review-row-"]').first().getAttribute('data-testid')).toBe(`review-row-${p1.id}`);
    await page.getByTestId('review-over-only').check();
    expect(await page.locator('[data-testid^="review-row-"]').count()).toBe(1);
    await page.getByTestId('review-over-only').uncheck();
    expect(await page.getByTestId('review-tot-net').innerText()).toBe('-8.00');
    await shots(page, 'stocktake-review');

    // Recount the line over the threshold: the store counts again, the till gets the task.
    await page.getByTestId('review-recount-over').click();
    await page.locator('[data-testid="review-status"][data-status="counting"]').waitFor({ timeout: LONG });
    await page.locator(`[data-testid="review-row-${p1.id}"][data-recount="true"]`).waitFor();
    const tasks = await until(() => sims[1].tasks, (tk) => !!tk && tk.recounts.length === 1, 'recount task on the till', LONG);
    expect(tasks!.recounts[0].productId).toBe(p1.id);
    await sims[1].count(id, [{ zoneId: z1, productId: p1.id, quantity: 9, recountTaskId: tasks!.recounts[0].id }]);
    // The recount arrives live: the line is no longer open and shows the new count.
    await page.locator(`[data-testid="review-row-${p1.id}"][data-recount="false"]`).waitFor({ timeout: LONG });
    await textMatches(row1.getByTestId('review-counted'), /^9$/, LONG);

    await page.getByTestId('review-close').click();
    await page.locator('[data-testid="review-status"][data-status="review"]').waitFor({ timeout: LONG });
    await page.getByTestId(`review-reason-${p1.id}`).selectOption('theft');
    await until(async () => (await admin.get(`/api/stocktakes/${id}/stores/${store.id}/variance`)).body.lines.find((l: any) => l.productId === p1.id).reason, (r) => r === 'theft', 'reason saved', LONG);

    // --- Approve --------------------------------------------------------------------------------
    await page.getByTestId('review-approve').click();
    const dialog = page.getByTestId('approve-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('approve-lines').innerText()).toBe('1');
    expect(await page.getByTestId('approve-net').innerText()).toBe('-2.00');
    expect(await page.getByTestId('approve-abs').innerText()).toBe('2.00');
    await shots(page, 'stocktake-approve');
    await page.getByTestId('approve-confirm').click();
    await page.locator('[data-testid="review-status"][data-status="approved"]').waitFor({ timeout: LONG });
    await page.getByTestId('review-approved-note').waitFor();

    // The ledger now says what the shelves said, and the tills sell again.
    const balances = (await admin.get(`/api/stock/balances?storeId=${store.id}&limit=100`)).body.items;
    expect(balances.find((x: any) => x.productId === p1.id).onHand).toBe(9);
    expect(balances.find((x: any) => x.productId === p2.id).onHand).toBe(8);
    await until(() => sims.map((s) => s.mode), (m) => m.every((x) => x === 'selling'), 'tills selling again', LONG);

    await page.goto(`${t.url}/stocktakes/${id}`);
    await page.locator(`[data-testid="room-store-${store.id}"][data-status="approved"]`).waitFor({ timeout: LONG });
    await page.locator('[data-testid="room-status"][data-status="done"]').waitFor({ timeout: LONG });
    await shots(page, 'stocktake-room-done');
  });

  it('shows the hub’s typed error when approval is refused, and hides the wizard from auditors', async () => {
    const category = `E2E-${randomUUID().slice(0, 6)}`;
    const store = await createStore(t.em(), { zones: ['A1'] });
    const p = await createProduct(t.em(), { category });
    const e = await enrolTill(t.url, admin, store.id, 'Till 1');
    const sim = new SimTill(t.url, e.token, store.id, e.terminalId);
    sims.push(sim);
    await sim.connected();
    const created = await admin.post('/api/stocktakes', { name: 'Refused', scope: { kind: 'stores', storeIds: [store.id], filter: { kind: 'categories', categories: [category] } } });
    const id = created.body.id;
    const started = await admin.post(`/api/stocktakes/${id}/start`);
    expect(started.status).toBe(200);
    await until(async () => (await admin.get(`/api/stocktakes/${id}`)).body.stores?.[0]?.status, (s) => s === 'counting', 'counting', LONG);
    await sim.count(id, [{ zoneId: store.zones[0].id, productId: p.id, quantity: 2 }]);
    await admin.post(`/api/stocktakes/${id}/stores/${store.id}/close`);

    const { page } = await b.as('admin', [], `/stocktakes/${id}/stores/${store.id}`);
    await page.locator('[data-testid="review-status"][data-status="review"]').waitFor();
    await page.getByTestId('review-approve').click();
    await page.getByTestId('approve-dialog').waitFor();
    // Someone else reopens counting (a recount) while the dialog is open: the hub refuses the approval.
    expect((await admin.post(`/api/stocktakes/${id}/stores/${store.id}/recounts`, { lines: [{ productId: p.id, zoneId: null }] })).status).toBe(200);
    await page.getByTestId('approve-confirm').click();
    const err = page.getByTestId('approve-error');
    await err.waitFor();
    expect(await err.getAttribute('data-code')).toBe('ILLEGAL_TRANSITION');
    expect(await err.innerText()).toContain('A store that is counting cannot approve');
    await page.keyboard.press('Escape');
    await page.locator('[data-testid="review-status"][data-status="counting"]').waitFor();

    const auditor = await b.as('auditor', [], '/stocktakes');
    await auditor.page.getByTestId(`stocktake-row-${id}`).waitFor();
    expect(await auditor.page.getByTestId('stocktake-new').count()).toBe(0);
    await auditor.page.goto(`${t.url}/stocktakes/${id}/stores/${store.id}`);
    await auditor.page.getByTestId(`review-row-${p.id}`).waitFor();
    expect(await auditor.page.getByTestId('review-approve').count()).toBe(0);
    expect(await auditor.page.getByTestId(`review-reason-${p.id}`).count()).toBe(0);
  });
});
