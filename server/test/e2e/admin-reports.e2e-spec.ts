import { parse } from 'csv-parse/sync';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TestApp } from '../utils/test-app';
import { createProduct, createStore } from '../utils/factories';
import type { HttpClient } from '../utils/http';
import { enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';
import { type Browser, useAdminHub, shot, SHORT, textMatches } from './admin-helpers';

/**
 * The reports and count-plans pages in Debian's Chromium against a real hub with its BullMQ workers:
 * a chain stocktake's automatic report and a requested store report build live on screen, the CSV is
 * downloaded through the page's link, and a weekly ABC plan is created and run from its dialog.
 */
const LONG = 45_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A real two-store stocktake, counted by simulated tills and closed; store A approved, store B left in
 * review so the test can finish it (and so see the automatic chain report arrive) while the page is open.
 */
async function countedStocktake(t: TestApp, admin: HttpClient, tills: SimTill[]) {
  const catA = `Snacks-${randomUUID().slice(0, 6)}`;
  const catB = `Drinks-${randomUUID().slice(0, 6)}`;
  const p1 = await createProduct(t.em(), { costCents: 250, category: catA });
  const p2 = await createProduct(t.em(), { costCents: 100, category: catA });
  const p3 = await createProduct(t.em(), { costCents: 1000, category: catB });
  // Carried by store A but outside the stocktake: never counted, so an ABC plan finds it due.
  const p4 = await createProduct(t.em(), { costCents: 400, category: `Other-${randomUUID().slice(0, 6)}` });
  const stores = [await createStore(t.em()), await createStore(t.em())];
  const [A, B] = stores;
  const sims: SimTill[] = [];
  for (const s of stores) {
    const lines = [{ productId: p1.id, quantity: 10 }, { productId: p2.id, quantity: 20 }, { productId: p3.id, quantity: 5 }];
    if (s === A) lines.push({ productId: p4.id, quantity: 12 });
    expect((await admin.post('/api/stock/receipts', { idempotencyKey: randomUUID(), storeId: s.id, lines })).status).toBe(201);
    const e = await enrolTill(t.url, admin, s.id, 'R1');
    const sim = new SimTill(t.url, e.token, s.id, e.terminalId);
    tills.push(sim);
    sims.push(sim);
  }
  await Promise.all(sims.map((m) => m.connected()));
  // Some value moved for the ABC classes.
  await sims[0].sell(p4.id, 2);

  const created = await admin.post('/api/stocktakes', {
    name: `Quarter end ${randomUUID().slice(0, 4)}`,
    scope: { kind: 'stores', storeIds: [A.id, B.id], filter: { kind: 'categories', categories: [catA, catB] } },
    thresholds: { quantity: 0, percent: 0, valueCents: 0 },
  });
  expect(created.status).toBe(201);
  const id: string = created.body.id;
  const get = () => admin.get(`/api/stocktakes/${id}`).then((r) => r.body);
  expect((await admin.post(`/api/stocktakes/${id}/start`)).status).toBe(200);
  await until(get, (st) => st.stores.every((s: any) => s.status === 'counting'), 'both stores counting');
  await sims[0].count(id, [{ zoneId: A.zones[0].id, productId: p1.id, quantity: 10 }, { zoneId: A.zones[0].id, productId: p2.id, quantity: 18 }, { zoneId: A.zones[0].id, productId: p3.id, quantity: 5 }]);
  await sims[1].count(id, [{ zoneId: B.zones[0].id, productId: p1.id, quantity: 7 }, { zoneId: B.zones[0].id, productId: p2.id, quantity: 20 }]);
  for (const s of stores) expect((await admin.post(`/api/stocktakes/${id}/stores/${s.id}/close`)).status).toBe(200);
  expect((await admin.post(`/api/stocktakes/${id}/stores/${A.id}/approve`)).status).toBe(200);
  const name: string = created.body.name;
  return { id, name, A, B, p1, p2, p3, p4, approveB: () => admin.post(`/api/stocktakes/${id}/stores/${B.id}/approve`) };
}

/** Every value each progress bar showed, by report id, from the moment this is installed. */
async function recordProgress(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __progress: Record<string, number[]> };
    w.__progress = {};
    const read = () => {
      for (const row of document.querySelectorAll<HTMLElement>('[data-testid="report-row"]')) {
        const v = Number(row.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'));
        const seen = (w.__progress[row.dataset.reportId!] ??= []);
        if (seen[seen.length - 1] !== v) seen.push(v);
      }
    };
    read();
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
  return (id: string) => page.evaluate((rid) => (window as unknown as { __progress: Record<string, number[]> }).__progress[rid] ?? [], id);
}

const row = (page: Page, kind: string) => page.locator(`[data-testid="report-row"][data-kind="${kind}"]`);
const files = (page: Page, reportId: string) => page.locator(`[data-testid="report-files"][data-report-id="${reportId}"]`);
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

describe('Reports and count plans in the admin app', () => {
  // A pause between build steps keeps each report "running" long enough to see its bar move.
  const hub = useAdminHub({ RUN_WORKERS: 'true', REPORTS_DIR: mkdtempSync(join(tmpdir(), 'sf-reports-')), REPORT_STEP_DELAY_MS: '1200' });
  let t: TestApp;
  let b: Browser;
  let admin: HttpClient;
  const tills: SimTill[] = [];
  let s: Awaited<ReturnType<typeof countedStocktake>>;

  beforeAll(async () => {
    ({ t, b, admin } = hub);
    s = await countedStocktake(t, admin, tills);
  });
  afterAll(() => tills.forEach((c) => c.close()));

  it('shows the automatic chain report and a requested store report building live, and downloads the CSV through its link', async () => {
    const { page } = await b.as('admin', [], `/reports?stocktakeId=${s.id}`);
    await page.getByTestId('reports-table').getByTestId('table-empty').waitFor();
    expect(await page.getByTestId('reports-filter-stocktake').inputValue()).toBe(s.id);
    const dashboard = page.getByTestId('job-dashboard');
    expect([await dashboard.getAttribute('href'), await dashboard.getAttribute('target')]).toEqual(['/api/admin/queues', '_blank']);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const progressOf = await recordProgress(page);

    // The last approval finishes the stocktake: the hub asks for the consolidated report by itself.
    expect((await s.approveB()).status).toBe(200);
    const chain = row(page, 'chain_variance');
    await chain.waitFor({ timeout: SHORT });
    expect(await chain.getByTestId('report-by').innerText()).toBe('Automatic');
    const chainId = (await chain.getAttribute('data-report-id'))!;
    await page.locator(`[data-testid="report-row"][data-report-id="${chainId}"][data-status="done"]`).waitFor({ timeout: LONG });
    await files(page, chainId).waitFor({ timeout: SHORT });
    const api = (await admin.get(`/api/reports/${chainId}`)).body;
    expect(api).toMatchObject({ status: 'done', requestedBy: 'system' });
    const chainFiles = files(page, chainId).getByTestId('report-file');
    expect(await chainFiles.evaluateAll((els) => els.map((e) => e.getAttribute('data-format')))).toEqual(['csv', 'xlsx', 'pdf']);
    expect(await files(page, chainId).getByTestId('report-sha').evaluateAll((els) => els.map((e) => e.getAttribute('data-sha')))).toEqual(api.files.map((f: any) => f.sha256));
    expect(await chainFiles.first().getByTestId('report-sha').innerText()).toBe(`SHA-256 ${api.files[0].sha256.slice(0, 12)}…`);
    expect(await chain.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    // It arrived by socket: the bar went up through the build, not straight from nothing to done.
    const chainSeen = await progressOf(chainId);
    expect(chainSeen[chainSeen.length - 1]).toBe(100);
    expect(chainSeen.some((v) => v > 0 && v < 100)).toBe(true);

    // A store report through the dialog: the page's stocktake is preselected, store B picked.
    await page.getByTestId('report-new').click();
    const dialog = page.getByTestId('report-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('report-kind-chain_variance').count()).toBe(1);
    expect(await dialog.getByTestId('report-stocktake').inputValue()).toBe(s.id);
    await dialog.getByTestId('report-store').selectOption(s.B.id);
    await shot(page, 'report-dialog', 'en');
    await dialog.getByTestId('report-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    const store = row(page, 'store_variance');
    await store.waitFor({ timeout: SHORT });
    const storeId = (await store.getAttribute('data-report-id'))!;
    // Mid-build: the bar shows a value between the ends while the worker pauses between steps.
    await page.waitForFunction((id) => {
      const v = Number(document.querySelector(`[data-testid="report-row"][data-report-id="${id}"] [role="progressbar"]`)?.getAttribute('aria-valuenow'));
      return v > 0 && v < 100;
    }, storeId, { timeout: LONG });
    await page.locator(`[data-testid="report-row"][data-report-id="${storeId}"][data-status="done"]`).waitFor({ timeout: LONG });
    const storeSeen = await progressOf(storeId);
    expect(storeSeen[storeSeen.length - 1]).toBe(100);
    expect(storeSeen).toEqual([...storeSeen].sort((x, y) => x - y));
    await files(page, storeId).getByTestId('report-file').nth(2).waitFor({ timeout: SHORT });
    expect(await sameDocument(page)).toBe(true);

    // The CSV through the link, as a person would download it: the hub's hash, the stocktake's numbers.
    const csvLink = files(page, storeId).locator('[data-format="csv"]').getByTestId('report-download');
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    expect(await download.failure()).toBeNull();
    const buf = readFileSync((await download.path())!);
    const expectedSha = await files(page, storeId).locator('[data-format="csv"]').getByTestId('report-sha').getAttribute('data-sha');
    expect(sha(buf)).toBe(expectedSha);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const rows: Record<string, string>[] = parse(buf, { bom: true, columns: true });
    const bySku = (sku: string) => rows.find((r) => r.sku === sku);
    expect(rows.map((r) => r.store_code)).toEqual([s.B.code, s.B.code, s.B.code]);
    expect(bySku(s.p1.sku)).toMatchObject({ book_at_snapshot: '10', counted: '7', variance: '-3', variance_value: '-7.50', posted: 'true' });
    expect(bySku(s.p2.sku)).toMatchObject({ counted: '20', variance: '0' });
    expect(bySku(s.p3.sku)).toMatchObject({ uncounted: 'true' });

    await shot(page, 'reports', 'en', { fullPage: true });
    await page.getByTestId('lang-switcher').selectOption('zh-Hans');
    await textMatches(page.locator('h1'), /报表/);
    await shot(page, 'reports', 'zh-Hans', { fullPage: true });
    await page.getByTestId('lang-switcher').selectOption('en');

    // From the stocktake's page, its reports are one link away.
    await page.goto(`${t.url}/stocktakes/${s.id}`);
    await page.getByTestId('room-reports').click();
    await page.waitForURL((u) => u.pathname === '/reports' && u.searchParams.get('stocktakeId') === s.id);
    await row(page, 'store_variance').waitFor();
  });

  it('offers a manager no chain report and no job dashboard; checks the dialog\'s fields before asking the hub', async () => {
    const { page } = await b.as('manager', [s.A.id, s.B.id], `/reports?stocktakeId=${s.id}`);
    await row(page, 'store_variance').waitFor();
    expect(await row(page, 'chain_variance').count()).toBe(0);
    expect(await page.getByTestId('job-dashboard').count()).toBe(0);

    // By keyboard: Enter opens the dialog, focus starts on the first kind, the arrows choose, Enter submits.
    await page.getByTestId('report-new').focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('report-dialog');
    await dialog.getByTestId('report-kind-store_variance').waitFor();
    expect(await dialog.getByTestId('report-kind-chain_variance').count()).toBe(0);
    expect(await dialog.getByTestId('report-kind-slow_movers').count()).toBe(1);
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'report-kind-store_variance');
    await page.keyboard.press('ArrowDown');
    expect(await dialog.getByTestId('report-kind-slow_movers').isChecked()).toBe(true);

    await dialog.getByTestId('report-window').fill('3');
    await page.keyboard.press('Enter');
    await textMatches(dialog.locator('.error'), /at least 7/);
    expect(await dialog.getByTestId('report-window').getAttribute('aria-invalid')).toBe('true');

    // Valid: the report is not one of this stocktake's, so the page drops its filter to show it.
    await dialog.getByTestId('report-window').fill('30');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForURL((u) => u.pathname === '/reports' && !u.searchParams.has('stocktakeId'));
    const slow = row(page, 'slow_movers');
    await slow.first().waitFor({ timeout: SHORT });
    const slowId = (await slow.first().getAttribute('data-report-id'))!;
    await page.locator(`[data-testid="report-row"][data-report-id="${slowId}"][data-status="done"]`).waitFor({ timeout: LONG });
    await files(page, slowId).getByTestId('report-file').nth(1).waitFor({ timeout: SHORT });
    const api = (await admin.get(`/api/reports/${slowId}`)).body;
    expect(api.params).toMatchObject({ windowDays: 30, maxUnitsSold: 0, storeIds: [s.A.id, s.B.id].sort() });
  });

  it('creates a weekly ABC plan in its dialog, lists it with its next run, and runs it now', async () => {
    const { page } = await b.as('admin', [], '/plans');
    await page.getByTestId('plans-table').waitFor();
    const name = `Weekly A items ${randomUUID().slice(0, 4)}`;
    await page.getByTestId('plan-new').click();
    const dialog = page.getByTestId('plan-dialog');
    await dialog.getByTestId('plan-name').fill(name);
    await dialog.getByTestId('plan-cadence').selectOption('weekly');
    await dialog.getByTestId('plan-weekday').selectOption('1');
    await dialog.getByTestId('plan-time').fill('06:00');
    await dialog.getByTestId('plan-timezone').selectOption('Asia/Shanghai');
    await dialog.getByTestId(`plan-store-${s.A.id}`).check();
    await dialog.getByTestId(`plan-store-${s.B.id}`).check();
    await dialog.getByTestId('plan-method-abc').check();
    await dialog.getByTestId('plan-abc').waitFor();
    // The form's own rule, worded in the page's language: A's share below A+B's.
    await dialog.getByTestId('plan-abc-a').fill('96');
    await dialog.getByTestId('plan-submit').click();
    await textMatches(dialog.locator('.error'), /larger share than class A/);
    await dialog.getByTestId('plan-abc-a').fill('80');
    await dialog.getByTestId('plan-submit').click();
    await dialog.waitFor({ state: 'hidden' });

    const planRow = page.locator('[data-testid="plan-row"]', { hasText: name });
    await planRow.waitFor();
    const planId = (await planRow.getAttribute('data-plan-id'))!;
    expect(await planRow.getByTestId('plan-cadence-text').innerText()).toBe('Weekly, Monday 06:00 Asia/Shanghai');
    expect(await planRow.getByTestId('plan-method').innerText()).toBe('ABC cycle count');
    expect(await planRow.getByTestId('plan-last-run').innerText()).toBe('Not yet');
    const next = await planRow.getByTestId('plan-next-run').getAttribute('data-at');
    expect(next).toBeTruthy();
    const inShanghai = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(next!));
    expect(inShanghai).toBe('Monday 06:00');
    expect(new Date(next!).getTime()).toBeGreaterThan(Date.now());
    // Shown on the plan's own clock, as its schedule reads.
    expect(await planRow.getByTestId('plan-next-run').innerText()).toMatch(/^Mon, \d\d\/\d\d\/\d{4}, 06:00\n/);
    const saved = (await admin.get(`/api/count-plans/${planId}`)).body;
    expect(saved).toMatchObject({ cadence: 'weekly', weekday: 1, timeOfDay: '06:00', timezone: 'Asia/Shanghai', method: 'abc', storeIds: expect.arrayContaining([s.A.id, s.B.id]) });
    expect(saved.abc).toMatchObject({ aShare: 0.8, bShare: 0.95 });

    // The new plan is selected: its ABC preview lists the product nobody has counted as due.
    const detail = page.locator(`[data-testid="plan-detail"][data-plan-id="${planId}"]`);
    await detail.getByTestId('plan-runs').getByTestId('table-empty').waitFor();
    const due = detail.locator(`[data-testid="plan-abc-row"][data-due="true"]`, { hasText: s.p4.sku });
    await due.waitFor();
    expect(await detail.locator('[data-testid="plan-abc-row"][data-due="false"]', { hasText: s.p1.sku }).count()).toBe(1);

    await planRow.getByTestId('plan-run-now').click();
    const run = detail.locator('[data-testid="plan-run-row"]');
    await run.first().waitFor({ timeout: LONG });
    const link = run.first().getByTestId('plan-run-stocktake');
    await link.waitFor({ timeout: LONG });
    const runKey = (await run.first().getAttribute('data-run-key'))!;
    expect(runKey).toMatch(/^manual-/);
    const [apiRun] = (await admin.get(`/api/count-plans/${planId}/runs`)).body;
    expect(apiRun).toMatchObject({ runKey, products: expect.any(Number) });
    expect(await link.getAttribute('href')).toBe(`/stocktakes/${apiRun.stocktakeId}`);
    const created = (await admin.get(`/api/stocktakes/${apiRun.stocktakeId}`)).body;
    expect(created.scope).toMatchObject({ kind: 'stores', filter: { kind: 'products', productIds: expect.arrayContaining([s.p4.id]) } });
    // The list shows the run as the plan's last, linked to its stocktake.
    await planRow.getByTestId('plan-last-stocktake').waitFor({ timeout: SHORT });
    expect(await planRow.getByTestId('plan-last-stocktake').getAttribute('href')).toBe(`/stocktakes/${apiRun.stocktakeId}`);

    await shot(page, 'plans', 'en', { fullPage: true });
    // Edit: the dialog holds the plan as saved; a new time replaces the whole plan (PUT) and its schedule.
    await detail.getByTestId('plan-edit').click();
    const edit = page.getByTestId('plan-dialog');
    await edit.waitFor();
    expect(await edit.getByTestId('plan-name').inputValue()).toBe(name);
    expect(await edit.getByTestId('plan-abc-a').inputValue()).toBe('80');
    await shot(page, 'plan-dialog', 'en');
    await edit.getByTestId('plan-time').fill('07:30');
    await edit.getByTestId('plan-submit').click();
    await edit.waitFor({ state: 'hidden' });
    await textMatches(planRow.getByTestId('plan-cadence-text'), /^Weekly, Monday 07:30 Asia\/Shanghai$/);
    expect((await admin.get(`/api/count-plans/${planId}`)).body).toMatchObject({ timeOfDay: '07:30', method: 'abc', weekday: 1 });
    expect(await textMatches(planRow.getByTestId('plan-next-run'), /Mon, \d\d\/\d\d\/\d{4}, 07:30/)).toMatch(/^Mon, \d\d\/\d\d\/\d{4}, 07:30\n/);
    await page.getByTestId('lang-switcher').selectOption('zh-Hans');
    await textMatches(planRow.getByTestId('plan-cadence-text'), /^每周星期一 07:30（Asia\/Shanghai）$/);
    await shot(page, 'plans', 'zh-Hans', { fullPage: true });
    await page.getByTestId('lang-switcher').selectOption('en');
  });

  it('shows count plans read-only to a manager of their stores', async () => {
    const { page } = await b.as('manager', [s.A.id, s.B.id], '/plans');
    await page.getByTestId('plans-read-only').waitFor();
    await page.locator('[data-testid="plan-row"]').first().waitFor();
    expect(await page.getByTestId('plan-new').count()).toBe(0);
    expect(await page.getByTestId('plan-run-now').count()).toBe(0);
    expect(await page.getByTestId('plan-edit').count()).toBe(0);
    await page.locator('[data-testid="plan-row"]').first().click();
    await page.getByTestId('plan-detail').waitFor();
    expect(await page.getByTestId('plan-delete').count()).toBe(0);
  });

  it('deletes a plan after asking, and the hub forgets it', async () => {
    const { page } = await b.as('admin', [], '/plans');
    const planRow = page.locator('[data-testid="plan-row"]', { hasText: 'Weekly A items' }).first();
    await planRow.waitFor();
    const planId = (await planRow.getAttribute('data-plan-id'))!;
    await planRow.getByTestId('plan-select').click();
    await page.waitForURL((u) => u.searchParams.get('plan') === planId);
    await page.getByTestId('plan-delete').click();
    const confirm = page.getByTestId('plan-delete-dialog');
    await confirm.waitFor();
    // Cancelling keeps it.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    expect((await admin.get(`/api/count-plans/${planId}`)).status).toBe(200);
    await page.getByTestId('plan-delete').click();
    await confirm.getByTestId('plan-delete-confirm').click();
    await page.locator(`[data-testid="plan-row"][data-plan-id="${planId}"]`).waitFor({ state: 'detached' });
    expect(page.url()).not.toContain(planId);
    expect((await admin.get(`/api/count-plans/${planId}`)).status).toBe(404);
  });
});
