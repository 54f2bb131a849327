#!/usr/bin/env node
// `npm run bench`: benchmarks against a real hub process and the real PostgreSQL + Redis.
// Measured: the catalogue CSV import (100,000 rows); tills held by one hub process and memory per
// till (1k / 5k / 10k); the freeze barrier (1,000 stores × 10 tills). Not yet: scan ingest against
// COPY baselines, two hubs, reports (issue [bench]). `--quick`: 20k import rows, 1k tills, 100 stores.
import { execSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fleetBench } from './fleet-bench.mjs';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'server', 'package.json'));
const { Client } = require('pg');
const quick = process.argv.includes('--quick');
const ROWS = quick ? 20_000 : 100_000;
const adminUrl = process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const migrate = (url) => require(join(root, 'server/dist/src/database/migrate.js')).migrate(url); // built below

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); }); });
const gtin = (n) => { const body = `978${String(n).padStart(9, '0')}`; let sum = 0; for (let i = 0; i < 12; i++) sum += Number(body[11 - i]) * (i % 2 === 0 ? 3 : 1); return body + ((10 - (sum % 10)) % 10); };

execSync('npm run build -w shared && npm run build -w server', { cwd: root, stdio: 'ignore' });
const db = `sf_bench_${process.pid}`;
const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${db}` }).toString();
const pg = new Client({ connectionString: adminUrl });
await pg.connect();
await pg.query(`create database ${db}`);
const results = [];
let hub;
try {
  await migrate(dbUrl);
  const { hashPassword } = require(join(root, 'server/dist/src/auth/password.js'));
  const user = new Client({ connectionString: dbUrl });
  await user.connect();
  await user.query(`insert into app_user (id, email, name, password_hash, role, store_ids, created_at) values (gen_random_uuid(), 'bench@x.io', 'Bench', $1, 'admin', '{}', now())`, [await hashPassword('bench-password')]);
  await user.end();

  const port = await freePort();
  hub = spawn(process.execPath, [join(root, 'server/dist/src/main.js')], {
    env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), DEMO_SEED: 'false', LOG_LEVEL: 'warn', DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-bench-')), SOCKET_STREAM: `sf-bench:${process.pid}` },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) { try { if ((await fetch(`${base}/readyz`)).ok) break; } catch {} await new Promise((r) => setTimeout(r, 100)); }
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@x.io', password: 'bench-password' }) });
  const cookie = login.headers.get('set-cookie').split(';')[0];

  const lines = ['sku,name,category,unit_cost_cents,unit_price_cents,uom,low_stock_threshold,barcode,barcode_kind,multiplier'];
  for (let i = 0; i < ROWS; i++) lines.push(`B-${i},Bench item ${i},Cat ${i % 50},${100 + (i % 900)},${150 + (i % 900)},piece,5,${gtin(i)},gtin,1`);
  const csv = lines.join('\n');
  const t0 = performance.now();
  const res = await fetch(`${base}/api/catalog/import`, { method: 'POST', headers: { 'content-type': 'text/csv', cookie }, body: csv });
  const body = await res.json();
  const ms = performance.now() - t0;
  if (res.status !== 201) throw new Error(`import failed: ${JSON.stringify(body).slice(0, 300)}`);
  results.push({ name: `catalogue CSV import, ${ROWS.toLocaleString('en')} rows (${(csv.length / 1e6).toFixed(1)} MB), first import`, seconds: +(ms / 1000).toFixed(2), rowsPerSecond: Math.round(ROWS / (ms / 1000)), target: '100,000 rows < 60 s' });
  const t1 = performance.now();
  const again = await fetch(`${base}/api/catalog/import`, { method: 'POST', headers: { 'content-type': 'text/csv', cookie }, body: csv });
  await again.json();
  const ms2 = performance.now() - t1;
  results.push({ name: `catalogue CSV import, ${ROWS.toLocaleString('en')} rows, re-import (all updates)`, seconds: +(ms2 / 1000).toFixed(2), rowsPerSecond: Math.round(ROWS / (ms2 / 1000)), target: '' });
  hub?.kill('SIGTERM');
  hub = null;
  // The fleet benchmarks get a database of their own: the import above left 100,000 products behind.
  await pg.query(`create database ${db}_fleet`);
  const fleetUrl = Object.assign(new URL(adminUrl), { pathname: `/${db}_fleet` }).toString();
  await migrate(fleetUrl);
  const fleet = await fleetBench({
    dbUrl: fleetUrl,
    tillCounts: quick ? [1000] : [1000, 5000, 10000],
    barrier: quick ? { tills: 1000, stores: 100 } : { tills: 10000, stores: 1000 },
    log: (m) => process.stderr.write(`  ${m}\n`),
  });
  for (const f of fleet) {
    if (f.kind === 'tills') results.push({ name: `tills held by one hub: ${f.tills.toLocaleString('en')} (connected ${f.connected.toLocaleString('en')} in ${f.connectSeconds} s)`, seconds: f.connectSeconds, rowsPerSecond: 0, target: '< 20 KB/till', extra: `${f.kbPerTill} KB/till (hub RSS ${f.baselineRssMb} → ${f.hubRssMb} MB)` });
    else results.push({ name: `freeze barrier: ${f.stores.toLocaleString('en')} stores × ${Math.round(f.tills / f.stores)} tills, ${f.products.toLocaleString('en')} products (${f.storesCounting} counting)`, seconds: f.allCountingSeconds, rowsPerSecond: 0, target: 'p99 < 1 s', extra: `per store p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, max ${f.maxMs} ms; admin call → all counting ${f.allCountingSeconds} s` });
  }
} catch (err) {
  process.stderr.write(`benchmark failed: ${err?.stack ?? err}\n`);
  process.exitCode = 1;
} finally {
  hub?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await pg.query(`drop database if exists ${db} with (force)`);
  await pg.query(`drop database if exists ${db}_fleet with (force)`);
  await pg.end();
}

const commit = execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.table(results);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), commit, machine, quick, results }, null, 2));
const md = [
  '# Benchmarks', '',
  `Latest run: ${new Date().toISOString()} · commit ${commit} · ${machine}${quick ? ' · --quick' : ''}.`,
  'Produced by `npm run bench` (a real hub process against the real PostgreSQL and Redis).', '',
  '| benchmark | seconds | rows/s | figures | target |', '|---|---|---|---|---|',
  ...results.map((r) => `| ${r.name} | ${r.seconds} | ${r.rowsPerSecond ? r.rowsPerSecond.toLocaleString('en') : ''} | ${r.extra ?? ''} | ${r.target} |`), '',
  'Not yet measured: scan ingest next to COPY baselines, the barrier with two hubs, reports (issue [bench]).', '',
];
writeFileSync(join(root, 'docs', 'benchmarks.md'), md.join('\n'));
