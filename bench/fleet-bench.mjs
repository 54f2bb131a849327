// Benchmarks a: tills held by one hub process and hub memory per till; b: the freeze barrier;
// d: the freeze barrier with two hub processes sharing the Redis streams adapter and the database.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { addAdmin, adminSession, ask, connect, cpuSeconds, forkSim, freePort, postgresCpuSeconds, pct, root, rssMb, seedFleet, seedProducts, sleep, startHub, waitConnected } from './lib.mjs';

/**
 * One run per entry of `tillCounts` (memory), then `barrier` (one hub) and `barriers` (each with its
 * own number of hubs: tills split between them, the admin's call made on the first).
 */
export async function fleetBench({ dbUrl, tillCounts, barrier, barriers = [], floor = null, products = 5000, workers = 2, log }) {
  const results = [];
  if (floor) results.push(await floorBench({ ...floor, workers, log }));
  if (!tillCounts.length && !barrier && !barriers.length) return results;
  await seedProducts(dbUrl, products);
  await addAdmin(dbUrl, 'fleet-bench@x.io', 'bench-password');

  const runs = [
    ...tillCounts.map((n) => ({ tills: n, stores: Math.max(1, n / 10), measureBarrier: false, hubs: 1 })),
    ...(barrier ? [{ ...barrier, measureBarrier: true, hubs: 1 }] : []),
    ...barriers.map((b) => ({ ...b, measureBarrier: true })),
  ];
  for (const { tills, stores, measureBarrier, hubs: hubCount } of runs) {
    const perStore = Math.round(tills / stores);
    const fleet = await seedFleet(dbUrl, stores, perStore);
    const stream = `sf-bench:${randomUUID()}`; // one stream per run: the hubs of a run share it
    const hubs = [];
    for (let h = 0; h < hubCount; h++) hubs.push(await startHub(dbUrl, { stream }));
    await sleep(1000);
    const baseline = hubs.reduce((n, h) => n + rssMb(h.pid), 0);
    const t0 = performance.now();
    const sims = [];
    const nSims = Math.max(workers, hubCount);
    for (let w = 0; w < nSims; w++) sims.push(forkSim(hubs[w % hubCount].base, fleet.tokens.filter((_, i) => i % nSims === w)));
    const { connected, seconds: connectSeconds } = await waitConnected(sims, fleet.tokens.length, t0);
    // Memory held, not garbage of the connection storm: the lowest of the RSS samples taken 3–10 s after
    // the last till connected (the state reports and the fleet notifier have settled, and V8 collects
    // once allocation stops).
    await sleep(3000);
    let rss = Infinity;
    for (let i = 0; i < 15; i++) {
      rss = Math.min(rss, hubs.reduce((n, h) => n + rssMb(h.pid), 0));
      await sleep(500);
    }
    const row = { tills: fleet.tokens.length, hubs: hubCount, connected, connectSeconds: +connectSeconds.toFixed(1), hubRssMb: +rss.toFixed(0), baselineRssMb: +baseline.toFixed(0), kbPerTill: +(((rss - baseline) * 1024) / fleet.tokens.length).toFixed(1) };
    log(`tills ${JSON.stringify(row)}`);
    if (!measureBarrier) results.push({ kind: 'tills', ...row });

    if (measureBarrier) {
      const post = await adminSession(hubs[0].base, 'fleet-bench@x.io', 'bench-password');
      const c = await connect(dbUrl);
      const storeIds = fleet.storeIds;
      const st = await post('/api/stocktakes', { name: 'Barrier bench', scope: { kind: 'stores', storeIds } });
      // CPU seconds each side spends on the barrier (the machine's cores are shared by all of them).
      const cpu = () => ({ hub: hubs.reduce((n, h) => n + cpuSeconds(h.pid), 0), sims: sims.reduce((n, s) => n + cpuSeconds(s.pid), 0), postgres: postgresCpuSeconds() });
      const cpu0 = cpu();
      const tStart = performance.now();
      const started = post(`/api/stocktakes/${st.id}/start`); // polled while the admin's call is in flight
      let counting = 0;
      for (let i = 0; i < 2400 && counting < storeIds.length; i++) {
        await sleep(100);
        counting = Number((await c.query(`select count(*) from stocktake_store where stocktake_id = $1 and status = 'counting'`, [st.id])).rows[0].count);
      }
      const allCounting = (performance.now() - tStart) / 1000;
      const cpu1 = cpu();
      await started;
      const per = (await c.query(`select extract(epoch from (snapshot_at - freeze_at)) * 1000 as ms from stocktake_store where stocktake_id = $1 and snapshot_at is not null`, [st.id])).rows.map((r) => Number(r.ms));
      // Tills of every hub really reached counting (the second hub's tills hear it through the adapter):
      // a till counts once the hub has acknowledged its report of the counting state.
      let tillsCounting = 0;
      let dropped = {};
      for (let i = 0; i < 120 && tillsCounting < fleet.tokens.length; i++) {
        const stats = await Promise.all(sims.map((s) => ask(s, 'stats', 'counting')));
        tillsCounting = stats.reduce((n, s) => n + s.counting, 0);
        dropped = stats.reduce((d, s) => { for (const [k, v] of Object.entries(s.dropped)) d[k] = (d[k] ?? 0) + v; return d; }, {});
        if (tillsCounting < fleet.tokens.length) await sleep(250);
      }
      const tillsCountingSeconds = (performance.now() - tStart) / 1000;
      const cpu2 = cpu();
      await c.end();
      const b = { kind: 'barrier', hubs: hubCount, products, stores: storeIds.length, tills: fleet.tokens.length, storesCounting: counting, tillsCounting, allCountingSeconds: +allCounting.toFixed(2), tillsCountingSeconds: +tillsCountingSeconds.toFixed(2), p50Ms: Math.round(pct(per, 50)), p99Ms: Math.round(pct(per, 99)), maxMs: Math.round(Math.max(...per)), cpuToAllCounting: cpuSpent(cpu0, cpu1), cpuToTillsCounting: cpuSpent(cpu0, cpu2), dropped };
      log(`barrier ${JSON.stringify(b)}`);
      results.push(b);
    }
    sims.forEach((s) => s.send('close'));
    await sleep(500);
    hubs.forEach((h) => h.stop());
    await sleep(1000);
  }
  return results;
}

