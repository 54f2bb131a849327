// Helpers shared by the benchmarks: hub processes, fleet seeding, simulator IPC, CPU accounting.
import { fork, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;
export const require = createRequire(join(root, 'server', 'package.json'));
export const { Client } = require('pg');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); }); });
export const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
export const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
export const gtin13 = (n) => { const body = `978${String(n).padStart(9, '0')}`; let sum = 0; for (let i = 0; i < 12; i++) sum += Number(body[11 - i]) * (i % 2 === 0 ? 3 : 1); return body + ((10 - (sum % 10)) % 10); };

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every PostgreSQL process of this machine (server and backends). */
export function postgresCpuSeconds() {
  let n = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try { if (readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) n += cpuSeconds(pid); } catch { /* gone */ }
  }
  return n;
}

/** A connected pg client that does not crash the benchmark when the server drops it. */
export async function connect(url) {
  const c = new Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  return c;
}

/** Creates `stores` stores with `perStore` paired tills straight in SQL; returns the tills and stores. */
export async function seedFleet(dbUrl, stores, perStore, { zonesPerStore = 0 } = {}) {
  const c = await connect(dbUrl);
  const round = randomUUID().slice(0, 6);
  const chain = randomUUID();
  const region = randomUUID();
  await c.query(`insert into chain (id, name) values ($1, 'Bench chain')`, [chain]);
  await c.query(`insert into region (id, chain_id, name) values ($1, $2, 'Bench')`, [region, chain]);
  const storeRows = Array.from({ length: stores }, (_, i) => ({ id: randomUUID(), code: `B${round}-${String(i).padStart(5, '0')}` }));
  await c.query(`insert into store (id, region_id, code, name, timezone) select id, $1, code, code, 'UTC' from jsonb_to_recordset($2::jsonb) as x(id uuid, code text)`, [region, JSON.stringify(storeRows)]);
  const zonesByStore = {};
  if (zonesPerStore) {
    const zones = [];
    for (const s of storeRows) {
      zonesByStore[s.id] = [];
      for (let z = 0; z < zonesPerStore; z++) { const id = randomUUID(); zonesByStore[s.id].push(id); zones.push({ id, store_id: s.id, code: `A${z + 1}` }); }
    }
    await c.query(`insert into zone (id, store_id, code, name, kind) select id, store_id, code, 'Aisle ' || code, 'aisle' from jsonb_to_recordset($1::jsonb) as x(id uuid, store_id uuid, code text)`, [JSON.stringify(zones)]);
  }
  const tills = [];
  const rows = [];
  for (const s of storeRows) for (let t = 0; t < perStore; t++) {
    const token = randomUUID() + randomUUID();
    tills.push({ token, storeId: s.id, slot: t });
    rows.push({ id: randomUUID(), store_id: s.id, name: `${s.code}-T${t}`, token_hash: createHash('sha256').update(token).digest('hex') });
  }
  for (let i = 0; i < rows.length; i += 5000) {
    await c.query(`insert into terminal (id, store_id, name, token_hash, created_at, paired_at, desired_mode, desired_epoch, desired_reason, desired_since, remote_locked, online)
      select id, store_id, name, token_hash, now(), now(), 'selling', 0, '{"kind":"none","stocktakeId":null,"practice":false,"by":null,"message":null}'::jsonb, now(), false, false
        from jsonb_to_recordset($1::jsonb) as x(id uuid, store_id uuid, name text, token_hash text)`, [JSON.stringify(rows.slice(i, i + 5000))]);
  }
  await c.end();
  return { tills, tokens: tills.map((t) => t.token), storeIds: storeRows.map((s) => s.id), zonesByStore };
}

/** Products the barrier snapshots and the counts scan; with barcodes (GTIN-13 `gtin13(i)`) when asked. */
export async function seedProducts(dbUrl, n, { barcodes = false, prefix = 'F' } = {}) {
  const c = await connect(dbUrl);
  const { rows } = await c.query(`insert into product (id, sku, name, category, unit_cost_cents, unit_price_cents, uom, low_stock_threshold, created_at, updated_at)
                 select gen_random_uuid(), $2 || '-' || i, 'Bench product ' || i, 'Cat ' || (i % 20), 100, 150, 'piece', 5, now(), now() from generate_series(1, $1) i
                 returning id, sku`, [n, prefix]);
  const products = rows.map((r) => ({ id: r.id, n: Number(r.sku.slice(prefix.length + 1)) })).sort((a, b) => a.n - b.n).map((p) => ({ id: p.id, gtin: gtin13(p.n) }));
  if (barcodes) {
    for (let i = 0; i < products.length; i += 5000) {
      await c.query(`insert into barcode (code, product_id, kind, multiplier) select code, id, 'gtin', 1 from jsonb_to_recordset($1::jsonb) as x(code text, id uuid)`,
        [JSON.stringify(products.slice(i, i + 5000).map((p) => ({ code: p.gtin, id: p.id })))]);
    }
  }
  await c.end();
  return products;
}

