import type { BrowserContext, Page } from 'playwright-core';
import { createProduct, createStaff, createStore, newGtin13, onHand, signedIn } from '../utils/factories';
import { launchBrowser, screenshotPath } from '../utils/browser';
import { HttpClient } from '../utils/http';
import { bootApp, type TestApp } from '../utils/test-app';
import { eventually, setLocale, shootEachLocale, snapshot, waitForTill, wedgeScanDetected } from './till-page';

/**
 * The till kiosk app (terminal/build, served by the hub at /till/) in Debian's Chromium against the
 * real hub: pairing, staff sign-in, selling by keyboard-wedge scans, offline selling and an offline
 * restart from the service worker, exactly-once delivery, refusals, remote lock and revocation.
 * The steps build on each other (one till, one browser profile) and run in order.
 */
jest.setTimeout(120_000);

describe('Till kiosk against the real hub', () => {
  let t: TestApp;
  let admin: HttpClient;
  let store: Awaited<ReturnType<typeof createStore>>;
  let apple: Awaited<ReturnType<typeof createProduct>>;
  let tea: Awaited<ReturnType<typeof createProduct>>;
  let staff: Awaited<ReturnType<typeof createStaff>>;
  let ctx: BrowserContext;
  let page: Page;
  let terminalId: string;
  let staffName: string;
  const pageErrors: string[] = [];

  const sql = <T = any>(q: string, params: unknown[] = []) => t.em().getConnection().execute<T[]>(q, params);
  const salesOfTill = () => sql(`select id, seq::int as seq, kind, tender, staff_id, lines from sale where terminal_id = ? order by seq`, [terminalId]);

  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
    store = await createStore(t.em());
    apple = await createProduct(t.em(), { priceCents: 120 });
    tea = await createProduct(t.em(), { priceCents: 450, packMultiplier: 3 });
    staff = await createStaff(t.em(), store.id, t.config.sessionSecret, '2468');
    ctx = await launchBrowser();
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));
  });

  afterAll(async () => {
    await ctx?.close();
    await t?.close();
  });

  it('pairs with an enrolment code typed on the pairing screen', async () => {
    const code = await admin.post('/api/enrolment-codes', { storeId: store.id, terminalName: 'Front till 1' });
    expect(code.status).toBe(201);

    await page.goto(`${t.url}/till/`);
    await page.getByTestId('screen-pairing').waitFor();
    await shootEachLocale(page, 'pairing', 'screen-pairing');

    // People type codes with spaces and in lower case.
    await page.getByTestId('pairing-code').fill(`${code.body.code.slice(0, 4).toLowerCase()} ${code.body.code.slice(4).toLowerCase()}`);
    await page.getByTestId('pairing-submit').click();
    await page.getByTestId('screen-signin').waitFor();
    await waitForTill(page, { paired: true, online: true });
    terminalId = (await snapshot(page)).terminalId!;

    const [row] = await sql(`select store_id, name, online from terminal where id = ?`, [terminalId]);
    expect(row).toMatchObject({ store_id: store.id, name: 'Front till 1' });
    await eventually(async () => (await sql(`select online, reported_mode from terminal where id = ?`, [terminalId]))[0], (r) => expect(r).toMatchObject({ online: true, reported_mode: 'selling' }));
    // The code was single-use: a second till cannot pair with it.
    const again = await new HttpClient(t.url).post('/api/till/enrol', { code: code.body.code });
    expect(again.body.error.code).toBe('ENROLMENT_CODE_INVALID');
  });

  it('signs staff in with a PIN on the touch keypad', async () => {
    await shootEachLocale(page, 'signin', 'screen-signin');
    for (const d of '1111') await page.getByTestId(`signin-keypad-${d}`).click();
    await page.getByTestId('signin-submit').click();
    await page.locator('[data-testid="signin-error"][data-code="invalid"]').waitFor();
    expect(await page.getByTestId('signin-error').innerText()).toMatch(/not recognised/);

    for (const d of staff.pin) await page.getByTestId(`signin-keypad-${d}`).click();
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('screen-selling').waitFor();
    [{ name: staffName }] = await sql(`select name from staff_member where id = ?`, [staff.id]);
    await expect(page.getByTestId('status-staff').innerText()).resolves.toContain(staffName);
    await waitForTill(page, { staff: staffName, screen: 'selling' });
  });

  it('sells by keyboard-wedge scans and the sale arrives at the hub once', async () => {
    await waitForTill(page, { scanner: { kind: 'wedge', status: 'ready' } });
    // The scan field has focus; the wedge detector must keep the scan out of it and eat the Enter.
    await page.getByTestId('scan-input').fill('half-typed');
    await wedgeScanDetected(page, apple.gtin);
    await waitForTill(page, { basketLines: 1 });
    expect((await snapshot(page)).lastScan).toMatchObject({ raw: apple.gtin, source: 'wedge', ok: true, kind: 'gtin' });
    expect(await page.getByTestId('scan-input').inputValue()).toBe('half-typed');
    await page.getByTestId('scan-input').fill('');
    await wedgeScanDetected(page, apple.gtin);
    await page.locator(`[data-testid="basket-line"][data-product="${apple.id}"][data-qty="2"]`).waitFor();
    // The pack barcode of the tea means three of them.
    await wedgeScanDetected(page, tea.packCode!);
    await page.locator(`[data-testid="basket-line"][data-product="${tea.id}"][data-qty="3"]`).waitFor();
    await expect(page.getByTestId('basket-total').getAttribute('data-cents')).resolves.toBe(String(2 * 120 + 3 * 450));
    await shootEachLocale(page, 'selling', 'basket-lines');
    // A smaller 4:3 till screen must still show the whole basket, the tenders and "complete".
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: screenshotPath('till-selling-1024x768-en') });
    for (const id of ['basket-lines', 'tender-card', 'complete-sale']) expect(await page.getByTestId(id).isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByTestId('tender-card').click();
    await page.getByTestId('complete-sale').click();
    await page.locator('[data-testid="sale-completed"][data-seq="1"]').waitFor();
    await page.getByTestId('basket-empty').waitFor();
    await waitForTill(page, { outboxDepth: 0, lastSaleSeq: 1 });

    const sales = await salesOfTill();
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({ seq: 1, kind: 'sale', tender: 'card', staff_id: staff.id });
    expect(await onHand(t.em(), store.id, apple.id)).toBe(-2);
    expect(await onHand(t.em(), store.id, tea.id)).toBe(-3);
  });

  it('sells a product added at the hub after the till downloaded its catalogue', async () => {
    const late = await createProduct(t.em(), { priceCents: 990 });
    await wedgeScanDetected(page, late.gtin);
    await page.locator(`[data-testid="basket-line"][data-product="${late.id}"][data-qty="1"]`).waitFor();
    await expect(page.getByTestId('sell-notice').innerText()).resolves.toBe('');
    await page.getByTestId('clear-basket').click();
    await page.getByTestId('basket-empty').waitFor();
  });

  it('refuses a barcode the catalogue does not know, with the reason on screen', async () => {
    const unknown = newGtin13();
    await wedgeScanDetected(page, unknown);
    const notice = page.getByTestId('sell-notice');
    await eventually(() => notice.innerText(), (v) => expect(v).toBe(`Unknown code: ${unknown}`));
    expect(await notice.isVisible()).toBe(true);
    const s = await snapshot(page);
    expect(s).toMatchObject({ basketLines: 0, saleInProgress: false, outboxDepth: 0, lastSaleSeq: 1 });
    await expect(page.getByTestId('complete-sale').isDisabled()).resolves.toBe(true);
    expect(await salesOfTill()).toHaveLength(1);
  });

  it('sells offline, restarts offline from the service worker, and delivers each sale exactly once', async () => {
    // The service worker has to be in control before the network goes, as on a till that ran once.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    await ctx.setOffline(true);
    await waitForTill(page, { online: false, link: 'offline' });
    await page.getByTestId('selling-offline').waitFor();
    await expect(page.getByTestId('status-link').innerText()).resolves.toMatch(/offline/i);

    await wedgeScanDetected(page, apple.gtin);
    await waitForTill(page, { basketLines: 1 });
    await page.getByTestId('tender-cash').click();
    await page.getByTestId('complete-sale').click();
    await page.locator('[data-testid="sale-completed"][data-seq="2"]').waitFor();

    await page.evaluate((code) => (window as any).__stockfleet.scan(code), tea.gtin);
    await page.evaluate((code) => (window as any).__stockfleet.scan(code), tea.gtin);
    await page.locator(`[data-testid="basket-line"][data-product="${tea.id}"][data-qty="2"]`).waitFor();
    await page.getByTestId('tender-other').click();
    await page.getByTestId('complete-sale').click();
    await page.locator('[data-testid="sale-completed"][data-seq="3"]').waitFor();

    await page.locator('[data-testid="status-outbox"][data-depth="2"]').waitFor();
    await expect(page.getByTestId('status-outbox').innerText()).resolves.toMatch(/\b2\b/);
    await expect(page.getByTestId('status-link').getAttribute('data-status')).resolves.toBe('offline');
    await shootEachLocale(page, 'offline', 'selling-offline');
    expect(await salesOfTill()).toHaveLength(1);

    // A reboot without network: the service worker serves the shell, IndexedDB still holds the rest.
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page.getByTestId('screen-selling').waitFor();
    await waitForTill(page, { screen: 'selling', outboxDepth: 2, lastSaleSeq: 3, staff: staffName, online: false });
    await page.locator('[data-testid="status-outbox"][data-depth="2"]').waitFor();
    expect(await salesOfTill()).toHaveLength(1);

    await ctx.setOffline(false);
    await waitForTill(page, { online: true, outboxDepth: 0 }, 30_000);
    await page.locator('[data-testid="status-outbox"][data-depth="0"]').waitFor();

    const sales = await salesOfTill();
    expect(sales.map((s) => [s.seq, s.tender])).toEqual([[1, 'card'], [2, 'cash'], [3, 'other']]);
    expect(sales[1].lines).toEqual([expect.objectContaining({ productId: apple.id, quantity: 1, unitPriceCents: 120 })]);
    expect(sales[2].lines).toEqual([expect.objectContaining({ productId: tea.id, quantity: 2, unitPriceCents: 450 })]);
    expect(new Set(sales.map((s) => s.id)).size).toBe(3);
    const [{ n: movements }] = await sql(`select count(*)::int as n from stock_movement where source = ?`, [`till:${terminalId}`]);
    expect(movements).toBe(4); // sale 1: two lines; sales 2 and 3: one line each
    expect(await onHand(t.em(), store.id, apple.id)).toBe(-3);
    expect(await onHand(t.em(), store.id, tea.id)).toBe(-5);
  });

  it('shows its settings (scanner, language, outbox, pairing) in every language', async () => {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('screen-settings').waitFor();
    await expect(page.getByTestId('pairing-terminal').innerText()).resolves.toBe('Front till 1');
    await expect(page.getByTestId('pairing-store').innerText()).resolves.toBe(`Store ${store.code}`);
    await page.getByTestId('outbox-empty').waitFor();
    await shootEachLocale(page, 'settings', 'screen-settings', { keepSettingsOpen: true });
    await page.getByTestId('close-settings').click();
    await page.getByTestId('screen-selling').waitFor();
  });

  it('parks a sale the hub can never store (total past int4) in its rejected list, and sells on', async () => {
    // 100 × 1,000,000.00 = 10,000,000,000.00 in one scan of the pack: each part is valid, the total cannot be stored.
    const luxury = await createProduct(t.em(), { priceCents: 100_000_000, packMultiplier: 100 });
    await wedgeScanDetected(page, luxury.packCode!);
    await page.locator(`[data-testid="basket-line"][data-product="${luxury.id}"][data-qty="100"]`).waitFor();
    await page.getByTestId('tender-card').click();
    await page.getByTestId('complete-sale').click();
    await page.locator('[data-testid="sale-completed"][data-seq="4"]').waitFor();
    await waitForTill(page, { outboxDepth: 0, outboxRejected: 1 });
    await page.locator('[data-testid="status-outbox"][data-rejected="1"]').waitFor();

    await page.getByTestId('open-settings').click();
    const entry = page.locator('[data-testid="outbox-entry"][data-status="rejected"][data-kind="sale"][data-seq="4"]');
    await entry.waitFor();
    await expect(entry.getByTestId('outbox-rejection').getAttribute('data-code')).resolves.toBe('OUT_OF_RANGE');
    await entry.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('till-rejected-out-of-range-en') });
    await page.getByTestId('close-settings').click();
    await page.getByTestId('screen-selling').waitFor();
    expect((await salesOfTill()).map((s) => s.seq)).toEqual([1, 2, 3]);
    expect(await onHand(t.em(), store.id, luxury.id)).toBe(0);

    // Parked, not retried: the next sale goes through at once and the rejected one stays where it is.
    await wedgeScanDetected(page, apple.gtin);
    await waitForTill(page, { basketLines: 1 });
    await page.getByTestId('tender-cash').click();
    await page.getByTestId('complete-sale').click();
    await waitForTill(page, { outboxDepth: 0, outboxRejected: 1, lastSaleSeq: 5 });
    await eventually(async () => (await salesOfTill()).map((s) => s.seq), (seqs) => expect(seqs).toEqual([1, 2, 3, 5]));
  });

  it('shows a message from head office and acknowledges the command', async () => {
    const sent = await admin.post(`/api/terminals/${terminalId}/commands`, { kind: 'message', text: 'Delivery at door 3' });
    expect(sent.body).toEqual({ delivered: true });
    await expect(page.getByTestId('message-text').innerText()).resolves.toContain('Delivery at door 3');
    await page.getByTestId('message-dismiss').click();
    await page.getByTestId('message-banner').waitFor({ state: 'detached' });
  });

  it('is locked and unlocked by head office', async () => {
    for (const locale of ['en', 'zh-Hans', 'zh-Hant'] as const) {
      await setLocale(page, locale);
      const lock = await admin.post(`/api/terminals/${terminalId}/commands`, { kind: 'lock', text: 'Till audit 14:00' });
      expect(lock.status).toBe(200);
      await page.getByTestId('screen-locked').waitFor();
      await expect(page.getByTestId('locked-message').innerText()).resolves.toContain('Till audit 14:00');
      await expect(page.getByTestId('open-settings').count()).resolves.toBe(0);
      await page.screenshot({ path: screenshotPath(`till-locked-${locale}`) });
      await waitForTill(page, { mode: 'locked' });
      await eventually(async () => (await sql(`select reported_mode from terminal where id = ?`, [terminalId]))[0].reported_mode, (m) => expect(m).toBe('locked'));
      expect((await admin.post(`/api/terminals/${terminalId}/commands`, { kind: 'unlock' })).status).toBe(200);
      await page.getByTestId('screen-selling').waitFor();
    }
    await setLocale(page, 'en');
  });

  it('goes back to the pairing screen when the hub revokes it, and pairs again from the QR link', async () => {
    expect((await admin.post(`/api/terminals/${terminalId}/revoke`)).status).toBe(204);
    await page.getByTestId('screen-pairing').waitFor();
    await page.getByTestId('pairing-revoked').waitFor();
    await waitForTill(page, { paired: false, screen: 'pairing', staff: null });
    await page.screenshot({ path: screenshotPath('till-revoked-en') });
    await eventually(async () => (await sql(`select online from terminal where id = ?`, [terminalId]))[0].online, (o) => expect(o).toBe(false));
    // A reload does not bring the old pairing back.
    await page.reload();
    await page.getByTestId('screen-pairing').waitFor();

    // The link in the admin app's QR code pairs at once (?code=…), as a new terminal.
    const code = await admin.post('/api/enrolment-codes', { storeId: store.id, terminalName: 'Front till 1b' });
    expect(code.body.pairUrl).toBe(`${t.url}/till/?code=${code.body.code}`);
    await page.goto(code.body.pairUrl);
    await page.getByTestId('screen-signin').waitFor();
    const again = await waitForTill(page, { paired: true, online: true });
    expect(again.terminalId).not.toBe(terminalId);
    expect(new URL(page.url()).searchParams.has('code')).toBe(false);
    expect(pageErrors).toEqual([]);
  });
});
