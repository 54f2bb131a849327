// Benchmark c: scan ingest through the real path — tills as socket.io clients sending `count.submit.v1`
// batches to a hub process during a real stocktake in counting state, acknowledged after commit —
// next to, in the same run on the same database, a raw COPY of the same rows and a COPY into a
// staging table + INSERT … SELECT … ON CONFLICT DO NOTHING into a table with count_entry's constraints.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { addAdmin, adminSession, ask, connect, cpuSeconds, forkSim, pct, require, root, seedFleet, seedProducts, sleep, startHub, waitConnected } from './lib.mjs';

const { from: copyFrom, to: copyTo } = require('pg-copy-streams');
const { encodeSgtin96 } = require(join(root, 'shared/dist/index.js'));
const COLS = 'id, stocktake_id, store_id, terminal_id, staff_id, zone_id, product_id, quantity, epc, round, recount_zone_id, recount_task_id, seq, counted_at, received_at';

async function pgBackendPids(c, db) {
  return (await c.query(`select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [db])).rows.map((r) => r.pid);
}
const sumCpu = (pids) => pids.reduce((n, p) => n + cpuSeconds(p), 0);

async function closeAll(sims, hub) {
  await Promise.all(sims.map((s) => new Promise((r) => { if (s.exitCode !== null || !s.connected) return r(); s.once('exit', r); s.send('close'); setTimeout(r, 3000); })));
  if (hub.proc.exitCode === null) { const gone = new Promise((r) => hub.proc.once('exit', r)); hub.stop(); await Promise.race([gone, sleep(12_000)]); }
  await sleep(1000);
}

async function samplePg(dbUrl, db, ms) {
  const c = await connect(dbUrl);
  const seen = new Map();
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const { rows } = await c.query(`select state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as q from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [db]);
    for (const r of rows) { const k = r.state === 'active' ? `active ${r.wait_event_type ?? 'CPU'}:${r.wait_event ?? ''} ${r.q}` : r.state; seen.set(k, (seen.get(k) ?? 0) + 1); }
    await sleep(50);
  }
  await c.end();
  return [...seen].sort((a, b) => b[1] - a[1]).slice(0, 25);
}

async function copyIn(c, sql, file) {
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), c.query(copyFrom(sql)));
}

/**
 * @param o.stores, o.perStore  the fleet counting
 * @param o.products            catalogue size (every product has a GTIN-13 barcode)
 * @param o.batch               entries per `count.submit.v1` (the kiosk sends at most 200)
 * @param o.warmup, o.seconds   seconds before and of the measured window
 * @param o.codeEvery           one entry in this many arrives as a raw barcode for the hub to resolve
 * @param o.rfidTagsPerTill     0: no RFID burst
 */