export async function addAdmin(dbUrl, email, password) {
  const { hashPassword } = require(join(root, 'server/dist/src/auth/password.js'));
  const c = await connect(dbUrl);
  await c.query(`insert into app_user (id, email, name, password_hash, role, store_ids, created_at) values (gen_random_uuid(), $1, 'Bench', $2, 'admin', '{}', now()) on conflict do nothing`, [email, await hashPassword(password)]);
  await c.end();
}

/**
 * Starts a hub process (the built server) and waits until it is ready. `port`: a given one (a hub
 * restarted where its tills look for it); `pollMs`: how often /readyz is asked. Returns when it was
 * spawned and when /readyz first answered (Date.now() of this process).
 */
export async function startHub(dbUrl, { stream = `sf-bench:${randomUUID()}`, env = {}, port: wanted, pollMs = 100 } = {}) {
  const port = wanted ?? await freePort();
  // BENCH_HUB_NODE_ARGS: extra node flags for the hub processes (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof) when looking for a bottleneck.
  const nodeArgs = (process.env.BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const dataDir = mkdtempSync(join(tmpdir(), 'sf-bench-'));
  const spawnedAt = Date.now();
  const proc = spawn(process.execPath, [...nodeArgs, join(root, 'server/dist/src/main.js')], {
    env: { ...process.env, DATABASE_URL: dbUrl, PORT: String(port), DEMO_SEED: 'false', LOG_LEVEL: process.env.BENCH_HUB_LOG_LEVEL ?? 'error', DB_POOL_MAX: '20', DATA_DIR: dataDir, SOCKET_STREAM: stream, ...env },
    // BENCH_HUB_LOG=/tmp/hub.log (and BENCH_HUB_LOG_LEVEL=debug): the hub processes' output goes there while looking for a bottleneck.
    stdio: process.env.BENCH_HUB_LOG ? ['ignore', openSync(process.env.BENCH_HUB_LOG, 'a'), openSync(process.env.BENCH_HUB_LOG, 'a')] : 'ignore',
  });
  let exited = false;
  proc.once('exit', () => { exited = true; rmSync(dataDir, { recursive: true, force: true }); });
  const base = `http://127.0.0.1:${port}`;
  let readyAt = null;
  for (let end = Date.now() + 60_000; Date.now() < end && !exited;) {
    try { if ((await fetch(`${base}/readyz`)).ok) { readyAt = Date.now(); break; } } catch {}
    await sleep(pollMs);
  }
  if (readyAt === null) throw new Error(`the hub on port ${port} did not become ready${exited ? ' (it exited)' : ''}`);
  return { proc, base, port, pid: proc.pid, spawnedAt, readyAt, stop: () => proc.kill('SIGTERM'), kill9: () => new Promise((r) => { if (exited) return r(); proc.once('exit', r); proc.kill('SIGKILL'); }) };
}

export async function adminSession(base, email, password) {
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const cookie = login.headers.get('set-cookie').split(';')[0];
  return (path, body) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body ?? {}) }).then((r) => r.json());
}

/** Forks a simulator process holding `tills` against the hub at `base`. */
export function forkSim(base, tills) {
  const sim = fork(join(root, 'bench/sim-worker.mjs'), [base], { stdio: 'ignore' });
  sim.send({ tokens: tills });
  return sim;
}

/** Sends a message to a simulator and waits for its answer carrying `key`. */
export const ask = (sim, msg, key) => new Promise((resolve) => {
  const on = (m) => { if (m && m[key] !== undefined) { sim.off('message', on); resolve(m); } };
  sim.on('message', on);
  sim.send(msg);
});

/** Waits until every simulator holds all its tills connected; returns seconds taken and the count. */
export async function waitConnected(sims, total, t0 = performance.now()) {
  let connected = 0;
  for (let i = 0; i < 1200 && connected < total; i++) {
    await sleep(250);
    connected = (await Promise.all(sims.map((s) => ask(s, 'stats', 'connected')))).reduce((n, s) => n + s.connected, 0);
  }
  return { connected, seconds: (performance.now() - t0) / 1000 };
}
