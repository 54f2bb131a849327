// One simulator process: holds many tills as real socket.io clients (websocket transport) that
// obey their desired state at once, as a till with an empty outbox does. Talks to its parent over IPC.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(new URL('..', import.meta.url).pathname, 'package.json'));
const { io } = require('socket.io-client');
const url = process.argv[2];
let tokens = [];
let connected = 0;
let reportedFrozen = 0;
const sockets = [];

function report(s, mode, epoch) {
  s.emit('till.state.v1', { mode, epoch, appVersion: 'sim', scanner: { kind: 'simulated', status: 'ready' }, outboxDepth: 0, lastSaleSeq: 0 }, () => {
    if (mode === 'frozen') reportedFrozen++;
  });
}

async function connectAll() {
  // Connect in waves so the hub sees a realistic storm, not one synchronous burst from one event loop tick.
  for (let i = 0; i < tokens.length; i++) {
    const s = io(`${url}/till`, { path: '/socket.io', transports: ['websocket'], auth: { token: tokens[i] }, reconnection: true, forceNew: true });
    s.on('connect', () => { connected++; });
    s.on('till.desired.v1', (d) => report(s, d.mode, d.epoch));
    sockets.push(s);
    if (i % 200 === 199) await new Promise((r) => setTimeout(r, 50));
  }
}

process.on('message', (m) => {
  if (m?.tokens) { tokens = m.tokens; void connectAll(); } // too many for argv: tokens come over IPC
  if (m === 'stats') process.send({ connected, reportedFrozen });
  if (m === 'close') { sockets.forEach((s) => s.disconnect()); setTimeout(() => process.exit(0), 200); }
});
