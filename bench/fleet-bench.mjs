// Benchmarks a: tills held by one hub process and hub memory per till; b: the freeze barrier;
// d: the freeze barrier with two hub processes sharing the Redis streams adapter and the database.
import { randomUUID } from 'node:crypto';
import { addAdmin, adminSession, ask, connect, forkSim, pct, rssMb, seedFleet, seedProducts, sleep, startHub, waitConnected } from './lib.mjs';

/**
 * One run per entry of `tillCounts` (memory), then `barrier` (one hub) and `barriers` (each with its
 * own number of hubs: tills split between them, the admin's call made on the first).
 */
export async function fleetBench({ dbUrl, tillCounts, barrier, barriers = [], products = 5000, workers = 2, log }) {
  const results = [];
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
      // Tills of every hub really reached counting (the second hub's tills hear it through the adapter):
      // a till counts once the hub has acknowledged its report of the counting state.
      let tillsCounting = 0;
      for (let i = 0; i < 120 && tillsCounting < fleet.tokens.length; i++) {
        tillsCounting = (await Promise.all(sims.map((s) => ask(s, 'stats', 'counting')))).reduce((n, s) => n + s.counting, 0);
        if (tillsCounting < fleet.tokens.length) await sleep(250);
      }
      const tillsCountingSeconds = (performance.now() - tStart) / 1000;
      await c.end();
      const b = { kind: 'barrier', hubs: hubCount, products, stores: storeIds.length, tills: fleet.tokens.length, storesCounting: counting, tillsCounting, allCountingSeconds: +allCounting.toFixed(2), tillsCountingSeconds: +tillsCountingSeconds.toFixed(2), p50Ms: Math.round(pct(per, 50)), p99Ms: Math.round(pct(per, 99)), maxMs: Math.round(Math.max(...per)) };
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
