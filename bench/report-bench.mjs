// Report generation (issue 6 / 7e): the consolidated variance report of one stocktake over S stores × P
// products (full: 500 × 20,000 = 10 million detail rows), built by a real worker process through the real
// BullMQ flow (a child job per part — a run of consecutive stores of about 2M rows, COPYed by one
// query — and a parent that consolidates), next to a plain
// `COPY (the same query) TO STDOUT` of the same rows written to a file, measured in the same run.
// Reported: CSV time (store parts by COPY + consolidation) and XLSX time, the worker's peak RSS in each
// phase, file sizes, and the CSV / COPY ratio. Usage: node bench/report-bench.mjs [--quick]
// While iterating: BENCH_REPORT='{"stores":100,"products":20000,"xlsx":false}' overrides the sizes
// (stores, products) and with xlsx:false stops once the CSV is written (the worker is killed then).
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { Client, require, root, sleep } from './lib.mjs';

const rssKb = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

const override = process.env.BENCH_REPORT ? JSON.parse(process.env.BENCH_REPORT) : {};

export async function reportBench({ quick = false, adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres', log = (m) => process.stderr.write(`  ${m}\n`) } = {}) {
  const STORES = override.stores ?? (quick ? 40 : 500);
  const PRODUCTS = override.products ?? (quick ? 2_500 : 20_000);
  const withXlsx = override.xlsx ?? true;
  const db = `sf_bench_reports_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${db} with (force)`);
  await admin.query(`create database ${db}`);
  const url = new URL(adminUrl);
  url.pathname = `/${db}`;
  const dbUrl = url.toString();
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-reports-'));
  let worker;
  try {
    await require(join(root, 'server/dist/src/database/migrate.js')).migrate(dbUrl);
    const pg = new Client({ connectionString: dbUrl });
    await pg.connect();
    const t0 = performance.now();
    const stocktakeId = randomUUID();
    await pg.query(`
      insert into chain (id, name) values (gen_random_uuid(), 'Bench chain');
      insert into region (id, chain_id, name) select gen_random_uuid(), (select id from chain), 'Region ' || g from generate_series(1, 10) g;
      insert into store (id, region_id, code, name, timezone)
        select gen_random_uuid(), (select id from region order by name offset (g % 10) limit 1), 'S' || lpad(g::text, 4, '0'), 'Store ' || g, 'UTC' from generate_series(1, ${STORES}) g;
      insert into product (id, sku, name, category, unit_cost_cents, unit_price_cents, uom, low_stock_threshold, created_at, updated_at)
        select gen_random_uuid(), 'SKU-' || lpad(g::text, 6, '0'), 'Product ' || g, 'Category ' || (g % 40), 50 + (g % 2000), 100 + (g % 3000), 'piece', 0, now(), now()
          from generate_series(1, ${PRODUCTS}) g;`);
    await pg.query(`insert into stocktake (id, name, status, scope, blind, practice, practice_terminal_ids, thresholds, grace_seconds, created_at, created_by_name, started_at, finished_at)
                    values ($1, 'Bench year end', 'done', '{"kind":"chain","regionIds":[],"storeIds":[],"filter":{"kind":"full","categories":[],"zoneCodes":[],"productIds":[]}}',
                            true, false, '[]', '{"quantity":5,"percent":10,"valueCents":5000}', 60, now(), 'bench', now(), '2026-11-28T06:00:00Z')`, [stocktakeId]);
    await pg.query(`insert into stocktake_store (stocktake_id, store_id, status, freeze_at, snapshot_at, snapshot_movement_id, closed_movement_id, forced, approved_at, approved_by, scope_products)
                    select $1, id, 'approved', now(), now(), 0, 0, '[]', '2026-11-28T05:00:00Z', 'bench', ${PRODUCTS} from store`, [stocktakeId]);
    // The frozen result of every store × product (what approval writes), pseudo-random but fixed per run.
    await pg.query(`
      insert into stocktake_line (stocktake_id, store_id, product_id, sku, name, category, unit_cost_cents, book, late_sales, sold_during_freeze,
                                  expected, counted, uncounted, variance, variance_value_cents, over_threshold, recount_rounds, reason, posted)
      select $1, s.id, p.id, p.sku, p.name, p.category, p.unit_cost_cents, x.book, 0, 0, x.book, x.counted, x.counted = 0 and x.book > 40,
             x.counted - x.book, (x.counted - x.book)::bigint * p.unit_cost_cents, abs(x.counted - x.book) >= 5, 0, null, x.counted <> x.book
        from store s cross join product p
        cross join lateral (select (abs(hashtext(s.code || p.sku)) % 50) as book, (abs(hashtext(p.sku || s.code)) % 52) as counted) x`, [stocktakeId]);
    // As lines are long after approval: vacuumed (hint bits set), so the first query to read them (the
    // baseline COPY) does not pay for writing every page once more on the report's behalf.
    await pg.query('vacuum (analyze) stocktake_line');
    const rows = STORES * PRODUCTS;
    log(`report data: ${STORES} stores × ${PRODUCTS} products = ${rows.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    // Baseline: one plain COPY of the consolidated detail query, to a file.
    const { chainDetailQuery } = require(join(root, 'server/dist/src/reports/render/report-sql.js'));
    const { to: copyTo } = require('pg-copy-streams');
    const c0 = performance.now();
    await pipeline(pg.query(copyTo(`COPY (${chainDetailQuery(stocktakeId)}) TO STDOUT (FORMAT csv)`)), createWriteStream(join(dir, 'plain-copy.csv')));
    const copyS = (performance.now() - c0) / 1000;
    const copyBytes = statSync(join(dir, 'plain-copy.csv')).size;
    log(`plain COPY: ${copyS.toFixed(1)} s, ${(copyBytes / 1e6).toFixed(0)} MB`);
    // Outside the timing: what the report's CSV must be, byte for byte (a BOM, the header, then the COPY).
    const { DETAIL_COLUMNS } = require(join(root, 'server/dist/src/reports/render/report-sql.js'));
    const expected = createHash('sha256').update(`\ufeff${DETAIL_COLUMNS.join(',')}\n`);
    for await (const chunk of createReadStream(join(dir, 'plain-copy.csv'), { highWaterMark: 1 << 20 })) expected.update(chunk);
    const expectedSha = expected.digest('hex');
    rmSync(join(dir, 'plain-copy.csv'));

    // The real thing: a worker process, and the report's flow exactly as the hub queues it.
    const prefix = `sf-bench-${process.pid}`;
    const reportsDir = join(dir, 'reports');
    worker = spawn(process.execPath, [join(root, 'server/dist/src/worker.js')], {
      env: { ...process.env, NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01', DATABASE_URL: dbUrl, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        BULL_PREFIX: prefix, REPORTS_DIR: reportsDir, DATA_DIR: dir, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '2', REPORT_RECONCILE_SECONDS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    worker.stdout.on('data', (d) => (out += d));
    worker.stderr.on('data', (d) => (out += d));
    while (!out.includes('Stockfleet worker running')) {
      if (worker.exitCode !== null) throw new Error(`worker exited: ${out}`);
      await sleep(50);
    }
    // The report row and its flow as the hub records and queues them (ReportsService.describe / enqueue):
    // one child per part (a run of consecutive stores of about CHAIN_PART_ROWS lines), named after its first store.
    const { CHAIN_PART_ROWS, groupParts } = require(join(root, 'server/dist/src/reports/report-parts.js'));
    const approved = (await pg.query(`select ss.store_id, s.code, coalesce(ss.scope_products, 0) as lines from stocktake_store ss join store s on s.id = ss.store_id
                                       where ss.stocktake_id = $1 and ss.status = 'approved' order by s.code`, [stocktakeId])).rows;
    const parts = groupParts(approved, CHAIN_PART_ROWS);
    const reportId = randomUUID();
    await pg.query(`insert into report (id, kind, title, stocktake_id, store_id, store_scope, params, parts_total, requested_by_name) values ($1, 'chain_variance', 'Bench', $2, null, null, $3, $4, 'bench')`,
      [reportId, stocktakeId, JSON.stringify({ partRows: CHAIN_PART_ROWS }), parts.length]);
    const { FlowProducer } = require('bullmq');
    const { Redis } = require('ioredis');
    const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const flows = new FlowProducer({ connection, prefix });
    const stores = parts.map((p) => ({ id: p.key }));
    const baseline = rssKb(worker.pid, 'VmRSS');
    const started = performance.now();
    await flows.add({
      name: 'report.consolidate.v1', queueName: 'reports', data: { name: 'report.consolidate.v1', reportId }, opts: { jobId: `report-${reportId}`, attempts: 5 },
      children: stores.map((s) => ({ name: 'report.part.v1', queueName: 'reports', data: { name: 'report.part.v1', reportId, storeId: s.id }, opts: { jobId: `report-${reportId}-${s.id}`, attempts: 5, failParentOnFailure: true } })),
    });
    const phase = { csv: { end: 0, peak: 0 }, xlsx: { end: 0, peak: 0 }, pdf: { end: 0, peak: 0 } };
    let partsS = 0;
    for (;;) {
      const { rows: [r] } = await pg.query(`select status, progress, error from report where id = $1`, [reportId]);
      const rss = rssKb(worker.pid, 'VmRSS');
      const now = (performance.now() - started) / 1000;
      const p = r.progress < 55 && r.status !== 'done' ? 'csv' : r.progress < 95 && r.status !== 'done' ? 'xlsx' : 'pdf';
      phase[p].peak = Math.max(phase[p].peak, rss);
      if (r.progress >= 50 && !partsS) partsS = now;
      if (r.progress >= 55 && !phase.csv.end) phase.csv.end = now;
      if (phase.csv.end && !withXlsx) break;
      if (r.progress >= 95 && !phase.xlsx.end) phase.xlsx.end = now;
      if (r.status === 'failed') throw new Error(`report failed: ${r.error}\n${out}`);
      if (r.status === 'done') {
        phase.pdf.end = now;
        break;
      }
      if (worker.exitCode !== null) throw new Error(`worker died: ${out}`);
      await sleep(200);
    }
    const peakAll = rssKb(worker.pid, 'VmHWM');
    if (!withXlsx) worker.kill('SIGKILL');
    const files = (await pg.query(`select format, bytes, rows, sha256 from report_file where report_id = $1 order by format`, [reportId])).rows;
    // The CSV on disk (recorded or not yet, when the XLSX is skipped) against one COPY of the chain query.
    const csvName = readdirSync(join(reportsDir, reportId)).find((f) => f.endsWith('.csv'));
    const got = createHash('sha256');
    for await (const chunk of createReadStream(join(reportsDir, reportId, csvName), { highWaterMark: 1 << 20 })) got.update(chunk);
    const csvIdentical = got.digest('hex') === expectedSha;
    if (!csvIdentical) log('the report CSV is NOT byte-identical to the plain COPY of the chain query');
    await flows.close();
    // This run's queue keys: nothing of the benchmark stays in the shared Redis.
    for (let cursor = '0'; ;) {
      const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await connection.del(...keys);
      if ((cursor = next) === '0') break;
    }
    connection.disconnect();
    await pg.end();
    const mb = (kb) => Math.round(kb / 1024);
    const csvS = phase.csv.end;
    const xlsxS = phase.xlsx.end - phase.csv.end;
    const result = {
      stores: STORES, products: PRODUCTS, rows,
      plainCopyS: +copyS.toFixed(1), plainCopyMB: Math.round(copyBytes / 1e6),
      csvS: +csvS.toFixed(1), csvVsCopy: +(csvS / copyS).toFixed(2), csvPeakRssMB: mb(phase.csv.peak), csvPartsS: +partsS.toFixed(1), csvIdentical,
      ...(withXlsx ? { xlsxS: +xlsxS.toFixed(1), xlsxPeakRssMB: mb(phase.xlsx.peak), pdfS: +(phase.pdf.end - phase.xlsx.end).toFixed(1) } : { xlsxS: null }),
      workerBaselineRssMB: mb(baseline), workerPeakRssMB: mb(peakAll),
      files: Object.fromEntries(files.map((f) => [f.format, { MB: +(Number(f.bytes) / 1e6).toFixed(1), rows: Number(f.rows) }])),
    };
    log(`consolidated report: CSV ${result.csvS} s (${result.csvVsCopy} × plain COPY), peak ${result.csvPeakRssMB} MB; XLSX ${result.xlsxS} s, peak ${result.xlsxPeakRssMB} MB; PDF ${result.pdfS} s`);
    return result;
  } finally {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`drop database if exists ${db} with (force)`).catch(() => {});
    await admin.end();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await reportBench({ quick: process.argv.includes('--quick') });
  console.log(JSON.stringify(r, null, 2));
  process.exit(0);
}