export async function ingestBench({ dbUrl, stores, perStore, products: nProducts = 5000, batch = 200, warmup = 5, seconds = 20, codeEvery = 10, rfidTagsPerTill = 0, workers = 2, hubEnv = {}, log }) {
  const db = new URL(dbUrl).pathname.slice(1);
  const products = await seedProducts(dbUrl, nProducts, { barcodes: true, prefix: 'I' });
  const fleet = await seedFleet(dbUrl, stores, perStore, { zonesPerStore: 4 });
  await addAdmin(dbUrl, 'ingest-bench@x.io', 'bench-password');
  const hub = await startHub(dbUrl, { env: hubEnv });
  const sims = [];
  for (let w = 0; w < workers; w++) sims.push(forkSim(hub.base, fleet.tills.filter((_, i) => i % workers === w)));
  const results = [];
  const c = await connect(dbUrl);
  const dir = mkdtempSync(join(tmpdir(), 'sf-ingest-'));
  try {
    const { connected } = await waitConnected(sims, fleet.tills.length);
    log(`ingest: ${connected} tills connected`);
    const post = await adminSession(hub.base, 'ingest-bench@x.io', 'bench-password');
    const st = await post('/api/stocktakes', { name: 'Ingest bench', scope: { kind: 'stores', storeIds: fleet.storeIds } });
    await post(`/api/stocktakes/${st.id}/start`);
    for (let i = 0; i < 600; i++) {
      const n = Number((await c.query(`select count(*) from stocktake_store where stocktake_id = $1 and status = 'counting'`, [st.id])).rows[0].count);
      const tills = (await Promise.all(sims.map((s) => ask(s, 'stats', 'counting')))).reduce((x, s) => x + s.counting, 0);
      if (n === fleet.storeIds.length && tills === fleet.tills.length) break;
      await sleep(200);
    }
    log(`ingest: stocktake counting in ${fleet.storeIds.length} stores`);

    // ---- RFID burst first, on an empty count: EPC reads only (the hub decodes SGTIN-96 and resolves the GTIN), each tag read by two tills ----
    let rfid = null;
    if (rfidTagsPerTill) {
      const perStoreTags = (perStore + 1) * (rfidTagsPerTill / 2);
      const epcs = Array.from({ length: perStoreTags }, (_, t) => encodeSgtin96({ gtin: products[t % products.length].gtin, companyPrefixLength: 7, serial: String(t + 1) }));
      const r0 = performance.now();
      const sampledR = process.env.BENCH_PG_SAMPLE ? samplePg(dbUrl, db, 5000) : null;
      await Promise.all(sims.map((s) => ask(s, { rfid: { stocktakeId: st.id, batch, zonesByStore: fleet.zonesByStore, epcs, tagsPerTill: rfidTagsPerTill, seqBase: 1_000_000_000 } }, 'rfidDone')));
      const rs = (performance.now() - r0) / 1000;
      if (sampledR) log(`pg activity samples (RFID):\n${(await sampledR).map(([k, n]) => `    ${String(n).padStart(5)}  ${k}`).join('\n')}`);
      const r = (await Promise.all(sims.map((s) => ask(s, 'scanStats', 'scan')))).reduce((t, { scan }) => ({ accepted: t.accepted + scan.accepted, duplicate: t.duplicate + scan.duplicate, rejected: t.rejected + scan.rejected }), { accepted: 0, duplicate: 0, rejected: 0 });
      const tags = Number((await c.query(`select count(*) from count_entry where stocktake_id = $1 and epc is not null`, [st.id])).rows[0].count);
      const uniqueTags = stores * perStoreTags;
      rfid = { reads: r.accepted + r.duplicate + r.rejected, ...r, seconds: +rs.toFixed(2), readsPerSecond: Math.round((r.accepted + r.duplicate + r.rejected) / rs), tagsStored: tags, uniqueTags, oncePerTag: tags === uniqueTags && r.accepted === uniqueTags };
      log(`rfid ${JSON.stringify(rfid)}`);
    }

    // ---- sustained barcode counting: closed loop, one batch in flight per till ----
    const cfg = { stocktakeId: st.id, batch, zonesByStore: fleet.zonesByStore, products, codeEvery, seqBase: 0 };
    const acked = async () => (await Promise.all(sims.map((s) => ask(s, 'scanStats', 'scan')))).reduce((n, { scan }) => n + scan.accepted + scan.duplicate + scan.rejected, 0);
    sims.forEach((s) => s.send({ count: cfg }));
    await sleep(warmup * 1000);
    const pgPids = await pgBackendPids(c, db);
    const cpu0 = { hub: cpuSeconds(hub.pid), sims: sims.reduce((n, s) => n + cpuSeconds(s.pid), 0), pg: sumCpu(pgPids) };
    const a0 = await acked();
    const t0 = performance.now();
    const sampled = process.env.BENCH_PG_SAMPLE ? samplePg(dbUrl, db, seconds * 1000) : null; // what the backends are busy with
    await sleep(seconds * 1000);
    const a1 = await acked();
    if (sampled) log(`pg activity samples:\n${(await sampled).map(([k, n]) => `    ${String(n).padStart(5)}  ${k}`).join('\n')}`);
    const wall = (performance.now() - t0) / 1000;
    const cpu1 = { hub: cpuSeconds(hub.pid), sims: sims.reduce((n, s) => n + cpuSeconds(s.pid), 0), pg: sumCpu(pgPids) };
    const stopped = await Promise.all(sims.map((s) => ask(s, 'stopCount', 'stopped')));
    const tot = stopped.reduce((t, { stopped: s }) => ({ accepted: t.accepted + s.accepted, duplicate: t.duplicate + s.duplicate, rejected: t.rejected + s.rejected, batches: t.batches + s.batches, failed: t.failed + s.failed, retried: t.retried + s.retried, sent: t.sent + s.sent, codes: { ...t.codes, ...s.rejectCodes } }),
      { accepted: 0, duplicate: 0, rejected: 0, batches: 0, failed: 0, retried: 0, sent: 0, codes: {} });
    const lat = stopped.flatMap((s) => s.latencies);
    const scansPerSecond = Math.round((a1 - a0) / wall);
    const cpuPct = (k) => Math.round(((cpu1[k] - cpu0[k]) / wall) * 100);
    const stored = Number((await c.query(`select count(*) from count_entry where stocktake_id = $1 and epc is null`, [st.id])).rows[0].count);
    const resent = (await Promise.all(sims.map((s) => ask(s, { resend: st.id }, 'resent')))).reduce((t, { resent: r }) => ({ entries: t.entries + r.entries, duplicate: t.duplicate + r.duplicate }), { entries: 0, duplicate: 0 });
    const storedAfter = Number((await c.query(`select count(*) from count_entry where stocktake_id = $1 and epc is null`, [st.id])).rows[0].count);
    const ingest = {
      tills: fleet.tills.length, stores, batch, seconds: +wall.toFixed(1), scansPerSecond, ...tot,
      stored, exactlyOnce: stored === tot.accepted && storedAfter === stored, resent: resent.entries, resentDuplicate: resent.duplicate,
      ackP50Ms: Math.round(pct(lat, 50)), ackP99Ms: Math.round(pct(lat, 99)),
      cpu: { hub: cpuPct('hub'), sims: cpuPct('sims'), pg: cpuPct('pg') },
      // Less sensitive to what else the shared machine runs: scans per CPU-second of hub + tills + PostgreSQL.
      scansPerCpuSecond: Math.round((a1 - a0) / (cpu1.hub - cpu0.hub + cpu1.sims - cpu0.sims + cpu1.pg - cpu0.pg)),
    };
    log(`ingest ${JSON.stringify(ingest)}`);

    // ---- baselines on the same database, with the same rows (the barcode ones), with the tills and the hub gone ----
    await closeAll(sims, hub);
    const file = join(dir, 'rows.copy');
    await pipeline(c.query(copyTo(`copy (select ${COLS} from count_entry where stocktake_id = '${st.id}' and epc is null) to stdout`)), createWriteStream(file));
    const rows = stored;
    log(`baselines: ${rows} rows, ${(statSync(file).size / 1e6).toFixed(0)} MB of COPY text`);
    await c.query(`drop table if exists bench_copy, bench_copy_bare, bench_upsert`);
    await c.query(`create table bench_copy (like count_entry including all)`);
    await c.query(`create table bench_copy_bare (like count_entry including defaults)`);
    await c.query(`create table bench_upsert (like count_entry including all)`);
    let t = performance.now();
    await copyIn(c, `copy bench_copy (${COLS}) from stdin`, file);
    const copySeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await c.query('begin');
    await c.query(`create temp table bench_stage (like count_entry including defaults) on commit drop`);
    await copyIn(c, `copy bench_stage (${COLS}) from stdin`, file);
    const ins = await c.query(`insert into bench_upsert (${COLS}) select ${COLS} from bench_stage on conflict do nothing`);
    await c.query('commit');
    const stagingSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await copyIn(c, `copy bench_copy_bare (${COLS}) from stdin`, file);
    const bareSeconds = (performance.now() - t) / 1000;
    await c.query(`drop table if exists bench_copy, bench_copy_bare, bench_upsert`);
    const copyRate = Math.round(rows / copySeconds);
    const stagingRate = Math.round(rows / stagingSeconds);
    const baselines = {
      rows, copyPerSecond: copyRate, copySeconds: +copySeconds.toFixed(2), stagingPerSecond: stagingRate, stagingSeconds: +stagingSeconds.toFixed(2), stagingInserted: ins.rowCount,
      bareCopyPerSecond: Math.round(rows / bareSeconds), ratioCopy: +(scansPerSecond / copyRate).toFixed(3), ratioStaging: +(scansPerSecond / stagingRate).toFixed(3),
    };
    log(`baselines ${JSON.stringify(baselines)}`);
    results.push({ kind: 'ingest', ...ingest, ...baselines, rfid });
  } finally {
    await closeAll(sims, hub);
    await c.end();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
