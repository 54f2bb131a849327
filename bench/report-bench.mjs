// Report generation (issue 6 / 7e): the consolidated variance report of one stocktake over S stores × P
// products (full: 500 × 20,000 = 10 million detail rows), built by a real worker process through the real
// BullMQ flow (a child job per store, a parent that consolidates), next to a plain
// `COPY (the same query) TO STDOUT` of the same rows written to a file, measured in the same run.
// Reported: CSV time (store parts by COPY + consolidation) and XLSX time, the worker's peak RSS in each
// phase, file sizes, and the CSV / COPY ratio. Usage: node bench/report-bench.mjs [--quick]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { Client, require, root, sleep } from './lib.mjs';

const rssKb = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

export async function reportBench({ quick = false, adminUrl = 'postgres://postgres@127.0.0.1:5432/postgres', log = (m) => process.stderr.write(`  ${m}\n`) } = {}) {
  const STORES = quick ? 40 : 500;
  const PRODUCTS = quick ? 2_500 : 20_000;
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
    await pg.query('analyze stocktake_line');
    const rows = STORES * PRODUCTS;
    log(`report data: ${STORES} stores × ${PRODUCTS} products = ${rows.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    // Baseline: one plain COPY of the consolidated detail query, to a file.
    const { chainDetailQuery } = require(join(root, 'server/dist/src/reports/render/report-sql.js'));
    const { to: copyTo } = require('pg-copy-streams');
    const c0 = performance.now();
    await pipeline(pg.query(copyTo(`COPY (${chainDetailQuery(stocktakeId)}) TO STDOUT (FORMAT csv)`)), createWriteStream(join(dir, 'plain-copy.csv')));
    const copyS = (performance.now() - c0) / 1000;
    const copyBytes = statSync(join(dir, 'plain-copy.csv')).size;
    rmSync(join(dir, 'plain-copy.csv'));
    log(`plain COPY: ${copyS.toFixed(1)} s, ${(copyBytes / 1e6).toFixed(0)} MB`);

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
    const reportId = randomUUID();
    await pg.query(`insert into report (id, kind, title, stocktake_id, store_id, store_scope, params, parts_total, requested_by_name) values ($1, 'chain_variance', 'Bench', $2, null, null, '{}', $3, 'bench')`, [reportId, stocktakeId, STORES]);
    const { FlowProducer } = require('bullmq');
    const { Redis } = require('ioredis');
    const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const flows = new FlowProducer({ connection, prefix });
    const stores = (await pg.query(`select id from store order by code`)).rows;
    const baseline = rssKb(worker.pid, 'VmRSS');
    const started = performance.now();
    await flows.add({
      name: 'report.consolidate.v1', queueName: 'reports', data: { name: 'report.consolidate.v1', reportId }, opts: { jobId: `report-${reportId}`, attempts: 5 },
      children: stores.map((s) => ({ name: 'report.part.v1', queueName: 'reports', data: { name: 'report.part.v1', reportId, storeId: s.id }, opts: { jobId: `report-${reportId}-${s.id}`, attempts: 5, failParentOnFailure: true } })),
    });
    const phase = { csv: { end: 0, peak: 0 }, xlsx: { end: 0, peak: 0 }, pdf: { end: 0, peak: 0 } };
    for (;;) {
      const { rows: [r] } = await pg.query(`select status, progress, error from report where id = $1`, [reportId]);
      const rss = rssKb(worker.pid, 'VmRSS');
      const now = (performance.now() - started) / 1000;
      const p = r.progress < 55 && r.status !== 'done' ? 'csv' : r.progress < 95 && r.status !== 'done' ? 'xlsx' : 'pdf';
      phase[p].peak = Math.max(phase[p].peak, rss);
      if (r.progress >= 55 && !phase.csv.end) phase.csv.end = now;
      if (r.progress >= 95 && !phase.xlsx.end) phase.xlsx.end = now;
      if (r.status === 'failed') throw new Error(`report failed: ${r.error}\n${out}`);
      if (r.status === 'done') {
        phase.pdf.end = now;
        break;
      }
      if (worker.exitCode !== null) throw new Error(`worker died: ${out}`);
      await sleep(200);
    }
    const files = (await pg.query(`select format, bytes, rows, sha256 from report_file where report_id = $1 order by format`, [reportId])).rows;
    const peakAll = rssKb(worker.pid, 'VmHWM');
    await flows.close();
    connection.disconnect();
    await pg.end();
    const mb = (kb) => Math.round(kb / 1024);
    const csvS = phase.csv.end;
    const xlsxS = phase.xlsx.end - phase.csv.end;
    const result = {
      stores: STORES, products: PRODUCTS, rows,
      plainCopyS: +copyS.toFixed(1), plainCopyMB: Math.round(copyBytes / 1e6),
      csvS: +csvS.toFixed(1), csvVsCopy: +(csvS / copyS).toFixed(2), csvPeakRssMB: mb(phase.csv.peak),
      xlsxS: +xlsxS.toFixed(1), xlsxPeakRssMB: mb(phase.xlsx.peak), pdfS: +(phase.pdf.end - phase.xlsx.end).toFixed(1),
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
