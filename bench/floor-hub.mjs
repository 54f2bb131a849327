// The floor under the freeze barrier: a bare socket.io server (the hub's transport options) that speaks
// the part of the till protocol the barrier uses and nothing else — no database, no validation, no
// audit, no admins. The same simulator tills connect to it; on the parent's word it tells every till to
// freeze (one emit per till, as the hub does), acknowledges each state report at once, counts a store
// as passed when its last till has reported frozen, then tells that store's tills to count. What it
// takes on this machine is what any socket.io hub would take before doing any work of its own.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(join(root, 'server', 'package.json'));
const { Server } = require('socket.io');

const port = Number(process.argv[2]);
const http = createServer();
const io = new Server(http, { path: '/socket.io', transports: ['websocket'], serveClient: false, pingInterval: 20_000, pingTimeout: 20_000 });
const till = io.of('/till');

const reason = (kind) => ({ kind, stocktakeId: kind === 'none' ? null : 'floor', practice: false, by: null, message: null });
const tills = new Map(); // socket → { store, epoch }
const stores = new Map(); // store → { sockets: Set, waiting: number }
let run = null; // { t0, mode, passedAt: [], countingReported, ... }

const desired = (s, mode) => {
  const t = tills.get(s);
  t.epoch++;
  s.emit('till.desired.v1', { terminalId: s.id, mode, epoch: t.epoch, since: new Date().toISOString(), reason: reason(mode === 'selling' ? 'none' : 'stocktake'), graceSeconds: 0 });
};

till.use((socket, next) => {
  const store = String(socket.handshake.auth?.token ?? '').split(':')[0];
  socket.data.store = store;
  next();
});
till.on('connection', (s) => {
  const store = s.data.store;
  tills.set(s, { store, epoch: 0 });
  if (!stores.has(store)) stores.set(store, { sockets: new Set(), waiting: 0 });
  stores.get(store).sockets.add(s);
  desired(s, 'selling');
  s.on('till.state.v1', (state, ack) => {
    if (typeof ack === 'function') ack({ ok: true, data: null });
    if (!run || state.epoch !== tills.get(s).epoch) return;
    if (state.mode === 'frozen') {
      const st = stores.get(store);
      if (--st.waiting === 0) {
        run.passedMs.push(performance.now() - run.t0); // the store could snapshot now
        for (const x of st.sockets) desired(x, 'counting');
      }
    } else if (state.mode === 'counting' && ++run.counting === tills.size) {
      run.allCountingMs = performance.now() - run.t0;
      process.send({ floor: { passedMs: run.passedMs, pushMs: run.pushMs, allCountingMs: run.allCountingMs } });
      run = null;
    }
  });
  s.on('disconnect', () => { tills.delete(s); stores.get(store)?.sockets.delete(s); });
});

process.on('message', (m) => {
  if (m === 'freeze') {
    run = { t0: performance.now(), passedMs: [], counting: 0, pushMs: 0, allCountingMs: 0 };
    for (const st of stores.values()) st.waiting = st.sockets.size;
    for (const s of tills.keys()) desired(s, 'frozen');
    run.pushMs = performance.now() - run.t0;
  }
  if (m === 'close') { io.close(); setTimeout(() => process.exit(0), 200); }
});
http.listen(port, '127.0.0.1', () => process.send({ listening: port }));
