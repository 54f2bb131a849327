// Benchmarks a: tills held by one hub process and hub memory per till; b: the freeze barrier.
import { fork, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'server', 'package.json'));
const { Client } = require('pg');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); }); });
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

/** Creates `stores` stores with `perStore` paired tills straight in SQL; returns the device tokens. */
async function seedFleet(dbUrl, stores, perStore) {
  const c = new Client({ connectionString: dbUrl });
  c.on('error', () => {});
  await c.connect();
  const round = randomUUID().slice(0, 6);
  const chain = randomUUID();
  const region = randomUUID();
  await c.query(`insert into chain (id, name) values ($1, 'Bench chain')`, [chain]);
  await c.query(`insert into region (id, chain_id, name) values ($1, $2, 'Bench')`, [region, chain]);
  const storeRows = Array.from({ length: stores }, (_, i) => ({ id: randomUUID(), code: `B${round}-${String(i).padStart(5, '0')}` }));
  await c.query(`insert into store (id, region_id, code, name, timezone) select id, $1, code, code, 'UTC' from jsonb_to_recordset($2::jsonb) as x(id uuid, code text)`, [region, JSON.stringify(storeRows)]);
  const tokens = [];
  const tills = [];
  for (const s of storeRows) for (let t = 0; t < perStore; t++) {
    const token = randomUUID() + randomUUID();
    tokens.push(token);
    tills.push({ id: randomUUID(), store_id: s.id, name: `${s.code}-T${t}`, token_hash: createHash('sha256').update(token).digest('hex') });
  }
  for (let i = 0; i < tills.length; i += 5000) {
    await c.query(`insert into terminal (id, store_id, name, token_hash, created_at, paired_at, desired_mode, desired_epoch, desired_reason, desired_since, remote_locked, online)
      select id, store_id, name, token_hash, now(), now(), 'selling', 0, '{"kind":"none","stocktakeId":null,"practice":false,"by":null,"message":null}'::jsonb, now(), false, false
        from jsonb_to_recordset($1::jsonb) as x(id uuid, store_id uuid, name text, token_hash text)`, [JSON.stringify(tills.slice(i, i + 5000))]);
  }
  await c.end();
  return { tokens, storeIds: storeRows.map((s) => s.id) };
}

/** Products the barrier snapshots: every store copies its book for each product in one INSERT … SELECT. */
async function seedProducts(dbUrl, n) {
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  await c.query(`insert into product (id, sku, name, category, unit_cost_cents, unit_price_cents, uom, low_stock_threshold, created_at, updated_at)
                 select gen_random_uuid(), 'F-' || i, 'Fleet bench ' || i, 'Cat ' || (i % 20), 100, 150, 'piece', 5, now(), now() from generate_series(1, $1) i`, [n]);
  await c.end();
}

export async function fleetBench({ dbUrl, tillCounts, barrier, products = 5000, workers = 2, log }) {
  const results = [];
  await seedProducts(dbUrl, products);
  const { hashPassword } = require(join(root, 'server/dist/src/auth/password.js'));
  const admin = new Client({ connectionString: dbUrl });
  await admin.connect();
  await admin.query(`insert into app_user (id, email, name, password_hash, role, store_ids, created_at) values (gen_random_uuid(), 'fleet-bench@x.io', 'Bench', $1, 'admin', '{}', now()) on conflict do nothing`, [await hashPassword('bench-password')]);
  await admin.end();

  for (const { tills, stores, measureBarrier } of [...tillCounts.map((n) => ({ tills: n, stores: Math.max(1, n / 10), measureBarrier: false })), ...(barrier ? [{ ...barrier, measureBarrier: true }] : [])]) {
    const perStore = Math.round(tills / stores);
    const { tokens } = await seedFleet(dbUrl, stores, perStore);
    const port = await freePort();
    const hub = spawn(process.execPath, [join(root, 'server/dist/src/main.js')], {
      env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), DEMO_SEED: 'false', LOG_LEVEL: 'error', DB_POOL_MAX: '20', DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-bench-')), SOCKET_STREAM: `sf-bench:${randomUUID()}` },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) { try { if ((await fetch(`${base}/readyz`)).ok) break; } catch {} await sleep(100); }
    await sleep(1000);
    const baseline = rssMb(hub.pid);
    const t0 = performance.now();
    const sims = [];
    for (let w = 0; w < workers; w++) {
      const slice = tokens.filter((_, i) => i % workers === w);
      const sim = fork(join(root, 'bench/sim-worker.mjs'), [base], { stdio: 'ignore' });
      sim.send({ tokens: slice });
      sims.push(sim);
    }
    const stats = () => Promise.all(sims.map((s) => new Promise((r) => { s.once('message', r); s.send('stats'); })));
    let connected = 0;
    for (let i = 0; i < 1200 && connected < tokens.length; i++) { await sleep(250); connected = (await stats()).reduce((n, s) => n + s.connected, 0); }
    const connectSeconds = (performance.now() - t0) / 1000;
    await sleep(3000); // let the state reports and the fleet notifier settle
    const rss = rssMb(hub.pid);
    const row = { tills: tokens.length, connected, connectSeconds: +connectSeconds.toFixed(1), hubRssMb: +rss.toFixed(0), baselineRssMb: +baseline.toFixed(0), kbPerTill: +(((rss - baseline) * 1024) / tokens.length).toFixed(1) };
    log(`tills ${JSON.stringify(row)}`);
    if (!measureBarrier) results.push({ kind: 'tills', ...row });

    if (measureBarrier) {
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'fleet-bench@x.io', password: 'bench-password' }) });
      const cookie = login.headers.get('set-cookie').split(';')[0];
      const post = (path, body) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body ?? {}) }).then((r) => r.json());
      const c = new Client({ connectionString: dbUrl });
      c.on('error', () => {});
      await c.connect();
      const storeIds = (await c.query(`select s.id from store s join terminal t on t.store_id = s.id where t.token_hash = any($1::text[]) group by s.id`, [tokens.slice(0, tokens.length).map((tk) => createHash('sha256').update(tk).digest('hex'))])).rows.map((r) => r.id);
      const st = await post('/api/stocktakes', { name: 'Barrier bench', scope: { kind: 'stores', storeIds } });
      const tStart = performance.now();
      const started = post(`/api/stocktakes/${st.id}/start`); // polled while the admin's call is in flight
      let counting = 0;
      for (let i = 0; i < 2400 && counting < storeIds.length; i++) {
        await sleep(100);
        counting = Number((await c.query(`select count(*) from stocktake_store where stocktake_id = $1 and status = 'counting'`, [st.id])).rows[0].count);
      }
      const allCounting = (performance.now() - tStart) / 1000;
      await started;
      const per = (await c.query(`select extract(epoch from (snapshot_at - freeze_at)) * 1000 as ms from stocktake_store where stocktake_id = $1 and snapshot_at is not null`, [st.id])).rows.map((r) => Number(r.ms));
      await c.end();
      const b = { kind: 'barrier', products, stores: storeIds.length, tills: tokens.length, storesCounting: counting, allCountingSeconds: +allCounting.toFixed(2), p50Ms: Math.round(pct(per, 50)), p99Ms: Math.round(pct(per, 99)), maxMs: Math.round(Math.max(...per)) };
      log(`barrier ${JSON.stringify(b)}`);
      results.push(b);
    }
    sims.forEach((s) => s.send('close'));
    await sleep(500);
    hub.kill('SIGTERM');
    await sleep(1000);
  }
  return results;
}
