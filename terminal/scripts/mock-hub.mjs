// A stand-in hub for developing and smoke-testing the till without the real server.
// Serves /api/till/* and the /till socket namespace on 127.0.0.1:8480 (what `vite dev` / `vite preview`
// proxy to), plus /mock/* control endpoints to drive the till: desired mode, commands, revocation.
//   node terminal/scripts/mock-hub.mjs            (MOCK_HUB_PORT to change the port)
// With MOCK_HUB_STATIC=<dir of a till build> it also serves the till at /till/ like the real hub.
// Pairing code ABCD1234 works (any number of times); staff PIN 1234 or badge BADGE-0001 signs in Mei.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';

const PORT = Number(process.env.MOCK_HUB_PORT ?? 8480);
const STORE = '7b0f1c3e-2b7a-4d8e-9a51-0c7f4a2d9e11';
const TERMINAL = 'c1d2e3f4-0000-4000-8000-000000000001';
const STAFF = { id: 'ffffffff-0000-4000-8000-000000000001', name: 'Mei' };
const products = [
  { id: '00000000-0000-4000-8000-000000000001', sku: 'WATER-500', name: 'Mineral water 500 ml', category: 'drinks', unitPriceCents: 99, uom: 'piece' },
  { id: '00000000-0000-4000-8000-000000000002', sku: 'COLA-330', name: 'Cola 330 ml', category: 'drinks', unitPriceCents: 149, uom: 'piece' },
  { id: '00000000-0000-4000-8000-000000000003', sku: 'TEA-GREEN', name: '绿茶 Green tea 20 bags', category: 'tea', unitPriceCents: 450, uom: 'piece' },
];
const catalog = {
  version: 'mock-1',
  products,
  barcodes: [
    { code: '4006381333931', productId: products[0].id, multiplier: 1 },
    { code: '14006381333938', productId: products[0].id, multiplier: 6 },
    { code: '036000291452', productId: products[1].id, multiplier: 1 },
    { code: '9501101530003', productId: products[2].id, multiplier: 1 },
  ],
  staff: [STAFF],
  zones: [
    { id: 'aaaaaaaa-0000-4000-8000-000000000001', code: 'A1', name: 'Aisle 1' },
    { id: 'aaaaaaaa-0000-4000-8000-000000000002', code: 'BR', name: 'Backroom' },
  ],
};

const state = {
  tokens: new Set(),
  desired: { terminalId: TERMINAL, mode: 'selling', epoch: 1, since: new Date().toISOString(), reason: { kind: 'none', stocktakeId: null, practice: false, by: null, message: null }, graceSeconds: 0 },
  reports: [],
  heartbeats: 0,
  sales: new Map(),
  rejectNext: null,
  dropAcks: 0,
  commandAcks: [],
};

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
const err = (res, status, code, message) => json(res, status, { error: { code, message } });
async function body(req) {
  let s = '';
  for await (const c of req) s += c;
  return s ? JSON.parse(s) : {};
}
function authed(req) {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  return m && state.tokens.has(m[1]);
}

const STATIC = process.env.MOCK_HUB_STATIC;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };
async function serveStatic(res, pathname) {
  const rel = normalize(decodeURIComponent(pathname.replace(/^\/till\/?/, ''))).replace(/^(\.\.[/\\])+/, '');
  for (const file of [rel && join(STATIC, rel), join(STATIC, 'index.html')]) {
    if (!file) continue;
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
      return res.end(data);
    } catch {
      /* try the SPA fallback */
    }
  }
  err(res, 404, 'NOT_FOUND', 'no such file');
}

