import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { ReportProgressV1 } from '@stockfleet/shared';
import { MikroORM } from '@mikro-orm/postgresql';
import { DETAIL_COLUMNS } from '../../src/reports/render/report-sql';
import { ReportsService } from '../../src/reports/reports.service';
import { bootApp, type TestApp } from '../utils/test-app';
import type { HttpClient } from '../utils/http';
import { createProduct, createStore, signedIn } from '../utils/factories';
import { enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';
import { WorkerProcess } from '../utils/worker-process';
import { PrivateRedis } from '../utils/private-redis';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function download(client: HttpClient, url: string) {
  const res = await fetch(client.base + url, { headers: client.cookie ? { cookie: client.cookie } : {} });
  return { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) };
}

const pdfPages = (b: Buffer) => (b.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;

/**
 * A real two-store stocktake, run through tills and the API to approval, with everything a variance
 * report must show: a short count, a recount with a reason, late sales and sales during the freeze from
 * a till forced past the barrier, and an uncounted product in a partial count.
 */
async function approvedStocktake(t: TestApp, admin: HttpClient, tills: SimTill[]) {
  const catA = `Snacks-${randomUUID().slice(0, 6)}`;
  const catB = `Drinks-${randomUUID().slice(0, 6)}`;
  const p1 = await createProduct(t.em(), { costCents: 250, category: catA });
  const p2 = await createProduct(t.em(), { costCents: 100, category: catA });
  const p3 = await createProduct(t.em(), { costCents: 1000, category: catB });
  const stores = [await createStore(t.em()), await createStore(t.em())];
  const sims: SimTill[][] = [];
  for (const [i, s] of stores.entries()) {
    await admin.post('/api/stock/receipts', { idempotencyKey: `open-${randomUUID()}`, storeId: s.id, lines: [{ productId: p1.id, quantity: 10 }, { productId: p2.id, quantity: 20 }, { productId: p3.id, quantity: 5 }] });
    const mine: SimTill[] = [];
    for (let k = 0; k < (i === 1 ? 2 : 1); k++) {
      const e = await enrolTill(t.url, admin, s.id, `R${k + 1}`);
      const sim = new SimTill(t.url, e.token, s.id, e.terminalId);
      tills.push(sim);
      mine.push(sim);
    }
    await Promise.all(mine.map((m) => m.connected()));
    sims.push(mine);
  }
  const [A, B] = stores;
  const offline = sims[1][1];
  offline.close();
  await until(async () => (await admin.get(`/api/terminals?storeId=${B.id}`)).body.find((x: any) => x.id === offline.terminalId).online, (o) => o === false, 'till offline');

  const created = await admin.post('/api/stocktakes', {
    name: `Quarter end ${randomUUID().slice(0, 4)}`,
    scope: { kind: 'stores', storeIds: [A.id, B.id], filter: { kind: 'categories', categories: [catA, catB] } },
    thresholds: { quantity: 3, percent: 0, valueCents: 0 },
  });
  const id = created.body.id;
  const get = () => admin.get(`/api/stocktakes/${id}`).then((r) => r.body);
  await admin.post(`/api/stocktakes/${id}/start`);
  await until(get, (st) => st.stores.find((s: any) => s.storeId === A.id).status === 'counting', 'store A counting');
  // B waits for its offline till, which sold 2 before the freeze and 1 during it without knowing.
  await offline.sell(p2.id, 2, Date.now() - 120_000);
  await offline.sell(p2.id, 1, Date.now() + 1000);
  await admin.post(`/api/stocktakes/${id}/stores/${B.id}/force`, { terminalIds: [offline.terminalId], reason: 'cable cut' });
  await until(get, (st) => st.stores.every((s: any) => s.status === 'counting'), 'both counting');
  offline.socket.connect();
  await until(async () => offline.outbox.length, (n) => n === 0, 'late sales delivered');

  const zA = A.zones[0].id;
  const zB = B.zones[0].id;
  await sims[0][0].count(id, [{ zoneId: zA, productId: p1.id, quantity: 10 }, { zoneId: zA, productId: p2.id, quantity: 18 }, { zoneId: zA, productId: p3.id, quantity: 5 }]);
  await sims[1][0].count(id, [{ zoneId: zB, productId: p1.id, quantity: 6 }, { zoneId: zB, productId: p2.id, quantity: 17 }]);
  for (const s of stores) await admin.post(`/api/stocktakes/${id}/stores/${s.id}/close`);
  await admin.post(`/api/stocktakes/${id}/stores/${B.id}/recounts`, { lines: [{ productId: p1.id }] });
  const task = await until(async () => sims[1][0].tasks, (tk) => !!tk && tk.recounts.length === 1, 'recount task');
  await sims[1][0].count(id, [{ zoneId: zB, productId: p1.id, quantity: 7, recountTaskId: task!.recounts[0].id }]);
  await admin.post(`/api/stocktakes/${id}/stores/${B.id}/close`);
  await admin.post(`/api/stocktakes/${id}/stores/${B.id}/reasons`, { lines: [{ productId: p1.id, reason: 'theft' }] });
  for (const s of stores) expect((await admin.post(`/api/stocktakes/${id}/stores/${s.id}/approve`)).status).toBe(200);
  expect((await get()).status).toBe('done');
  return { id, A, B, p1, p2, p3, catA, catB, offline };
}

describe('Reports', () => {
  let t: TestApp;
  let admin: HttpClient;
  const tills: SimTill[] = [];
  let s: Awaited<ReturnType<typeof approvedStocktake>>;
  const reportsDir = mkdtempSync(join(tmpdir(), 'sf-reports-'));
  const hashes: Record<string, string> = {};

  beforeAll(async () => {
    t = await bootApp({ RUN_WORKERS: 'true', REPORTS_DIR: reportsDir, JOB_LOCK_MS: '5000' });
    admin = await signedIn(t.url, t.em(), 'admin');
    s = await approvedStocktake(t, admin, tills);
  });
  afterAll(async () => {
    tills.forEach((c) => c.close());
    await t.close();
  });

  const waitDone = (client: HttpClient, id: string, ms = 45_000) =>
    until(() => client.get(`/api/reports/${id}`).then((r) => r.body), (r) => r.status === 'done' || r.status === 'failed', `report ${id} done`, ms);

  it('builds the consolidated report by itself when the stocktake is done: CSV, XLSX and PDF with the stocktake\'s numbers', async () => {
    const list = await until(() => admin.get(`/api/reports?stocktakeId=${s.id}`).then((r) => r.body), (l) => l.length === 1, 'chain report queued');
    expect(list[0]).toMatchObject({ kind: 'chain_variance', stocktakeId: s.id, requestedBy: 'system' });
    const report = await waitDone(admin, list[0].id);
    expect(report.status).toBe('done');
    expect(report.files.map((f: any) => f.format)).toEqual(['csv', 'xlsx', 'pdf']);

    // CSV: the detail, one row per store × product, exactly the frozen stocktake.
    const csvFile = report.files[0];
    const csv = await download(admin, csvFile.url);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('x-content-sha256')).toBe(csvFile.sha256);
    expect(sha(csv.buf)).toBe(csvFile.sha256);
    expect(csv.buf.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows: any[] = parse(csv.buf, { bom: true, columns: true });
    expect(Object.keys(rows[0])).toEqual([...DETAIL_COLUMNS]);
    expect(rows).toHaveLength(6);
    expect(csvFile.rows).toBe(6);
    const row = (store: { code: string }, p: { sku: string }) => rows.find((r) => r.store_code === store.code && r.sku === p.sku);
    expect(row(s.A, s.p2)).toMatchObject({ book_at_snapshot: '20', expected: '20', counted: '18', variance: '-2', variance_value: '-2.00', posted: 'true', uncounted: 'false' });
    expect(row(s.A, s.p1)).toMatchObject({ variance: '0', posted: 'false' });
    expect(row(s.B, s.p1)).toMatchObject({ unit_cost: '2.50', counted: '7', variance: '-3', variance_value: '-7.50', recount_rounds: '1', reason: 'theft', over_threshold: 'true', posted: 'true' });
    expect(row(s.B, s.p2)).toMatchObject({ book_at_snapshot: '20', late_sales_delta: '-2', during_freeze_delta: '-1', expected: '17', counted: '17', variance: '0' });
    expect(row(s.B, s.p3)).toMatchObject({ uncounted: 'true', counted: '0', variance: '0', variance_value: '0.00', posted: 'false' });
    // Store order, then SKU order: the same bytes every time.
    expect(rows.map((r) => r.store_code)).toEqual([s.A.code, s.A.code, s.A.code, s.B.code, s.B.code, s.B.code].sort());

    // XLSX: summaries first, then the detail and the event sheets.
    const xlsx = await download(admin, report.files[1].url);
    expect(sha(xlsx.buf)).toBe(report.files[1].sha256);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.buf as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'By store', 'By region', 'By category', 'Detail', 'Late sales', 'Uncounted', 'Recounts', 'Forced tills']);
    const values = (name: string) => wb.getWorksheet(name)!.getSheetValues().slice(1).map((r: any) => r.slice(1));
    const byStore = values('By store');
    const header = byStore[0] as string[];
    const col = (h: string) => header.indexOf(h);
    const storeRow = (code: string) => byStore.find((r: any) => r[0] === code) as any[];
    expect(storeRow(s.A.code)[col('Net variance')]).toBe(-2);
    expect(storeRow(s.B.code)[col('Net variance')]).toBe(-7.5);
    expect(storeRow(s.B.code)[col('Shrinkage')]).toBe(7.5);
    expect(storeRow(s.B.code)[col('Book value')]).toBe(92); // 10 × 2.50 + 17 × 1.00 + 5 × 10.00
    expect(storeRow(s.B.code)[col('Late sales (units)')]).toBe(2);
    expect(storeRow(s.B.code)[col('Sold during freeze (units)')]).toBe(1);
    const byCategory = values('By category');
    const catCol = (byCategory[0] as string[]).indexOf('Net variance');
    expect(byCategory.find((r: any) => r[0] === s.catA)![catCol]).toBe(-2 + -7.5);
    expect(byCategory.find((r: any) => r[0] === s.catB)![catCol]).toBe(0);
    const summary = Object.fromEntries(values('Summary').slice(1) as any);
    expect(summary['Net variance value']).toBe(-9.5);
    expect(summary['Shrinkage % of book value']).toBe('5.08 %'); // 9.50 of 187.00
    expect(values('Detail')).toHaveLength(1 + 6);
    const late = values('Late sales').slice(1);
    expect(late.map((r: any) => [r[0], r[3], r[5], r[9]]).sort()).toEqual([[s.B.code, s.p2.sku, -1, 'during_freeze'], [s.B.code, s.p2.sku, -2, 'before_freeze']].sort());
    expect(values('Uncounted').slice(1).map((r: any) => [r[0], r[1]])).toEqual([[s.B.code, s.p3.sku]]);
    expect(values('Recounts').slice(1).map((r: any) => [r[0], r[1], r[4], r[8]])).toEqual([[s.B.code, s.p1.sku, 1, 7]]);
    expect(values('Forced tills').slice(1).map((r: any) => [r[0], r[1], r[3]])).toEqual([[s.B.code, s.offline.terminalId, 'cable cut']]);

    // PDF: a summary of a page or two, never the rows.
    const pdf = await download(admin, report.files[2].url);
    expect(pdf.buf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha(pdf.buf)).toBe(report.files[2].sha256);
    expect(pdfPages(pdf.buf)).toBe(report.files[2].rows);
    expect(pdfPages(pdf.buf)).toBeGreaterThanOrEqual(1);
    expect(pdfPages(pdf.buf)).toBeLessThanOrEqual(3);
    Object.assign(hashes, { csv: csvFile.sha256, xlsx: report.files[1].sha256, pdf: report.files[2].sha256 });

    // Each file's hash is in the audit log.
    const audit = await t.em().getConnection().execute(`select details from audit_event where action = 'report.file_written' and subject = ? order by id`, [report.id]);
    expect(audit.map((a: any) => [a.details.format, a.details.sha256])).toEqual([['csv', hashes.csv], ['xlsx', hashes.xlsx], ['pdf', hashes.pdf]]);
  });

  it('builds a per-store report on request, with live progress to admins, and a second build gives the same hashes', async () => {
    const socket = io(`${t.url}/admin`, { path: '/socket.io', transports: ['websocket'], forceNew: true, extraHeaders: { cookie: admin.cookie! } });
    const events: any[] = [];
    socket.on('report.progress.v1', (e: any) => events.push(e));
    await new Promise((r) => socket.once('connect', r as any));
    const req = await admin.post('/api/reports', { kind: 'store_variance', stocktakeId: s.id, storeId: s.B.id });
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({ kind: 'store_variance', storeId: s.B.id });
    // A double click while it builds is the same report.
    const again = await admin.post('/api/reports', { kind: 'store_variance', stocktakeId: s.id, storeId: s.B.id });
    const done = await waitDone(admin, req.body.id);
    expect(done.status).toBe('done');
    if (again.body.id !== req.body.id) expect(again.body.status).toBe('queued'); // only when the first had already finished
    const mine = await until(async () => events.filter((e) => e.reportId === req.body.id), (e) => e.some((x) => x.status === 'done'), 'progress events');
    socket.disconnect();
    expect(mine.every((e) => ReportProgressV1.safeParse(e).success)).toBe(true);
    expect(mine.some((e) => e.status === 'running')).toBe(true);
    expect(mine[0]).toMatchObject({ status: 'queued', progress: 0 }); // told at once, before any worker picks it up

    const csv = parse(readFileSync(join(reportsDir, req.body.id, done.files[0].fileName)), { bom: true, columns: true }) as any[];
    expect(csv.map((r) => r.sku)).toEqual([s.p1.sku, s.p2.sku, s.p3.sku].sort());
    expect(csv.every((r) => r.store_code === s.B.code)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(reportsDir, req.body.id, done.files[1].fileName));
    expect(wb.getWorksheet('By store')!.rowCount).toBe(2);
    expect(pdfPages(readFileSync(join(reportsDir, req.body.id, done.files[2].fileName)))).toBe(done.files[2].rows);

    // Built again (after the first finished): byte for byte the same files.
    const second = await admin.post('/api/reports', { kind: 'store_variance', stocktakeId: s.id, storeId: s.B.id });
    expect(second.body.id).not.toBe(req.body.id);
    const secondDone = await waitDone(admin, second.body.id);
    expect(secondDone.files.map((f: any) => f.sha256)).toEqual(done.files.map((f: any) => f.sha256));
  });

  it('builds a chain report in several parts (one per store, as queued before parts were grouped) into the same bytes', async () => {
    const reports = t.app.get(ReportsService);
    const orm = t.app.get(MikroORM);
    const { row } = await orm.em.fork().transactional(async (tem) => {
      const made = await reports.createInTx(tem as any, { kind: 'chain_variance', stocktakeId: s.id }, null);
      expect(made.created).toBe(true);
      expect(made.row.params).toMatchObject({ partRows: expect.any(Number) }); // today: runs of stores of about that many lines
      expect(made.row.parts_total).toBe(1);
      await tem.getConnection().execute(`update report set params = '{}', parts_total = 2 where id = ?`, [made.row.id], 'run', tem.getTransactionContext());
      return { row: { ...made.row, params: {}, parts_total: 2 } };
    });
    await reports.enqueueSoon(row);
    const done = await waitDone(admin, row.id);
    expect(done.status).toBe('done');
    expect(done.files.map((f: any) => f.sha256)).toEqual([hashes.csv, hashes.xlsx, hashes.pdf]);
    expect(done.files[0].rows).toBe(6);
    const parts = await t.em().getConnection().execute(`select store_id, rows from report_part where report_id = ? order by store_id`, [row.id]);
    expect(parts.map((p: any) => [p.store_id, Number(p.rows)])).toEqual([[s.A.id, 3], [s.B.id, 3]].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  });

  it('checks the hash on every download, audits downloads, and refuses an altered file', async () => {
    const [report] = (await admin.get(`/api/reports?stocktakeId=${s.id}&kind=chain_variance`)).body;
    const auditor = await signedIn(t.url, t.em(), 'auditor');
    const ok = await download(auditor, report.files[0].url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toContain('attachment');
    const [entry] = await t.em().getConnection().execute(`select actor_name, details from audit_event where action = 'report.downloaded' and subject = ? and actor_name = ?`, [report.id, auditor.user.email]);
    expect(entry.details).toMatchObject({ format: 'csv', sha256: report.files[0].sha256 });

    const path = join(reportsDir, report.id, report.files[0].fileName);
    const original = readFileSync(path);
    writeFileSync(path, Buffer.concat([original, Buffer.from('9999,tampered\n')]));
    try {
      const refused = await auditor.get(report.files[0].url);
      expect(refused.status).toBe(500);
      expect(refused.body.error.code).toBe('INTEGRITY_FAILED');
      const [flag] = await t.em().getConnection().execute(`select details from audit_event where action = 'report.integrity_failed' and subject = ?`, [report.id]);
      expect(flag.details.expected).toBe(report.files[0].sha256);
    } finally {
      writeFileSync(path, original);
    }
    expect((await download(auditor, report.files[0].url)).status).toBe(200);
    expect((await auditor.get(`/api/reports/${report.id}/files/docx`)).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('scopes reports: managers their stores only, chain reports for head office and auditors, typed errors for bad requests', async () => {
    const managerA = await signedIn(t.url, t.em(), 'manager', [s.A.id]);
    expect((await managerA.post('/api/reports', { kind: 'store_variance', stocktakeId: s.id, storeId: s.B.id })).body.error.code).toBe('OUT_OF_SCOPE');
    expect((await managerA.post('/api/reports', { kind: 'chain_variance', stocktakeId: s.id })).body.error.code).toBe('FORBIDDEN');
    const own = await managerA.post('/api/reports', { kind: 'store_variance', stocktakeId: s.id, storeId: s.A.id });
    expect(own.status).toBe(201);
    const visible = (await managerA.get(`/api/reports?stocktakeId=${s.id}`)).body;
    expect(visible.map((r: any) => r.storeId)).toEqual([s.A.id]);
    const chain = (await admin.get(`/api/reports?stocktakeId=${s.id}&kind=chain_variance`)).body[0];
    expect((await managerA.get(`/api/reports/${chain.id}`)).status).toBe(404);
    expect((await managerA.get(`/api/reports/${chain.id}/files/csv`)).status).toBe(404);

    const bad = await admin.post('/api/reports', { kind: 'everything' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect((await admin.post('/api/reports', { kind: 'store_variance', stocktakeId: randomUUID(), storeId: s.A.id })).body.error.code).toBe('NOT_FOUND');
    const before = (await t.em().getConnection().execute(`select count(*)::int as n from report`))[0].n;
    const pending = await admin.post('/api/stocktakes', { name: 'Not yet', scope: { kind: 'stores', storeIds: [s.A.id], filter: { kind: 'categories', categories: [s.catA] } } });
    const early = await admin.post('/api/reports', { kind: 'store_variance', stocktakeId: pending.body.id, storeId: s.A.id });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('NOT_READY');
    expect((await admin.post('/api/reports', { kind: 'chain_variance', stocktakeId: pending.body.id })).body.error.code).toBe('NOT_READY');
    expect((await t.em().getConnection().execute(`select count(*)::int as n from report`))[0].n).toBe(before);
    await admin.post(`/api/stocktakes/${pending.body.id}/cancel`);
    const anon = await fetch(`${t.url}/api/reports`);
    expect(anon.status).toBe(401);
  });

  it('lists slow movers as of the moment asked, from the ledger', async () => {
    const req = await admin.post('/api/reports', { kind: 'slow_movers', storeIds: [s.A.id, s.B.id], windowDays: 30, maxUnitsSold: 0 });
    expect(req.status).toBe(201);
    const done = await waitDone(admin, req.body.id);
    expect(done.files.map((f: any) => f.format)).toEqual(['csv', 'xlsx']);
    const rows = parse(readFileSync(join(reportsDir, req.body.id, done.files[0].fileName)), { bom: true, columns: true }) as any[];
    // B sold p2 (3 units): not slow. Everything else sits unsold, most valuable stock first.
    expect(rows.map((r) => [r.store_code, r.sku, r.on_hand, r.stock_value])).toEqual([
      [s.A.code, s.p3.sku, '5', '50.00'], [s.A.code, s.p1.sku, '10', '25.00'], [s.A.code, s.p2.sku, '18', '18.00'],
      [s.B.code, s.p3.sku, '5', '50.00'], [s.B.code, s.p1.sku, '7', '17.50'],
    ].sort((a, b) => (a[0] === b[0] ? 0 : a[0] < b[0] ? -1 : 1)));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(reportsDir, req.body.id, done.files[1].fileName));
    expect(wb.getWorksheet('Slow movers')!.rowCount).toBe(6);
  });

  it('queues again a report whose job never reached Redis (the reconciler)', async () => {
    const reports = t.app.get(ReportsService);
    const orm = t.app.get(MikroORM);
    // Recorded but never queued, as when Redis was away at the moment of the request.
    const { row } = await orm.em.fork().transactional((tem) => reports.createInTx(tem as any, { kind: 'store_variance', stocktakeId: s.id, storeId: s.A.id }, null));
    expect(row.status).toBe('queued');
    expect(await reports.reconcile(0, [row.id])).toBe(1);
    expect(await reports.reconcile(0, [row.id])).toBe(0); // its job is there now
    const done = await waitDone(admin, row.id);
    expect(done.status).toBe('done');
  });

  it('serves the job dashboard to admins only', async () => {
    expect((await admin.get('/api/admin/queues')).status).toBe(200);
    const manager = await signedIn(t.url, t.em(), 'manager', [s.A.id]);
    expect((await manager.get('/api/admin/queues')).status).toBe(403);
    expect((await fetch(`${t.url}/api/admin/queues`)).status).toBe(401);
    const api = await admin.get('/api/admin/queues/api/queues');
    expect(api.status).toBe(200);
    expect(JSON.stringify(api.body)).toContain('reports');
  });

  describe('when workers crash or Redis restarts', () => {
    let redis: PrivateRedis;
    let hub: TestApp;
    let hubAdmin: HttpClient;
    const workers: WorkerProcess[] = [];
    const workerEnv = () => ({
      DATABASE_URL: process.env.SF_TEST_DATABASE_URL!, REDIS_URL: redis.url, REPORTS_DIR: reportsDir, BULL_PREFIX: 'sf-crash',
      REPORT_STEP_DELAY_MS: '1500', JOB_LOCK_MS: '2000', SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-w-')),
    });
    beforeAll(async () => {
      redis = await PrivateRedis.start();
      hub = await bootApp({ REDIS_URL: redis.url, REPORTS_DIR: reportsDir, BULL_PREFIX: 'sf-crash', RUN_WORKERS: 'false' });
      hubAdmin = await signedIn(hub.url, hub.em(), 'admin');
    });
    afterAll(async () => {
      for (const w of workers) await w.kill9();
      // After a Redis restart a close can wait on a connection that never answers (main.ts bounds it the same way).
      await Promise.race([hub.close(), new Promise((r) => setTimeout(r, 10_000))]);
      await redis.down();
    }, 30_000);
    const status = (id: string) => hub.em().getConnection().execute(`select status, progress from report where id = ?`, [id]).then((r) => r[0]);

    it('a worker SIGKILLed mid-job leaves a job another worker completes, with the same hash', async () => {
      const first = new WorkerProcess(workerEnv());
      workers.push(first);
      await first.start();
      const req = await hubAdmin.post('/api/reports', { kind: 'chain_variance', stocktakeId: s.id });
      expect(req.status).toBe(201);
      await until(() => status(req.body.id), (r) => r.status === 'running' && r.progress >= 50, 'parts written, consolidation running', 30_000);
      await first.kill9();
      expect((await status(req.body.id)).status).toBe('running');
      const second = new WorkerProcess(workerEnv());
      workers.push(second);
      await second.start();
      const done = await until(() => hubAdmin.get(`/api/reports/${req.body.id}`).then((r) => r.body), (r) => r.status === 'done', 'taken over and done', 60_000);
      expect(done.files.map((f: any) => f.sha256)).toEqual([hashes.csv, hashes.xlsx, hashes.pdf]);
      const [{ attempts }] = await hub.em().getConnection().execute(`select attempts from report where id = ?`, [req.body.id]);
      expect(attempts).toBeGreaterThanOrEqual(2);
    });

    it('Redis restarted during a job: the job still completes, with the same hash', async () => {
      const req = await hubAdmin.post('/api/reports', { kind: 'chain_variance', stocktakeId: s.id });
      await until(() => status(req.body.id), (r) => r.status === 'running', 'running', 30_000);
      await redis.down();
      await new Promise((r) => setTimeout(r, 500));
      await redis.up();
      const done = await until(() => hubAdmin.get(`/api/reports/${req.body.id}`).then((r) => r.body), (r) => r.status === 'done' || r.status === 'failed', 'done after the restart', 60_000);
      expect(done.status).toBe('done');
      expect(done.files.map((f: any) => f.sha256)).toEqual([hashes.csv, hashes.xlsx, hashes.pdf]);
    });
  });
});
