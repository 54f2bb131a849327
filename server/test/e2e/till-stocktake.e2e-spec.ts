import { randomUUID } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { createProduct, createStaff, createStore, onHand, signedIn } from '../utils/factories';
import { launchBrowser } from '../utils/browser';
import type { HttpClient } from '../utils/http';
import { bootApp, type TestApp } from '../utils/test-app';
import { enrolTill } from '../utils/till-client';
import { eventually, shootEachLocale, snapshot, waitForTill, wedgeScanDetected } from './till-page';

/**
 * The synchronised stocktake on the real till app (terminal/build at /till/) against the real hub:
 * freeze (who, why), counting by itself after the barrier, zone + keyboard-wedge scans into the count
 * outbox, an offline stretch with a reload, recount task from the hub, done state, approval, selling
 * again with book = counted. The steps build on each other and run in order.
 */
jest.setTimeout(180_000);

type Api = Record<string, any>;
const api = (page: Page): Promise<Api> => page.evaluate(() => (window as any).__stockfleet.snapshot());
const hooks = (page: Page, ...keys: string[]): Promise<Api> =>
  page.evaluate((ks) => Object.fromEntries(ks.map((k) => [k, (window as any).__stockfleet[k]])), keys);

async function waitHook(page: Page, check: (v: Api) => boolean, keys: string[], what: string, timeout = 20_000): Promise<Api> {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await hooks(page, ...keys);
    if (check(v)) return v;
    if (Date.now() > until) throw new Error(`${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Till stocktake against the real hub', () => {
  let t: TestApp;
  let admin: HttpClient;
  let store: Awaited<ReturnType<typeof createStore>>;
  let apple: Awaited<ReturnType<typeof createProduct>>;
  let pear: Awaited<ReturnType<typeof createProduct>>;
  let staff: Awaited<ReturnType<typeof createStaff>>;
  let offlineTill: string;
  let ctx: BrowserContext;
  let page: Page;
  let terminalId: string;
  let stocktakeId: string;
  const pageErrors: string[] = [];

  const sql = <T = any>(q: string, params: unknown[] = []) => t.em().getConnection().execute<T[]>(q, params);
  const entries = () =>
    sql(`select id, product_id, zone_id, quantity, seq::int as seq, staff_id, recount_task_id, round from count_entry where terminal_id = ? order by seq`, [terminalId]);
  const zone = (code: string) => store.zones.find((z) => z.code === code)!;

  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
    store = await createStore(t.em(), { zones: ['A1', 'BR'] });
    apple = await createProduct(t.em(), { costCents: 100 });
    pear = await createProduct(t.em(), { costCents: 100 });
    const receipt = await admin.post('/api/stock/receipts', {
      idempotencyKey: `open-${randomUUID()}`,
      storeId: store.id,
      lines: [{ productId: apple.id, quantity: 8 }, { productId: pear.id, quantity: 3 }],
    });
    expect(receipt.status).toBeLessThan(300);
    staff = await createStaff(t.em(), store.id, t.config.sessionSecret, '2468');
    // A second till of the store that is switched off: the freeze barrier waits for it, so the
    // frozen screen stays up until an admin forces the barrier past it.
    offlineTill = (await enrolTill(t.url, admin, store.id, 'Back till')).terminalId;
    ctx = await launchBrowser();
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));
  });

  afterAll(async () => {
    await ctx?.close();
    await t?.close();
  });

  it('pairs and signs in', async () => {
    const code = await admin.post('/api/enrolment-codes', { storeId: store.id, terminalName: 'Front till' });
    expect(code.status).toBe(201);
    await page.goto(`${t.url}/till/`);
    await page.getByTestId('screen-pairing').waitFor();
    await page.getByTestId('pairing-code').fill(code.body.code);
    await page.getByTestId('pairing-submit').click();
    await page.getByTestId('screen-signin').waitFor();
    await waitForTill(page, { paired: true, online: true });
    terminalId = (await snapshot(page)).terminalId!;
    for (const d of staff.pin) await page.getByTestId(`signin-keypad-${d}`).click();
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('screen-selling').waitFor();
    await waitForTill(page, { screen: 'selling', scanner: { kind: 'wedge', status: 'ready' } });
    // The service worker must control the page before the offline step.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  });

  it('freezes when an admin starts a stocktake, showing why, who and since when', async () => {
    const created = await admin.post('/api/stocktakes', {
      name: 'Spring count',
      scope: { kind: 'stores', storeIds: [store.id] },
      thresholds: { quantity: 1, percent: 0, valueCents: 0 },
      graceSeconds: 0,
    });
    expect(created.status).toBe(201);
    stocktakeId = created.body.id;
    expect((await admin.post(`/api/stocktakes/${stocktakeId}/start`)).status).toBe(200);

    await page.getByTestId('screen-frozen').waitFor();
    await waitForTill(page, { screen: 'frozen', mode: 'frozen', desiredMode: 'frozen' });
    await expect(page.getByTestId('frozen-message').innerText()).resolves.toContain('Spring count');
    await expect(page.getByTestId('frozen-by').innerText()).resolves.toContain('Test admin');
    await expect(page.getByTestId('frozen-since').innerText()).resolves.toMatch(/\d/);
    expect(await page.getByTestId('practice-marker').count()).toBe(0);
    await shootEachLocale(page, 'stocktake-frozen', 'frozen-message');
    // The hub has the till frozen at the current epoch; the barrier still waits for the back till.
    await eventually(
      () => admin.get(`/api/stocktakes/${stocktakeId}`).then((r) => r.body.stores[0]),
      (s) => expect(s).toMatchObject({ status: 'freezing', waitingFor: [{ id: offlineTill }] }),
    );
  });

  it('turns to counting by itself once the barrier is passed; a zone must be picked before scanning', async () => {
    expect((await admin.post(`/api/stocktakes/${stocktakeId}/stores/${store.id}/force`, { terminalIds: [offlineTill], reason: 'switched off' })).status).toBe(200);
    await page.getByTestId('screen-counting').waitFor({ timeout: 20_000 });
    await waitForTill(page, { screen: 'counting', mode: 'counting' });
    expect((await hooks(page, 'stocktakeId')).stocktakeId).toBe(stocktakeId);
    await page.getByTestId('zone-picker').waitFor();

    // No zone yet: a scan is refused and nothing is queued.
    await wedgeScanDetected(page, apple.gtin);
    await page.locator('[data-testid="count-notice"][data-reason="noZone"]').waitFor();
    expect((await hooks(page, 'countOutboxDepth', 'countLines')).countLines).toEqual([]);

    await page.getByTestId('zone-A1').click();
    await page.getByTestId('count-scan-input').waitFor();
    expect((await hooks(page, 'zoneId')).zoneId).toBe(zone('A1').id);
  });

  it('counts by wedge scans (pear one short); repeats add to the same line; the hub has every entry once', async () => {
    for (let i = 0; i < 5; i++) await wedgeScanDetected(page, apple.gtin);
    await page.locator(`[data-testid="count-line"][data-product="${apple.id}"][data-qty="5"]`).waitFor();
    for (let i = 0; i < 2; i++) await wedgeScanDetected(page, pear.gtin);
    await page.locator(`[data-testid="count-line"][data-product="${pear.id}"][data-qty="2"]`).waitFor();
    expect(await page.getByTestId('count-line').count()).toBe(2);

    // Keyed: an unknown code (hub refuses it, shown with the reason), and "undo" of a scan not yet sent
    // is not possible once the hub has it.
    await page.getByTestId('count-scan-input').fill('4006381333948');
    await page.getByTestId('count-submit').click();
    await page.getByTestId('count-refused-entry').waitFor({ timeout: 15_000 });
    await expect(page.getByTestId('count-refused-entry').getAttribute('data-code')).resolves.toBe('UNKNOWN_BARCODE');

    await waitHook(page, (v) => v.countOutboxDepth === 0, ['countOutboxDepth'], 'count outbox drained');
    const rows = await entries();
    expect(rows).toHaveLength(7);
    expect(rows.filter((r) => r.product_id === apple.id).reduce((s, r) => s + r.quantity, 0)).toBe(5);
    expect(rows.filter((r) => r.product_id === pear.id).reduce((s, r) => s + r.quantity, 0)).toBe(2);
    expect(rows.every((r) => r.zone_id === zone('A1').id && r.staff_id === staff.id && r.recount_task_id === null)).toBe(true);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(7);
    const lines = (await hooks(page, 'countLines')).countLines;
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ productId: apple.id, quantity: 5, entries: 5, pending: 0 }),
        expect.objectContaining({ productId: pear.id, quantity: 2, entries: 2, pending: 0 }),
      ]),
    );
    // Blind: nothing on the screen says how many the books expect.
    const blindNote = await page.getByTestId('count-blind').innerText();
    const text = (await page.getByTestId('screen-counting').innerText()).replace(blindNote, '');
    expect(text).not.toMatch(/expected|book/i);
    expect(await page.locator('[data-testid="count-line"][data-qty="3"], [data-testid="count-line"][data-qty="8"]').count()).toBe(0);
    await shootEachLocale(page, 'stocktake-counting', 'count-lines');
  });

  it('keeps counting offline, survives a reload offline, and delivers each entry exactly once', async () => {
    await ctx.setOffline(true);
    await waitForTill(page, { online: false, link: 'offline' });
    await page.getByTestId('count-offline').waitFor();
    for (let i = 0; i < 3; i++) await wedgeScanDetected(page, apple.gtin);
    await page.locator(`[data-testid="count-line"][data-product="${apple.id}"][data-qty="8"]`).waitFor();
    await waitHook(page, (v) => v.countOutboxDepth === 3, ['countOutboxDepth'], 'three entries waiting');
    // Undo the last one (not yet sent) and scan it again: still three waiting, nothing lost.
    await page.getByTestId('count-undo').click();
    await page.locator(`[data-testid="count-line"][data-product="${apple.id}"][data-qty="7"]`).waitFor();
    await wedgeScanDetected(page, apple.gtin);
    await page.locator(`[data-testid="count-line"][data-product="${apple.id}"][data-qty="8"]`).waitFor();

    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page.getByTestId('screen-counting').waitFor();
    await waitForTill(page, { screen: 'counting', online: false });
    await page.locator(`[data-testid="count-line"][data-product="${apple.id}"][data-qty="8"]`).waitFor();
    expect((await hooks(page, 'countOutboxDepth', 'zoneId')).zoneId).toBe(zone('A1').id);
    expect(await entries()).toHaveLength(7);

    await ctx.setOffline(false);
    await waitForTill(page, { online: true }, 30_000);
    await waitHook(page, (v) => v.countOutboxDepth === 0, ['countOutboxDepth'], 'outbox drained after the outage', 30_000);
    const rows = await entries();
    expect(rows).toHaveLength(10);
    expect(new Set(rows.map((r) => r.id)).size).toBe(10);
    expect(rows.filter((r) => r.product_id === apple.id).reduce((s, r) => s + r.quantity, 0)).toBe(8);
  });

  it('shows the recount task the hub asks for; scans of that product carry it', async () => {
    expect((await admin.post(`/api/stocktakes/${stocktakeId}/stores/${store.id}/close`)).status).toBe(200);
    await waitHook(page, (v) => v.storeStatus === 'review', ['storeStatus'], 'review pushed');
    const variance = (await admin.get(`/api/stocktakes/${stocktakeId}/stores/${store.id}/variance`)).body;
    expect(variance.lines.find((l: any) => l.productId === pear.id)).toMatchObject({ counted: 2, expected: 3, overThreshold: true });
    expect(variance.lines.find((l: any) => l.productId === apple.id)).toMatchObject({ counted: 8, variance: 0 });

    expect((await admin.post(`/api/stocktakes/${stocktakeId}/stores/${store.id}/recounts`, { overThreshold: true })).body).toEqual({ created: 1 });
    await page.locator(`[data-testid="recount-task"][data-product="${pear.id}"]`).waitFor({ timeout: 20_000 });
    const { recounts } = await waitHook(page, (v) => v.recounts.length === 1 && v.storeStatus === 'counting', ['recounts', 'storeStatus'], 'recount task');
    await shootEachLocale(page, 'stocktake-recount', 'recount-tasks');

    await page.locator(`[data-testid="recount-task"][data-product="${pear.id}"]`).click();
    await page.getByTestId('recount-active').waitFor();
    expect((await hooks(page, 'recountTaskId')).recountTaskId).toBe(recounts[0].id);
    for (let i = 0; i < 3; i++) await wedgeScanDetected(page, pear.gtin);
    await page.locator(`[data-testid="count-line"][data-product="${pear.id}"][data-recount="${recounts[0].id}"][data-qty="3"]`).waitFor();
    await waitHook(page, (v) => v.countOutboxDepth === 0, ['countOutboxDepth'], 'recount delivered');
    const rows = (await entries()).filter((r) => r.recount_task_id === recounts[0].id);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.product_id === pear.id && r.round === 1)).toBe(true);
    await page.locator(`[data-testid="recount-task"][data-done="true"]`).waitFor();
  });

  it('shows "done" once counting is closed with no recounts open, then sells again after approval with book = counted', async () => {
    expect((await admin.post(`/api/stocktakes/${stocktakeId}/stores/${store.id}/close`)).status).toBe(200);
    await page.getByTestId('count-done').waitFor({ timeout: 20_000 });
    expect((await hooks(page, 'countDone')).countDone).toBe(true);
    await shootEachLocale(page, 'stocktake-done', 'count-done');

    const approved = await admin.post(`/api/stocktakes/${stocktakeId}/stores/${store.id}/approve`);
    expect(approved.status).toBe(200);
    await page.getByTestId('screen-selling').waitFor({ timeout: 20_000 });
    await waitForTill(page, { screen: 'selling', mode: 'selling' });
    expect(await onHand(t.em(), store.id, apple.id)).toBe(8);
    expect(await onHand(t.em(), store.id, pear.id)).toBe(3);

    // And it sells.
    await wedgeScanDetected(page, apple.gtin);
    await waitForTill(page, { basketLines: 1 });
    await page.getByTestId('tender-cash').click();
    await page.getByTestId('complete-sale').click();
    await waitForTill(page, { outboxDepth: 0, lastSaleSeq: 1 });
    await eventually(() => onHand(t.em(), store.id, apple.id), (n) => expect(n).toBe(7));
    expect(pageErrors).toEqual([]);
  });
});
