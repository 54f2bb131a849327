// One simulator process: holds many tills as real socket.io clients (websocket transport) that
// obey their desired state at once, as a till with an empty outbox does. Talks to its parent over IPC.
// Each till reconnects with the kiosk's policy (TILL_RECONNECT) and reports its state as the kiosk does
// (shared StateReporter: on every desired state, again on every connect, re-sent until the hub
// acknowledges it stored). On request the tills also count: closed-loop `count.submit.v1` batches (one
// batch in flight per till, kept and re-sent until the hub acknowledges it after commit, as the kiosk's
// outbox does), or an RFID burst (EPC reads, neighbouring tills reading half of each other's tags).
// For the restart bench (`armRestart`) each till records when it dropped, every connect attempt and how
// it ended, and when the hub acknowledged its report of `counting` again.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'package.json'));
const { io } = require('socket.io-client');
// The ids the kiosk gives its entries, and the kiosk's reconnect and report policies (built shared/).
const { uuidv7, TILL_RECONNECT, TILL_RECONNECT_BACKOFF, TILL_STATE_RESEND, StateReporter, backoffDelay, isPermanentRefusal } = require(join(root, 'shared/dist/index.js'));
if (!TILL_RECONNECT || !StateReporter) throw new Error('shared/dist has no TILL_RECONNECT / StateReporter: run npm run build:shared');
const url = process.argv[2];
let tills = []; // { token, storeId, slot } — slot: the till's index within its store
let connected = 0;
let reportedFrozen = 0;
const dropped = {}; // disconnect reason → how many times (a till that drops reconnects, as the kiosk does)
const sockets = [];
const modes = new Map(); // socket index → mode last acknowledged as stored
const reporters = [];
const serverDrops = [];
const desiredModes = []; // socket index → mode last told // socket index → drops by the hub in a row (the backoff of its next connect)

// ---- restart tracking ----------------------------------------------------------------------------
const restart = { armed: false, down: new Map(), connectedAgain: new Map(), lastAttempt: new Map(), attemptToConnect: new Map(), opened: new Map(), back: new Map(), attempts: [], connects: [], refused: [], transport: {}, serverDrops: [] };

function stateOf(mode, epoch) {
  return { mode, epoch, appVersion: 'sim', scanner: { kind: 'simulated', status: 'ready' }, outboxDepth: 0, lastSaleSeq: 0 };
}

function stored(i, mode) {
  if (mode === 'frozen' && modes.get(i) !== 'frozen') reportedFrozen++;
  modes.set(i, mode);
  if (restart.armed && mode === 'counting' && restart.down.has(i) && !restart.back.has(i) && restart.connectedAgain.has(i)) restart.back.set(i, Date.now());
}

async function connectAll() {
  // Connect in waves so the hub sees a realistic storm, not one synchronous burst from one event loop tick.
  for (let i = 0; i < tills.length; i++) {
    const s = io(`${url}/till`, { path: '/socket.io', transports: ['websocket'], auth: { token: tills[i].token }, reconnection: true, forceNew: true, ...TILL_RECONNECT });
    const reporter = new StateReporter({
      connected: () => s.connected,
      send: (state) => s.timeout(TILL_STATE_RESEND.ackTimeoutMs).emitWithAck('till.state.v1', state).then(
        (ack) => {
          if (ack?.ok) { stored(i, state.mode); return 'stored'; }
          return ack?.error && (ack.error.permanent ?? isPermanentRefusal?.(ack.error.code)) ? 'permanent' : 'retry';
        },
        () => 'retry'),
    });
    s.on('connect', () => {
      connected++;
      serverDrops[i] = 0;
      if (restart.armed) {
        restart.connects.push(Date.now());
        if (restart.down.has(i) && !restart.connectedAgain.has(i)) restart.connectedAgain.set(i, Date.now());
        if (restart.lastAttempt.has(i) && !restart.attemptToConnect.has(i)) restart.attemptToConnect.set(i, [restart.lastAttempt.get(i), Date.now(), restart.opened.get(i) ?? null]);
      }
      reporter.connectedNow();
    });
    s.on('disconnect', (reason) => {
      dropped[reason] = (dropped[reason] ?? 0) + 1;
      reporter.disconnectedNow();
      if (restart.armed && !restart.down.has(i)) restart.down.set(i, Date.now());
      if (reason === 'io server disconnect') {
        // The hub let go on purpose (it could not set the connection up): socket.io does not retry
        // that by itself; the kiosk connects again after a jittered delay.
        if (restart.armed) restart.serverDrops.push(Date.now());
        serverDrops[i] = (serverDrops[i] ?? 0) + 1;
        setTimeout(() => s.connect(), backoffDelay(serverDrops[i] - 1, TILL_RECONNECT_BACKOFF));
      }
    });
    s.on('connect_error', (e) => {
      if (!restart.armed) return;
      const code = e?.data?.code;
      if (code) restart.refused.push([Date.now(), code]);
      else restart.transport[e?.message ?? 'error'] = (restart.transport[e?.message ?? 'error'] ?? 0) + 1;
    });
    s.io.on('open', () => { if (restart.armed && !restart.opened.has(i) && restart.down.has(i)) restart.opened.set(i, Date.now()); });
    s.io.on('reconnect_attempt', () => { if (restart.armed) { restart.attempts.push(Date.now()); restart.lastAttempt.set(i, Date.now()); } });
    s.on('till.desired.v1', (d) => { desiredModes[i] = d.mode; reporter.report(stateOf(d.mode, d.epoch), true); });
    sockets.push(s);
    reporters.push(reporter);
    if (i % 200 === 199) await new Promise((r) => setTimeout(r, 50));
  }
}

