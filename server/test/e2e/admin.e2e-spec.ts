import type { Page } from 'playwright-core';
import type { TestApp } from '../utils/test-app';
import { createProduct, createStore, createUser, onHand } from '../utils/factories';
import { HttpClient } from '../utils/http';
import { enrolTill, TillClient } from '../utils/till-client';
import { type Browser, useAdminHub, catalogueCsv, gtin, shot, textMatches } from './admin-helpers';

/**
 * The admin SPA (admin/build, served by the hub at `/`) in Debian's Chromium against the real hub,
 * its PostgreSQL and Redis. Every test makes its own stores, users and products.
 */
const tillState = (over: Record<string, unknown> = {}) => ({
  mode: 'selling', epoch: 0, appVersion: '2.4.1-e2e', scanner: { kind: 'wedge', status: 'ready' }, outboxDepth: 0, lastSaleSeq: 0, ...over,
});
const uniq = () => Math.random().toString(36).slice(2, 8);

describe('Admin app against the real hub', () => {
  const hub = useAdminHub();
  let t: TestApp;
  let b: Browser;
  let admin: HttpClient;
  const tills: TillClient[] = [];
  beforeAll(() => ({ t, b, admin } = hub));
  afterEach(() => tills.splice(0).forEach((c) => c.close()));

  const receive = async (storeId: string, productId: string, quantity: number) => {
    const res = await admin.post('/api/stock/receipts', { idempotencyKey: `seed:${uniq()}${uniq()}`, storeId, lines: [{ productId, quantity }] });
    if (res.status !== 201) throw new Error(`receipt: ${JSON.stringify(res.body)}`);
  };
  const navIds = (page: Page) => page.locator('nav [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));

  describe('sign-in', () => {
    it('renders, reports a wrong password, and lands each role on the app with its navigation', async () => {
      const store = await createStore(t.em());
      const page = await b.blank();
      await page.goto(`${t.url}/`);
      // The guard sends a signed-out visitor to /login and remembers where they were going.
      await page.getByTestId('login-form').waitFor();
      expect(new URL(page.url()).pathname).toBe('/login');
      expect(await page.locator('h1').innerText()).toBe('Sign in');
      expect(await page.getByTestId('login-submit').innerText()).toBe('Sign in');

      const adminUser = await createUser(t.em(), 'admin');
      await page.getByTestId('login-email').fill(adminUser.email);
      await page.getByTestId('login-password').fill('not-the-password');
      await page.getByTestId('login-submit').click();
      expect(await page.getByTestId('login-error').innerText()).toBe('Email or password is wrong.');
      expect(await page.getByTestId('login-password').inputValue()).toBe('');
      const [failed] = await t.em().getConnection().execute(`select count(*)::int as n from audit_event where action = 'auth.login_failed' and actor_name = ?`, [adminUser.email]);
      expect(failed.n).toBe(1);

      const signIn = async (user: { email: string; password: string }) => {
        await page.getByTestId('login-email').fill(user.email);
        await page.getByTestId('login-password').fill(user.password);
        await page.getByTestId('login-submit').click();
        await page.getByTestId('user-badge').waitFor();
        await page.getByTestId('fleet-table').or(page.getByTestId('table-empty')).first().waitFor();
      };
      const signOut = async () => {
        await page.getByTestId('signout').click();
        await page.getByTestId('login-form').waitFor();
      };

      await signIn(adminUser);
      expect(new URL(page.url()).pathname).toBe('/fleet');
      expect(await navIds(page)).toEqual(['nav-fleet', 'nav-stocktakes', 'nav-plans', 'nav-catalog', 'nav-stock', 'nav-lowStock', 'nav-reports', 'nav-audit', 'nav-users']);
      expect(await page.getByTestId('user-role').innerText()).toBe('Head-office admin');
      expect(await page.getByTestId('enrol-button').isEnabled()).toBe(true);
      await signOut();
      // Signed out for real: the hub no longer accepts the old session.
      expect((await page.request.get(`${t.url}/api/auth/me`)).status()).toBe(401);

      const manager = await createUser(t.em(), 'manager', [store.id]);
      await signIn(manager);
      expect(await navIds(page)).toEqual(['nav-fleet', 'nav-stocktakes', 'nav-plans', 'nav-catalog', 'nav-stock', 'nav-lowStock', 'nav-reports', 'nav-audit']);
      expect(await page.getByTestId('user-role').innerText()).toBe('Store manager');
      expect(await page.getByTestId('user-badge').innerText()).toContain('1 stores');
      expect(await page.getByTestId('enrol-button').count()).toBe(1);
      await page.getByTestId('nav-catalog').click();
      await page.getByTestId('catalog-table').waitFor();
      expect(await page.getByTestId('catalog-import-link').count()).toBe(0);
      await page.goto(`${t.url}/users`);
      await page.getByText('Only head-office admins manage users.').waitFor();
      expect(await page.getByTestId('users-table').count()).toBe(0);
      await signOut();

      const till = await enrolTill(t.url, admin, store.id, 'Read-only till');
      const auditor = await createUser(t.em(), 'auditor');
      await signIn(auditor);
      await page.getByTestId(`fleet-manage-${till.terminalId}`).click();
      await page.getByTestId('till-dialog').getByText('You can view this till but not control it.').waitFor();
      expect(await page.locator('[data-testid^="till-action-"]').count()).toBe(0);
      await page.keyboard.press('Escape');
      expect(await navIds(page)).toEqual(['nav-fleet', 'nav-stocktakes', 'nav-plans', 'nav-catalog', 'nav-stock', 'nav-lowStock', 'nav-reports', 'nav-audit']);
      expect(await page.getByTestId('user-role').innerText()).toBe('Auditor');
      expect(await page.getByTestId('user-badge').innerText()).toContain('Read-only');
      expect(await page.getByTestId('enrol-button').count()).toBe(0);
      await page.getByTestId('nav-catalog').click();
      await page.getByTestId('catalog-table').waitFor();
      expect(await page.getByTestId('catalog-import-link').count()).toBe(0);
      expect(await page.getByTestId('catalog-new-link').count()).toBe(0);
      await page.getByTestId('nav-stock').click();
      await page.getByTestId('stock-table').waitFor();
      expect(await page.locator('[data-testid^="stock-tab-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(['stock-tab-balances']);
      // Typing the address of a mutating page shows a read-only note, not a form.
      await page.goto(`${t.url}/stock/receipt`);
      await page.getByText('Your role cannot post stock movements.').waitFor();
      expect(await page.getByTestId('movement-form-receipt').count()).toBe(0);
      await page.goto(`${t.url}/users`);
      await page.getByText('Only head-office admins manage users.').waitFor();
      expect(await page.getByTestId('users-table').count()).toBe(0);
    });
  });

  describe('store scope', () => {
    it('shows a store manager only their store, and an error (not data) for another store', async () => {
      const [a, bStore] = await Promise.all([createStore(t.em()), createStore(t.em())]);
      const tillA = await enrolTill(t.url, admin, a.id, 'Scope A1');
      const tillB = await enrolTill(t.url, admin, bStore.id, 'Scope B1');
      const p = await createProduct(t.em());
      await receive(a.id, p.id, 5);
      await receive(bStore.id, p.id, 9);

      const { page } = await b.as('manager', [a.id]);
      await page.getByTestId(`fleet-row-${tillA.terminalId}`).waitFor();
      expect(await page.getByTestId(`fleet-group-${a.id}`).count()).toBe(1);
      expect(await page.getByTestId(`fleet-group-${bStore.id}`).count()).toBe(0);
      expect(await page.getByTestId(`fleet-row-${tillB.terminalId}`).count()).toBe(0);
      expect(await page.locator('[data-testid^="fleet-group-"]').count()).toBe(1);
      const storeOptions = await page.getByTestId('fleet-filter-store').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(storeOptions).toEqual(['', a.id]);

      await page.getByTestId('nav-stock').click();
      const row = page.getByTestId(`stock-row-${p.id}`);
      await row.waitFor();
      expect(await row.locator('td').nth(3).innerText()).toBe('5');
      expect(await page.getByTestId('stock-store').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([a.id]);

      for (const param of ['storeId', 'store']) {
        await page.goto(`${t.url}/stock?${param}=${bStore.id}`);
        await textMatches(page.getByTestId('table-error'), /That store is not one of yours/);
        expect(await page.locator('[data-testid^="stock-row-"]').count()).toBe(0);
      }
      // The product page lists only the manager's store.
      await page.goto(`${t.url}/catalog/${p.id}`);
      const balances = page.getByTestId('product-balances');
      await textMatches(balances.locator('tbody'), new RegExp(`Store ${a.code}`));
      expect(await balances.locator('tbody tr').count()).toBe(1);
      expect(await balances.locator('tbody').innerText()).not.toContain(bStore.code);
    });
  });

  describe('fleet board', () => {
    it('enrols a till, shows it going online live, and locks it from the UI', async () => {
      const store = await createStore(t.em());
      const { page } = await b.as('admin');
      await page.evaluate(() => ((window as any).__sameDocument = true));
      const name = `Front ${uniq()}`;

      await page.getByTestId('enrol-button').click();
      const dialog = page.getByTestId('enrol-dialog');
      await dialog.waitFor();
      await dialog.getByTestId('enrol-store').selectOption(store.id);
      await dialog.getByTestId('enrol-name').fill(name);
      await dialog.getByTestId('enrol-submit').click();
      await dialog.getByTestId('enrol-result').waitFor();
      const code = (await dialog.getByTestId('enrol-code').innerText()).trim();
      expect(code).toMatch(/^[A-Z0-9]{8}$/);
      const qr = dialog.getByTestId('enrol-qr');
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      expect(await qr.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
      await textMatches(dialog.getByTestId('enrol-countdown'), /Expires in 1[45]:\d\d/);
      expect(await dialog.getByTestId('enrol-result').innerText()).toContain(`${name} · Store ${store.code}`);
      await shot(page, 'enrol', 'en');
      await dialog.getByTestId('enrol-dialog-close').click();
      await dialog.waitFor({ state: 'hidden' });

      // The till trades the code for a token over HTTP, as the kiosk's pairing screen does.
      const enrolled = await new HttpClient(t.url).post('/api/till/enrol', { code, appVersion: '2.4.1-e2e' });
      expect(enrolled.status).toBe(201);
      expect(enrolled.body).toMatchObject({ storeId: store.id, terminalName: name });
      const id = enrolled.body.terminalId as string;

      const till = new TillClient(t.url, enrolled.body.token);
      tills.push(till);
      await till.connected();
      const row = page.getByTestId(`fleet-row-${id}`);
      await page.locator(`[data-testid="fleet-row-${id}"][data-online="true"]`).waitFor();
      expect(await row.innerText()).toContain(name);

      expect((await till.emit('till.state.v1', tillState())).ok).toBe(true);
      await page.locator(`[data-testid="fleet-row-${id}"][data-mode="selling"]`).waitFor();
      await textMatches(row, /2\.4\.1-e2e/);
      expect(await row.innerText()).toMatch(/Keyboard wedge/);
      expect(await page.getByTestId(`fleet-group-${store.id}`).innerText()).toContain('1 of 1 online');

      await page.getByTestId(`fleet-manage-${id}`).click();
      const tillDialog = page.getByTestId('till-dialog');
      await tillDialog.waitFor();
      await tillDialog.getByTestId('till-action-lock').click();
      const locked = await till.nextDesired((d) => d.mode === 'locked');
      expect(locked).toMatchObject({ terminalId: id, mode: 'locked', epoch: 1, reason: { kind: 'remote_lock' } });
      // The dialog follows the hub: once the lock is in, the same button offers to unlock, and the board
      // shows the new desired mode before the till has answered.
      await tillDialog.getByTestId('till-action-unlock').waitFor();
      await page.getByTestId('toasts').getByText(`Lock sent to ${name}`).waitFor();
      await textMatches(row.locator('td').nth(1), /Locked\s*→\s*Selling/);

      // The till applies it and reports back; the board shows desired → reported live.
      await till.emit('till.state.v1', tillState({ mode: 'locked', epoch: 1 }));
      await tillDialog.getByTestId('till-dialog-close').click();
      await page.locator(`[data-testid="fleet-row-${id}"][data-mode="locked"]`).waitFor();
      await textMatches(row.locator('td').nth(2), /^1 \/ 1$/);
      const [dbRow] = await t.em().getConnection().execute(`select desired_mode, reported_mode, remote_locked from terminal where id = ?`, [id]);
      expect(dbRow).toEqual({ desired_mode: 'locked', reported_mode: 'locked', remote_locked: true });

      // All of it arrived over the socket: the page never reloaded.
      expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);

      // A one-shot command reaches the connected till, which acknowledges it.
      const commands: Array<{ kind: string }> = [];
      (till.socket as any).on('till.command.v1', (cmd: { id: string; kind: string }, ack: (a: unknown) => void) => {
        commands.push(cmd);
        ack({ ok: true, data: { commandId: cmd.id, done: true } });
      });
      await page.getByTestId(`fleet-manage-${id}`).click();
      await tillDialog.getByTestId('till-action-identify').click();
      await page.getByTestId('toasts').getByText(`Identify sent to ${name}`).waitFor();
      expect(commands).toEqual([expect.objectContaining({ kind: 'identify' })]);

      // Revocation: the till is told and dropped at once; the board hides it unless asked to show revoked tills.
      const revoked = new Promise<void>((resolve) => till.socket.once('till.revoked.v1', () => resolve()));
      await tillDialog.getByTestId('till-action-revoke').click();
      await tillDialog.getByTestId('till-revoke-confirm').click();
      await revoked;
      await tillDialog.waitFor({ state: 'hidden' });
      await row.waitFor({ state: 'detached' });
      await page.getByTestId('fleet-filter-revoked').check();
      await page.locator(`[data-testid="fleet-row-${id}"][data-online="false"]`).filter({ hasText: 'Revoked' }).waitFor();
      expect((await admin.get(`/api/terminals?storeId=${store.id}`)).body).toEqual([expect.objectContaining({ id, revoked: true, online: false })]);
    });
  });

  describe('catalogue', () => {
    it('imports a CSV through the UI with progress and a result, and lists a broken file\'s errors by line', async () => {
      const { page } = await b.as('admin', [], '/catalog');
      await page.getByTestId('catalog-import-link').click();
      await page.getByTestId('import-file').waitFor({ state: 'attached' });
      const tag = uniq().toUpperCase();
      const codes = [gtin(), gtin(), gtin()];
      const csv = catalogueCsv([
        { sku: `IMP-${tag}-1`, name: `Oat milk ${tag}`, category: 'Dairy', cost: 89, price: 149, threshold: 12, barcodes: [codes[0], codes[1]] },
        { sku: `IMP-${tag}-2`, name: `Rye bread ${tag}`, category: 'Bakery', cost: 120, price: 260, threshold: 4, barcodes: [codes[2]] },
      ]);
      await page.getByTestId('import-file').setInputFiles({ name: 'catalogue.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByText('catalogue.csv ·').waitFor();
      expect(await page.getByTestId('import-header-warning').count()).toBe(0);

      // Hold the upload at the network layer so the progress state is observable, then let it through.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await page.route('**/api/catalog/import', async (route) => { await held; await route.continue(); });
      await page.getByTestId('import-submit').click();
      await page.getByTestId('import-progress').waitFor();
      expect(await page.getByTestId('import-submit').isDisabled()).toBe(true);
      release();
      const result = page.getByTestId('import-result');
      await result.waitFor();
      await page.unroute('**/api/catalog/import');
      expect(await page.getByTestId('import-rows').innerText()).toBe('3');
      expect(await result.innerText()).toMatch(/Products created\s+2/);
      expect(await result.innerText()).toMatch(/Barcodes created\s+3/);
      expect(await page.getByTestId('import-progress').count()).toBe(0);

      const listed = await admin.get(`/api/products?q=IMP-${tag}`);
      expect(listed.body.total).toBe(2);
      const oat = listed.body.items.find((p: any) => p.sku === `IMP-${tag}-1`);
      expect(oat).toMatchObject({ name: `Oat milk ${tag}`, unitCostCents: 89, lowStockThreshold: 12 });
      expect(oat.barcodes.map((x: any) => x.code).sort()).toEqual([codes[0], codes[1]].sort());

      // A broken file: every bad line is listed with its column, and nothing is imported.
      await page.getByRole('button', { name: 'Import another file' }).click();
      const bad = [
        'sku,name,category,unit_cost_cents,unit_price_cents,uom,low_stock_threshold,barcode,barcode_kind,multiplier',
        `BAD-${tag}-1,Good row,Dairy,100,150,piece,0,,,`,
        `BAD-${tag}-2,Bad cost,Dairy,ten,150,piece,0,,,`,
        `BAD-${tag}-3,Bad unit,Dairy,100,150,crate,0,,,`,
        `BAD-${tag}-4,Bad barcode,Dairy,100,150,piece,0,4006381333932,gtin,1`,
      ].join('\n');
      await page.getByTestId('import-file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
      await page.getByTestId('import-submit').click();
      const errors = page.getByTestId('import-errors');
      await errors.waitFor();
      expect(await errors.getByRole('alert').innerText()).toBe('3 problems found — nothing was imported');
      const rows = await page.getByTestId('import-error-row').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
      expect(rows.map((r) => r.slice(0, 2))).toEqual([['3', 'unit_cost_cents'], ['4', 'uom'], ['5', 'barcode']]);
      expect(rows[2][2]).toMatch(/check digit/i);
      await shot(page, 'import-errors', 'en');
      expect((await admin.get(`/api/products?q=BAD-${tag}`)).body.total).toBe(0);
    });

    it('shows a product\'s barcodes, stock by store and movements', async () => {
      const [s1, s2] = await Promise.all([createStore(t.em()), createStore(t.em())]);
      const p = await createProduct(t.em(), { packMultiplier: 6, threshold: 10 });
      await receive(s1.id, p.id, 24);
      await receive(s2.id, p.id, 3);
      const { page } = await b.as('admin', [], `/catalog/${p.id}`);
      await page.getByTestId('product-name-heading').waitFor();
      expect(await page.getByTestId('product-name-heading').innerText()).toBe(`Product ${p.sku}`);

      const barcodes = page.getByTestId('product-barcodes').locator('tbody tr');
      await textMatches(barcodes.first(), /\d{13}/);
      const codes = await barcodes.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
      expect(codes).toEqual(expect.arrayContaining([[p.gtin, 'GTIN', '×1'], [p.packCode, 'Pack', '×6']]));

      const balances = page.getByTestId('product-balances').locator('tbody');
      const line = (code: string) => balances.locator('tr', { hasText: `Store ${code}` });
      await line(s1.code).waitFor();
      expect(await line(s1.code).locator('td').nth(1).innerText()).toBe('24');
      expect(await line(s1.code).innerText()).toContain('OK');
      expect(await line(s2.code).locator('td').nth(1).innerText()).toBe('3');
      expect(await line(s2.code).innerText()).toContain('Low');

      const ledger = page.getByTestId('product-ledger').locator('tbody tr');
      await textMatches(ledger.first(), /Receipt/);
      expect(await ledger.count()).toBe(2);
    });
  });

  describe('stock', () => {
    it('posts a goods receipt through the UI and the hub\'s balance moves', async () => {
      const store = await createStore(t.em());
      const p = await createProduct(t.em(), { threshold: 5 });
      await receive(store.id, p.id, 2);
      const { page, http } = await b.as('manager', [store.id], `/stock/receipt?store=${store.id}`);
      const form = page.getByTestId('movement-form-receipt');
      await form.waitFor();
      expect(await form.getByTestId('movement-store').inputValue()).toBe(store.id);
      await form.getByTestId('movement-reference').fill('PO-4711');
      await form.getByTestId('movement-product-search').fill(p.gtin);
      await form.getByTestId('movement-product-search').press('Enter');
      await form.getByTestId(`movement-line-${p.id}`).waitFor();
      await form.getByTestId(`movement-qty-${p.id}`).fill('7');
      await form.getByTestId('movement-submit').click();
      expect(await form.getByTestId('movement-result').innerText()).toBe('Receipt posted (1 movements)');
      expect(await form.getByTestId(`movement-line-${p.id}`).count()).toBe(0);

      const balance = await http.get(`/api/stock/balances?storeId=${store.id}&q=${p.sku}`);
      expect(balance.body.items).toEqual([expect.objectContaining({ productId: p.id, onHand: 9, low: false })]);
      expect(await onHand(t.em(), store.id, p.id)).toBe(9);
      const [mv] = await t.em().getConnection().execute(`select kind, quantity, idempotency_key from stock_movement where product_id = ? and store_id = ? order by recorded_at desc limit 1`, [p.id, store.id]);
      expect(mv).toMatchObject({ kind: 'receipt', quantity: 7 });
      // The form's key (receipt:<uuid v4>) is what the hub deduplicates on (it stores it namespaced per line).
      expect(mv.idempotency_key).toMatch(/(^|:)receipt:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(#|$)/);

      await page.getByTestId('stock-tab-balances').click();
      await textMatches(page.getByTestId(`stock-row-${p.id}`).locator('td').nth(3), /^9$/);
    });
  });

  describe('screenshots', () => {
    it('captures every page in English and Simplified Chinese', async () => {
      const [store, other] = await Promise.all([createStore(t.em()), createStore(t.em())]);
      const products = await Promise.all([0, 1, 2, 3].map((i) => createProduct(t.em(), { threshold: i % 2 ? 20 : 2, category: i % 2 ? 'Beverages' : 'Household' })));
      const [online] = await Promise.all([
        enrolTill(t.url, admin, store.id, 'Till 1'),
        enrolTill(t.url, admin, store.id, 'Till 2'),
        enrolTill(t.url, admin, other.id, 'Back office'),
        ...products.map((p, i) => receive(store.id, p.id, 5 + i * 3)),
        receive(other.id, products[1].id, 1),
      ]);
      const c = new TillClient(t.url, online.token);
      tills.push(c);
      await c.connected();
      await c.emit('till.state.v1', tillState({ scanner: { kind: 'serial', status: 'ready' }, outboxDepth: 3, lastSaleSeq: 128 }));

      // In-app navigation throughout, as a user would move (and faster than reloading the app per page).
      const { page } = await b.as('admin');
      const go = async (nav: string) => page.getByTestId(`nav-${nav}`).click();
      for (const locale of ['en', 'zh-Hans'] as const) {
        await page.getByTestId('lang-switcher').selectOption(locale);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(locale);

        await go('fleet');
        await page.locator(`[data-testid="fleet-row-${online.terminalId}"][data-online="true"]`).waitFor();
        await shot(page, 'fleet', locale);
        if (locale !== 'en') {
          await page.getByTestId('enrol-button').click();
          await page.getByTestId('enrol-store').selectOption(store.id);
          await page.getByTestId('enrol-name').fill('收银台 3');
          await page.getByTestId('enrol-submit').click();
          await page.getByTestId('enrol-qr').waitFor();
          await shot(page, 'enrol', locale);
          await page.keyboard.press('Escape');
          await page.getByTestId('enrol-dialog').waitFor({ state: 'hidden' });
        }

        await go('catalog');
        await page.getByTestId(`catalog-row-${products[0].id}`).waitFor();
        await shot(page, 'catalog', locale);

        await page.getByTestId(`catalog-row-${products[1].id}`).locator('a').click();
        await page.getByTestId('product-balances').locator('tbody tr', { hasText: `Store ${store.code}` }).waitFor();
        await page.getByTestId('product-ledger').locator('tbody tr').first().waitFor();
        await shot(page, 'product', locale);

        if (locale !== 'en') {
          await go('catalog');
          await page.getByTestId('catalog-import-link').click();
          await page.getByTestId('import-file').setInputFiles({ name: 'broken.csv', mimeType: 'text/csv',
            buffer: Buffer.from('sku,name,category,unit_cost_cents\nX-1,,Dairy,1\nX-2,Tea,Dairy,-4\n') });
          await page.getByTestId('import-header-optional').waitFor();
          await page.getByTestId('import-submit').click();
          await page.getByTestId('import-errors').waitFor();
          await shot(page, 'import-errors', locale);
        }

        await go('stock');
        await page.getByTestId('stock-store').selectOption(store.id);
        await page.getByTestId(`stock-row-${products[0].id}`).waitFor();
        await shot(page, 'stock', locale);

        await go('lowStock');
        await page.getByTestId('low-stock-row').first().waitFor();
        await shot(page, 'low-stock', locale);

        await go('audit');
        await page.getByTestId('audit-row').first().waitFor();
        await shot(page, 'audit', locale);

        await go('users');
        await page.locator('[data-testid^="user-row-"]').first().waitFor();
        await shot(page, 'users', locale);
      }

      const login = await b.blank();
      await login.goto(`${t.url}/login`);
      for (const locale of ['en', 'zh-Hans'] as const) {
        await login.getByTestId('lang-switcher').selectOption(locale);
        await login.getByTestId('login-email').fill('someone@example.com');
        await login.getByTestId('login-password').fill('wrong-password');
        await login.getByTestId('login-submit').click();
        await login.getByTestId('login-error').waitFor();
        await shot(login, 'login', locale);
      }
      await login.getByTestId('lang-switcher').selectOption('en');
    });
  });
});