const http = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  try {
    if (STATIC && req.method === 'GET' && (url.pathname === '/till' || url.pathname.startsWith('/till/'))) return serveStatic(res, url.pathname);
    if (req.method === 'POST' && url.pathname === '/api/till/enrol') {
      const { code } = await body(req);
      if (String(code).toUpperCase() !== 'ABCD1234') return err(res, 400, 'ENROLMENT_CODE_INVALID', 'unknown or expired code');
      const token = `tok_${randomUUID()}`;
      state.tokens.add(token);
      return json(res, 201, { terminalId: TERMINAL, storeId: STORE, storeName: 'Mock Store Central', terminalName: 'Till 1', token });
    }
    if (url.pathname === '/api/till/me') {
      if (!authed(req)) return err(res, 401, 'DEVICE_TOKEN_INVALID', 'bad token');
      return json(res, 200, { terminalId: TERMINAL, storeId: STORE, storeName: 'Mock Store Central', terminalName: 'Till 1' });
    }
    if (url.pathname === '/api/till/catalog') {
      if (!authed(req)) return err(res, 401, 'DEVICE_TOKEN_INVALID', 'bad token');
      return json(res, 200, catalog);
    }
    if (url.pathname === '/mock/state') {
      return json(res, 200, { desired: state.desired, lastReport: state.reports.at(-1) ?? null, reports: state.reports.length, heartbeats: state.heartbeats, sales: [...state.sales.values()], commandAcks: state.commandAcks });
    }
    if (req.method === 'POST' && url.pathname === '/mock/desired') {
      const b = await body(req);
      state.desired = { ...state.desired, mode: b.mode ?? 'selling', epoch: state.desired.epoch + 1, since: new Date().toISOString(), graceSeconds: b.graceSeconds ?? 0, reason: { kind: b.reasonKind ?? 'none', stocktakeId: null, practice: !!b.practice, by: b.by ?? null, message: b.message ?? null } };
      ns.emit('till.desired.v1', state.desired);
      return json(res, 200, state.desired);
    }
    if (req.method === 'POST' && url.pathname === '/mock/command') {
      const b = await body(req);
      const cmd = { id: randomUUID(), kind: b.kind, text: b.text ?? null, by: b.by ?? 'mock admin' };
      for (const s of await ns.fetchSockets()) s.emit('till.command.v1', cmd, (ack) => state.commandAcks.push(ack));
      return json(res, 200, cmd);
    }
    if (req.method === 'POST' && url.pathname === '/mock/reject-next') {
      state.rejectNext = (await body(req)).code ?? 'UNKNOWN_PRODUCT';
      return json(res, 200, { ok: true });
    }
    if (req.method === 'POST' && url.pathname === '/mock/revoke') {
      ns.emit('till.revoked.v1', { terminalId: TERMINAL, at: new Date().toISOString() });
      state.tokens.clear();
      ns.disconnectSockets(true);
      return json(res, 200, { ok: true });
    }
    err(res, 404, 'NOT_FOUND', 'no route');
  } catch (e) {
    err(res, 500, 'INTERNAL', String(e));
  }
});

const io = new Server(http, { path: '/socket.io', transports: ['websocket'] });
const ns = io.of('/till');
ns.use((socket, next) => {
  if (state.tokens.has(socket.handshake.auth?.token)) return next();
  const e = new Error('DEVICE_TOKEN_INVALID');
  e.data = { code: 'DEVICE_TOKEN_INVALID' };
  next(e);
});
ns.on('connection', (socket) => {
  console.log('[mock-hub] till connected');
  socket.emit('till.desired.v1', state.desired);
  socket.on('till.state.v1', (s) => {
    state.reports.push(s);
    console.log('[mock-hub] state', s.mode, s.epoch, 'outbox', s.outboxDepth, 'lastSaleSeq', s.lastSaleSeq);
  });
  socket.on('till.heartbeat.v1', (_hb, ack) => {
    state.heartbeats++;
    ack({ ok: true, data: { hubAt: Date.now() } });
  });
  socket.on('staff.signin.v1', (p, ack) => {
    if (p.pin === '1234' || p.badge === 'BADGE-0001') return ack({ ok: true, data: { staff: STAFF } });
    ack({ ok: false, error: { code: 'STAFF_PIN_INVALID', message: 'unknown PIN or badge' } });
  });
  socket.on('sale.submit.v1', (sale, ack) => {
    if (state.rejectNext) {
      const code = state.rejectNext;
      state.rejectNext = null;
      return ack({ ok: false, error: { code, message: `mock rejects sale ${sale.seq}` } });
    }
    const duplicate = state.sales.has(sale.id);
    state.sales.set(sale.id, sale);
    ack({ ok: true, data: { saleId: sale.id, duplicate } });
  });
});

http.listen(PORT, '127.0.0.1', () => console.log(`[mock-hub] listening on http://127.0.0.1:${PORT}`));