// ---- counting ---------------------------------------------------------------------------------

const scan = { running: false, accepted: 0, duplicate: 0, rejected: 0, batches: 0, failed: 0, retried: 0, sent: 0, latencies: [], rejectCodes: {}, firstSentAt: 0, lastAckAt: 0, loops: 0 };
const firstBatches = new Map(); // socket index → its first acknowledged batch (re-sent at the end: must come back duplicate)

/** Sends one batch until the hub acknowledges it (ok: per-entry results) — as the kiosk outbox does. */
async function deliver(s, stocktakeId, entries) {
  for (;;) {
    const t0 = performance.now();
    let ack;
    try {
      ack = await s.timeout(120_000).emitWithAck('count.submit.v1', { stocktakeId, entries });
    } catch {
      scan.retried++;
      continue; // no answer: keep the lines, send them again (idempotent on the hub)
    }
    if (!ack?.ok) {
      scan.failed++;
      const code = ack?.error?.code ?? 'NO_ACK';
      scan.rejectCodes[`batch:${code}`] = (scan.rejectCodes[`batch:${code}`] ?? 0) + 1;
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    scan.latencies.push(performance.now() - t0);
    if (scan.latencies.length > 20_000) scan.latencies.splice(0, 10_000);
    scan.lastAckAt = Date.now();
    return ack.data.results;
  }
}

function tally(results) {
  scan.batches++;
  for (const r of results) {
    if (r.status === 'accepted') scan.accepted++;
    else if (r.status === 'duplicate') scan.duplicate++;
    else { scan.rejected++; scan.rejectCodes[r.code] = (scan.rejectCodes[r.code] ?? 0) + 1; }
  }
}

/** Barcode counting: each till sends batch after batch (one in flight) until told to stop. */
async function countLoop(i, cfg) {
  const s = sockets[i];
  const { storeId } = tills[i];
  const zones = cfg.zonesByStore[storeId];
  const staffId = randomUUID();
  let seq = cfg.seqBase ?? 0;
  let n = i * 7919;
  while (scan.running) {
    const zoneId = zones[(seq / cfg.batch) % zones.length | 0];
    const at = Date.now();
    const entries = new Array(cfg.batch);
    for (let k = 0; k < cfg.batch; k++) {
      const p = cfg.products[(n = (n + 104_729) % cfg.products.length)];
      // Most scans arrive resolved by the till's own catalogue; a share arrive as the raw code for the hub to resolve.
      entries[k] = (k % cfg.codeEvery === 0)
        ? { id: uuidv7(), zoneId, code: p.gtin, quantity: 1, at, seq: ++seq, staffId }
        : { id: uuidv7(), zoneId, productId: p.id, quantity: 1 + (k % 3), at, seq: ++seq, staffId };
    }
    if (!scan.firstSentAt) scan.firstSentAt = Date.now();
    scan.sent += entries.length;
    const results = await deliver(s, cfg.stocktakeId, entries);
    tally(results);
    if (!firstBatches.has(i)) firstBatches.set(i, entries);
  }
}

/** RFID burst: every till reads its tags once; till k of a store shares half its tags with till k+1. */
async function rfidBurst(i, cfg) {
  const s = sockets[i];
  const { slot } = tills[i];
  const staffId = randomUUID();
  const zoneId = cfg.zonesByStore[tills[i].storeId][0];
  const first = slot * (cfg.tagsPerTill / 2);
  const reads = [];
  for (let t = first; t < first + cfg.tagsPerTill; t++) reads.push(cfg.epcs[t % cfg.epcs.length]);
  let seq = cfg.seqBase;
  await new Promise((r) => setTimeout(r, 0));
  if (!scan.firstSentAt) scan.firstSentAt = Date.now();
  for (let k = 0; k < reads.length; k += cfg.batch) {
    const at = Date.now();
    const entries = reads.slice(k, k + cfg.batch).map((epc) => ({ id: uuidv7(), zoneId, epc, quantity: 1, at, seq: ++seq, staffId }));
    scan.sent += entries.length;
    tally(await deliver(s, cfg.stocktakeId, entries));
  }
}

async function resendFirst(stocktakeId) {
  const out = { batches: 0, entries: 0, duplicate: 0, other: 0 };
  await Promise.all([...firstBatches].map(async ([i, entries]) => {
    const results = await deliver(sockets[i], stocktakeId, entries);
    out.batches++;
    for (const r of results) { out.entries++; if (r.status === 'duplicate') out.duplicate++; else out.other++; }
  }));
  return out;
}

function resetScan() {
  Object.assign(scan, { accepted: 0, duplicate: 0, rejected: 0, batches: 0, failed: 0, retried: 0, sent: 0, latencies: [], rejectCodes: {}, firstSentAt: 0, lastAckAt: 0 });
}

process.on('message', async (m) => {
  if (m?.tokens) { tills = m.tokens.map((t, i) => (typeof t === 'string' ? { token: t, storeId: null, slot: i } : t)); void connectAll(); } // too many for argv: tokens come over IPC
  if (m === 'stats') {
    let counting = 0;
    for (const mode of modes.values()) if (mode === 'counting') counting++;
    // Where the tills stand: last desired mode told / last mode stored / report pending / link up.
    const where = {};
    sockets.forEach((s, i) => { const k = `${desiredModes[i] ?? '-'}/${modes.get(i) ?? '-'}${reporters[i]?.pending ? '/pending' : ''}${s.connected ? '' : '/offline'}`; where[k] = (where[k] ?? 0) + 1; });
    process.send({ connected, reportedFrozen, counting, dropped, where });
  }
  if (m?.count) {
    resetScan();
    scan.running = true;
    scan.done = Promise.all(sockets.map((_, i) => countLoop(i, m.count)));
  }
  if (m?.rfid) {
    resetScan();
    scan.done = Promise.all(sockets.map((_, i) => rfidBurst(i, m.rfid)));
    await scan.done;
    process.send({ rfidDone: true });
  }
  if (m === 'scanStats') {
    const { latencies, done, ...rest } = scan;
    process.send({ scan: rest });
  }
  if (m === 'stopCount') {
    scan.running = false;
    await scan.done;
    const { latencies, done, ...rest } = scan;
    process.send({ stopped: rest, latencies: latencies.slice(-5000) });
  }
  if (m?.resend) process.send({ resent: await resendFirst(m.resend) });
  if (m === 'armRestart') {
    Object.assign(restart, { armed: true, down: new Map(), connectedAgain: new Map(), lastAttempt: new Map(), attemptToConnect: new Map(), opened: new Map(), back: new Map(), attempts: [], connects: [], refused: [], transport: {}, serverDrops: [] });
    process.send({ armed: true });
  }
  if (m === 'restartStats') process.send({ restartStats: { down: restart.down.size, back: restart.back.size, connected: sockets.filter((s) => s.connected).length } });
  if (m === 'restartTimes') {
    const { armed, down, connectedAgain, lastAttempt, attemptToConnect, opened, back, ...rest } = restart;
    // Per till that came back: [connected again, report of counting stored].
    process.send({ restartTimes: { ...rest, down: [...down.values()], back: [...back].map(([i, at]) => [connectedAgain.get(i), at]), attemptToConnect: [...attemptToConnect.values()] } });
  }
  if (m === 'close') { reporters.forEach((r) => r.stop()); sockets.forEach((s) => s.disconnect()); setTimeout(() => process.exit(0), 200); }
});
