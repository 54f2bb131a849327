// Benchmark f: a hub holding every till of a chain mid-count is SIGKILLed and started again on the same
// port; how long until every till is back in counting (its report of `counting` acknowledged as stored
// by the new hub), measured from the moment the new hub's /readyz answered.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { addAdmin, adminSession, ask, connect, cpuSeconds, forkSim, pct, postgresCpuSeconds, require, root, seedFleet, seedProducts, sleep, startHub, waitConnected } from './lib.mjs';

export async function restartBench({ dbUrl, tills, stores, products = 2000, workers = 2, log }) {
  await seedProducts(dbUrl, products);
  await addAdmin(dbUrl, 'restart-bench@x.io', 'bench-password');
  const fleet = await seedFleet(dbUrl, stores, Math.round(tills / stores));
  const stream = `sf-bench:${randomUUID()}`;
  let hub = await startHub(dbUrl, { stream });
  const sims = [];
  try {
    for (let w = 0; w < workers; w++) sims.push(forkSim(hub.base, fleet.tokens.filter((_, i) => i % workers === w)));
    const { connected, seconds: connectSeconds } = await waitConnected(sims, fleet.tokens.length);
    if (connected < fleet.tokens.length) throw new Error(`only ${connected} of ${fleet.tokens.length} tills connected`);
    log(`restart: ${connected} tills connected in ${connectSeconds.toFixed(1)} s`);

    // Mid-count: a stocktake of every store, all tills counting.
    const post = await adminSession(hub.base, 'restart-bench@x.io', 'bench-password');
    const st = await post('/api/stocktakes', { name: 'Restart bench', graceSeconds: 0, scope: { kind: 'stores', storeIds: fleet.storeIds } });
    await post(`/api/stocktakes/${st.id}/start`);
    const countingTills = () => Promise.all(sims.map((s) => ask(s, 'stats', 'counting'))).then((xs) => xs.reduce((n, x) => n + x.counting, 0));
    let counting = 0;
    for (let end = Date.now() + 120_000; Date.now() < end && counting < fleet.tokens.length; await sleep(250)) counting = await countingTills();
    if (counting < fleet.tokens.length) {
      const where = {};
      for (const x of await Promise.all(sims.map((s) => ask(s, 'stats', 'counting')))) for (const [k, v] of Object.entries(x.where)) where[k] = (where[k] ?? 0) + v;
      const c = await connect(dbUrl);
      const byStatus = (await c.query(`select status, count(*)::int as n from stocktake_store where stocktake_id = $1 group by status`, [st.id])).rows;
      const tillRows = (await c.query(`select desired_mode, reported_mode, online, count(*)::int as n from terminal t join stocktake_store ss on ss.store_id = t.store_id and ss.stocktake_id = $1 group by 1, 2, 3`, [st.id])).rows;
      await c.end();
      throw new Error(`only ${counting} of ${fleet.tokens.length} tills counting before the kill; tills (told/stored): ${JSON.stringify(where)}; stores: ${JSON.stringify(byStatus)}; terminal rows: ${JSON.stringify(tillRows)}`);
    }
    const c = await connect(dbUrl);
    const storesCounting = Number((await c.query(`select count(*) from stocktake_store where stocktake_id = $1 and status = 'counting'`, [st.id])).rows[0].count);
    await c.end();
    log(`restart: ${counting} tills and ${storesCounting} stores counting; killing the hub`);
    await sleep(2000); // settled: no report or fleet change in flight

    // Statements the hub runs for the reconnect (each autocommit statement is a transaction; the stats lag ~0.5 s).
    const xacts = async () => { const c = await connect(dbUrl); try { return Number((await c.query(`select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`)).rows[0].n); } finally { await c.end(); } };
    const xact0 = await xacts();
    await Promise.all(sims.map((s) => ask(s, 'armRestart', 'armed')));
    const killedAt = Date.now();
    await hub.kill9();
    const port = hub.port;
    const simCpu0 = sims.reduce((n, s) => n + cpuSeconds(s.pid), 0);
    const pgCpu0 = postgresCpuSeconds();
    // Started again at once (a supervisor's restart), where the tills look for it; /readyz asked every 20 ms.
    hub = await startHub(dbUrl, { stream, port, pollMs: 20 });
    const hubCpuBoot = cpuSeconds(hub.pid);
    const pgCpuBoot = postgresCpuSeconds();
    const simCpuBoot = sims.reduce((n, s) => n + cpuSeconds(s.pid), 0);
    log(`restart: the new hub answered /readyz ${((hub.readyAt - hub.spawnedAt) / 1000).toFixed(2)} s after it was spawned`);

    // The hub's responsiveness through the storm: /readyz round trips, one at a time, every 50 ms.
    const probes = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        try { await fetch(`${hub.base}/readyz`, { signal: AbortSignal.timeout(30_000) }); probes.push(performance.now() - t); } catch { probes.push(30_000); }
        await sleep(50);
      }
    })();
    // Until every till that dropped has its report of `counting` stored again.
    let back = 0;
    let down = 0;
    const deadline = Date.now() + 120_000;
    const samples = []; // [ms after ready, hub CPU seconds so far]
    for (; Date.now() < deadline; await sleep(100)) {
      const stats = await Promise.all(sims.map((s) => ask(s, 'restartStats', 'restartStats')));
      down = stats.reduce((n, s) => n + s.restartStats.down, 0);
      back = stats.reduce((n, s) => n + s.restartStats.back, 0);
      samples.push([Date.now() - hub.readyAt, cpuSeconds(hub.pid)]);
      if (down === fleet.tokens.length && back === down) break;
    }
    const allBackAt = Date.now();
    probing = false;
    await probe;
    const hubCpuEnd = cpuSeconds(hub.pid);
    const simCpuEnd = sims.reduce((n, s) => n + cpuSeconds(s.pid), 0);
    const pgCpuEnd = postgresCpuSeconds();
    const times = (await Promise.all(sims.map((s) => ask(s, 'restartTimes', 'restartTimes')))).map((m) => m.restartTimes);
    await sleep(1000);
    const xactsReconnect = (await xacts()) - xact0 - 2; // less this bench's own two reads
    const backMs = times.flatMap((t) => t.back.map(([, at]) => at - hub.readyAt));
    const connectMs = times.flatMap((t) => t.back.map(([conn]) => conn - hub.readyAt)); // the tills' own part: their next attempt after /readyz
    const a2c = times.flatMap((t) => t.attemptToConnect);
    const lastAttemptMs = a2c.map(([a]) => a - hub.readyAt); // the successful attempt, after /readyz
    const handshakeMs = a2c.map(([a, c]) => c - a); // that attempt → connected (socket.io handshake and the hub's admission)
    // Split at the engine.io connection being open (TCP, websocket upgrade, engine handshake): before it the
    // transport, after it the namespace connect (the hub's auth middleware: the device token looked up).
    const openMs = a2c.filter(([, , o]) => o !== null).map(([a, , o]) => Math.max(0, o - a));
    const authMs = a2c.filter(([, , o]) => o !== null).map(([, c, o]) => c - Math.max(o, 0));
    const settleMs = times.flatMap((t) => t.back.map(([conn, at]) => at - conn)); // the hub's part: connected → report of counting stored
    const attempts = times.flatMap((t) => t.attempts);
    const connects = times.flatMap((t) => t.connects);
    const refused = times.flatMap((t) => t.refused);
    const transport = {};
    for (const t of times) for (const [k, v] of Object.entries(t.transport)) transport[k] = (transport[k] ?? 0) + v;
    const serverDrops = times.flatMap((t) => t.serverDrops);
    const refusedByCode = {};
    for (const [, code] of refused) refusedByCode[code] = (refusedByCode[code] ?? 0) + 1;
    const reconnectSeconds = Math.max(0.001, (allBackAt - hub.readyAt) / 1000);
    // The hub's busiest second over the reconnect (CPU seconds used in any 1 s window of the samples).
    let peak = 0;
    for (let i = 0, j = 0; i < samples.length; i++) {
      while (samples[i][0] - samples[j][0] > 1000) j++;
      if (samples[i][0] - samples[j][0] >= 500) peak = Math.max(peak, (samples[i][1] - samples[j][1]) / ((samples[i][0] - samples[j][0]) / 1000));
    }
    const r = {
      kind: 'restart', tills: fleet.tokens.length, stores: fleet.storeIds.length, storesCounting,
      down, back, allBack: down === fleet.tokens.length && back === down,
      bootSeconds: +((hub.readyAt - hub.spawnedAt) / 1000).toFixed(2), killToReadySeconds: +((hub.readyAt - killedAt) / 1000).toFixed(2),
      p50Ms: Math.round(pct(backMs, 50)), p99Ms: Math.round(pct(backMs, 99)), maxMs: Math.round(Math.max(...backMs)), minMs: Math.round(Math.min(...backMs)),
      allBackSeconds: +reconnectSeconds.toFixed(2),
      connectedAgain: { p50Ms: Math.round(pct(connectMs, 50)), p99Ms: Math.round(pct(connectMs, 99)), maxMs: Math.round(Math.max(...connectMs)) },
      successfulAttempt: { p50Ms: Math.round(pct(lastAttemptMs, 50)), p99Ms: Math.round(pct(lastAttemptMs, 99)), maxMs: Math.round(Math.max(...lastAttemptMs)) },
      handshake: { p50Ms: Math.round(pct(handshakeMs, 50)), p99Ms: Math.round(pct(handshakeMs, 99)), maxMs: Math.round(Math.max(...handshakeMs)) },
      transportOpen: { p50Ms: Math.round(pct(openMs, 50)), p99Ms: Math.round(pct(openMs, 99)), maxMs: Math.round(Math.max(...openMs)) },
      namespaceConnect: { p50Ms: Math.round(pct(authMs, 50)), p99Ms: Math.round(pct(authMs, 99)), maxMs: Math.round(Math.max(...authMs)) },
      connectToCounting: { p50Ms: Math.round(pct(settleMs, 50)), p99Ms: Math.round(pct(settleMs, 99)), maxMs: Math.round(Math.max(...settleMs)) },
      // Connect attempts: made by the tills' socket.io managers after the kill, split at /readyz; "admitted"
      // are connects the hub accepted, "refused" connect errors the hub answered with a code and
      // connections it set up and then let go (io server disconnect); the rest found nobody listening.
      attempts: attempts.length, attemptsBeforeReady: attempts.filter((t) => t < hub.readyAt).length, attemptsAfterReady: attempts.filter((t) => t >= hub.readyAt).length,
      admitted: connects.length, admittedBeforeReady: connects.filter((t) => t < hub.readyAt).length,
      refused: refused.length + serverDrops.length, refusedByCode, serverDrops: serverDrops.length, transportErrors: transport,
      connectsPerSecondPeak: peakRate(connects),
      dbTransactions: xactsReconnect, dbTransactionsPerTill: +(xactsReconnect / fleet.tokens.length).toFixed(2),
      readyzDuringMs: { n: probes.length, p50: Math.round(pct(probes, 50)), p99: Math.round(pct(probes, 99)), max: Math.round(Math.max(...probes)) },
      cpu: {
        hubBoot: +hubCpuBoot.toFixed(2),
        hubReconnect: +(hubCpuEnd - hubCpuBoot).toFixed(2), hubReconnectPct: Math.round(((hubCpuEnd - hubCpuBoot) / reconnectSeconds) * 100), hubPeakPct: Math.round(peak * 100),
        sims: +(simCpuEnd - simCpuBoot).toFixed(2), simsBoot: +(simCpuBoot - simCpu0).toFixed(2),
        // The machine's cores busy with the reconnect (hub + simulators + PostgreSQL, /readyz → all back): the 2 cores are shared.
        cores: +(((hubCpuEnd - hubCpuBoot) + (simCpuEnd - simCpuBoot) + (pgCpuEnd - pgCpuBoot)) / reconnectSeconds).toFixed(2),
        postgresBoot: +(pgCpuBoot - pgCpu0).toFixed(2), postgresReconnect: +(pgCpuEnd - pgCpuBoot).toFixed(2),
      },
      reconnectPolicy: require(join(root, 'shared/dist/index.js')).TILL_RECONNECT, // what sim-worker's tills (and the kiosk) use
    };
    log(`restart ${JSON.stringify(r)}`);
    return [r];
  } finally {
    sims.forEach((s) => s.send('close'));
    await sleep(500);
    hub.stop();
    await sleep(1000);
  }
}

/** The most connects accepted within any one second. */
function peakRate(ts) {
  const s = [...ts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