/**
 * The same barrier against a bare socket.io server (bench/floor-hub.mjs: no database, no application), with
 * the same simulator tills: the transport's own cost on this machine, as the baseline of the barrier.
 */
async function floorBench({ tills, stores, workers, log }) {
  const port = await freePort();
  const proc = fork(join(root, 'bench/floor-hub.mjs'), [String(port)], { stdio: 'ignore' });
  await new Promise((r) => proc.once('message', r));
  const perStore = Math.round(tills / stores);
  const all = Array.from({ length: stores * perStore }, (_, i) => ({ token: `s${Math.floor(i / perStore)}:${i}`, storeId: `s${Math.floor(i / perStore)}`, slot: i % perStore }));
  const sims = [];
  for (let w = 0; w < workers; w++) sims.push(forkSim(`http://127.0.0.1:${port}`, all.filter((_, i) => i % workers === w)));
  const { connected } = await waitConnected(sims, all.length);
  await sleep(3000);
  const cpu = () => ({ hub: cpuSeconds(proc.pid), sims: sims.reduce((n, s) => n + cpuSeconds(s.pid), 0) });
  const cpu0 = cpu();
  const done = new Promise((r) => proc.on('message', (m) => m?.floor && r(m.floor)));
  proc.send('freeze');
  const f = await Promise.race([done, sleep(120_000).then(() => null)]);
  const cpu1 = cpu();
  sims.forEach((s) => s.send('close'));
  proc.send('close');
  await sleep(1000);
  if (!f) throw new Error('the floor barrier did not finish in 120 s');
  const row = {
    kind: 'floor', tills: all.length, stores, connected, pushMs: Math.round(f.pushMs), p50Ms: Math.round(pct(f.passedMs, 50)), p99Ms: Math.round(pct(f.passedMs, 99)),
    maxMs: Math.round(Math.max(...f.passedMs)), storesPassed: f.passedMs.length, allCountingSeconds: +(f.allCountingMs / 1000).toFixed(2),
    cpu: cpuSpent(cpu0, cpu1),
  };
  log(`floor ${JSON.stringify(row)}`);
  return row;
}

/** CPU seconds spent between two readings of the same processes, per group. */
const cpuSpent = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, +(b[k] - a[k]).toFixed(2)]));
