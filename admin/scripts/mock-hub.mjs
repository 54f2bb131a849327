// A throwaway stand-in for the hub, for trying the admin app before the real one runs:
// serves admin/build with the SPA fallback, fakes the REST contract in memory, and pushes
// `fleet.changed.v1` on the /admin socket. Not used by the build or tests of the app itself.
//   npm run build -w admin && node admin/scripts/mock-hub.mjs   (PORT=8491 by default)
// Sign in as admin@demo.test / manager@demo.test / auditor@demo.test, password "demo-password".
// Uses socket.io from the workspace root (the server's dependency).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID as realUUID } from 'node:crypto';
import { Server } from 'socket.io';

const PORT = Number(process.env.PORT ?? 8491);
const BUILD = fileURLToPath(new URL('../build/', import.meta.url));
const now = () => new Date().toISOString();
// Deterministic ids, so a restarted mock still knows the session cookie of an open browser.
let seq = 0;
const randomUUID = () => `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`;

const stores = [
  { id: randomUUID(), code: 'SH01', name: 'Shanghai Nanjing Rd', regionId: 'r1', regionName: 'East', timezone: 'Asia/Shanghai', zones: [] },
  { id: randomUUID(), code: 'TP01', name: 'Taipei Xinyi', regionId: 'r2', regionName: 'Taiwan', timezone: 'Asia/Taipei', zones: [] },
  { id: randomUUID(), code: 'LD01', name: 'London Oxford St', regionId: 'r3', regionName: 'Europe', timezone: 'Europe/London', zones: [] },
];
const users = [
  { id: randomUUID(), email: 'admin@demo.test', name: 'Ada Admin', role: 'admin', storeIds: [], createdAt: now() },
  { id: randomUUID(), email: 'manager@demo.test', name: 'Mei Manager', role: 'manager', storeIds: [stores[0].id], createdAt: now() },
  { id: randomUUID(), email: 'auditor@demo.test', name: 'Otto Auditor', role: 'auditor', storeIds: [], createdAt: now() },
];
const modes = ['selling', 'selling', 'selling', 'frozen', 'counting', 'locked'];
const terminals = [];
stores.forEach((s, si) => {
  for (let i = 1; i <= 4 + si; i++) {
    const mode = modes[(i + si) % modes.length];
    terminals.push({
      id: randomUUID(), storeId: s.id, name: `Till ${i}`, online: (i + si) % 4 !== 0, desiredMode: mode, desiredEpoch: 7,
      reportedMode: i === 2 ? 'selling' : mode, reportedEpoch: i === 2 ? 6 : 7, appVersion: '0.3.1', scannerKind: ['wedge', 'serial', 'hid', 'rfid'][i % 4],
      scannerStatus: i === 3 ? 'error' : 'ready', outboxDepth: i === 4 ? 120 : i, lastSaleSeq: 100 + i, clockOffsetMs: i === 1 ? 3400 : 12 * i, rttMs: 18,
      lastSeenAt: new Date(Date.now() - i * 47_000).toISOString(), revoked: false,
    });
  }
});
const cats = ['Dairy', 'Bakery', 'Drinks', 'Household'];
const products = Array.from({ length: 120 }, (_, i) => ({
  id: randomUUID(), sku: `SKU-${String(i + 1).padStart(4, '0')}`, name: `${cats[i % 4]} item ${i + 1}`, category: cats[i % 4],
  unitCostCents: 50 + i * 7, unitPriceCents: 99 + i * 11, uom: i % 9 === 0 ? 'g' : 'piece', lowStockThreshold: 10,
  barcodes: [{ code: String(4006381333000 + i), kind: 'gtin', multiplier: 1 }, ...(i % 5 === 0 ? [{ code: String(14006381333000 + i), kind: 'pack', multiplier: 6 }] : [])],
}));
const onHand = new Map();
for (const s of stores) for (const [i, p] of products.entries()) onHand.set(`${s.id}:${p.id}`, (i * 7 + s.code.charCodeAt(0)) % 40);
const ledger = [];
const audit = Array.from({ length: 140 }, (_, i) => ({
  id: randomUUID(), at: new Date(Date.now() - i * 600_000).toISOString(), actorType: i % 7 === 0 ? 'terminal' : 'user', actorId: users[i % 3].id,
  actorName: i % 7 === 0 ? 'Till 1' : users[i % 3].name, action: ['auth.login', 'stock.receipt', 'fleet.command', 'catalog.import'][i % 4],
  storeId: i % 2 ? stores[i % 3].id : null, subject: i % 3 ? products[i % products.length].sku : null, details: { n: i }, ip: '10.0.0.' + (i % 250),
}));

const json = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json', date: new Date().toUTCString() });
  res.end(body === undefined ? '' : JSON.stringify(body));
};
const fail = (res, status, code, message, details) => json(res, status, { error: { code, message, details } });
const page = (items, url, def = 50) => {
  const limit = Number(url.searchParams.get('limit') ?? def);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  return { items: items.slice(offset, offset + limit), total: items.length, limit, offset };
};
const body = (req) => new Promise((r) => { let b = ''; req.on('data', (c) => (b += c)); req.on('end', () => r(b)); });
// Mock only: the session cookie is the user id.
const userOf = (req) => users.find((u) => u.id === /sf_session=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1]);
const visibleStores = (u) => (u.role === 'manager' ? stores.filter((s) => u.storeIds.includes(s.id)) : stores);
const balance = (s, p) => { const q = onHand.get(`${s}:${p.id}`) ?? 0; return { storeId: s, productId: p.id, sku: p.sku, name: p.name, category: p.category, onHand: q, lowStockThreshold: p.lowStockThreshold, low: q <= p.lowStockThreshold }; };
const seen = new Map();

function move(u, kind, storeId, lines, key, reason = null) {
  if (seen.has(key)) return { applied: false, movements: seen.get(key) };
  const ms = lines.map((l) => {
    onHand.set(`${storeId}:${l.productId}`, (onHand.get(`${storeId}:${l.productId}`) ?? 0) + l.quantity);
    const m = { id: randomUUID(), storeId, productId: l.productId, kind, quantity: l.quantity, reason, source: 'admin', idempotencyKey: key, occurredAt: now(), recordedAt: now(), actor: u.name };
    ledger.unshift(m);
    return m;
  });
  seen.set(key, ms);
  return { applied: true, movements: ms };
}

async function api(req, res, url) {
  const p = url.pathname;
  if (p === '/api/auth/login' && req.method === 'POST') {
    const { email, password } = JSON.parse((await body(req)) || '{}');
    const u = users.find((x) => x.email === email);
    if (!u || password !== 'demo-password') return fail(res, 401, 'INVALID_CREDENTIALS', 'Email or password is wrong');
    res.setHeader('set-cookie', `sf_session=${u.id}; HttpOnly; Path=/; SameSite=Lax`);
    return json(res, 200, { user: u, expiresAt: new Date(Date.now() + 864e5).toISOString() });
  }
  const u = userOf(req);
  if (p === '/api/auth/logout') {
    res.setHeader('set-cookie', 'sf_session=; Path=/; Max-Age=0');
    return json(res, 204);
  }
  if (!u) return fail(res, 401, 'UNAUTHENTICATED', 'Sign in first');
  if (p === '/api/auth/me') return json(res, 200, { user: u, expiresAt: new Date(Date.now() + 864e5).toISOString() });
  if (p === '/api/stores') return json(res, 200, visibleStores(u));
  if (p === '/api/terminals') return json(res, 200, terminals.filter((t) => visibleStores(u).some((s) => s.id === t.storeId)));
  if (p === '/api/products/categories') return json(res, 200, cats);
  if (p === '/api/products' && req.method === 'GET') {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const c = url.searchParams.get('category');
    return json(res, 200, page(products.filter((x) => (!c || x.category === c) && (!q || x.sku.toLowerCase().includes(q) || x.name.toLowerCase().includes(q) || x.barcodes.some((b) => b.code === q))), url));
  }
  let m;
  if ((m = /^\/api\/products\/([\w-]+)\/balances$/.exec(p))) {
    return json(res, 200, visibleStores(u).map((st) => ({ storeId: st.id, onHand: onHand.get(`${st.id}:${m[1]}`) ?? 0 })));
  }
  if ((m = /^\/api\/products\/([\w-]+)$/.exec(p))) {
    const x = products.find((y) => y.id === m[1]);
    return x ? json(res, 200, x) : fail(res, 404, 'NOT_FOUND', 'No such product');
  }
  if (p === '/api/catalog/import') {
    const text = await body(req);
    const lines = text.trim().split(/\r?\n/);
    const errs = lines.slice(1).flatMap((l, i) => (l.split(',').length < 10 ? [{ line: i + 2, column: 'multiplier', message: 'missing columns' }] : []));
    if (errs.length) return fail(res, 422, 'IMPORT_FAILED', 'The file has errors', errs);
    return json(res, 200, { rows: lines.length - 1, productsCreated: lines.length - 1, productsUpdated: 0, barcodesCreated: lines.length - 1 });
  }
  if (p === '/api/stock/balances') {
    const s = url.searchParams.get('storeId');
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const low = url.searchParams.get('lowOnly') === 'true';
    return json(res, 200, page(products.map((x) => balance(s, x)).filter((b) => (!low || b.low) && (!q || b.sku.toLowerCase().includes(q) || b.name.toLowerCase().includes(q))), url));
  }
  if ((m = /^\/api\/stock\/ledger\/([\w-]+)$/.exec(p))) {
    const s = url.searchParams.get('storeId');
    return json(res, 200, page(ledger.filter((l) => l.productId === m[1] && (!s || l.storeId === s)), url, 100));
  }
  if (p.startsWith('/api/stock/') && req.method === 'POST') {
    if (u.role === 'auditor') return fail(res, 403, 'FORBIDDEN', 'Read-only');
    const b = JSON.parse(await body(req));
    await new Promise((r) => setTimeout(r, 300));
    if (p.endsWith('receipts')) return json(res, 200, move(u, 'receipt', b.storeId, b.lines, b.idempotencyKey));
    if (p.endsWith('adjustments')) return json(res, 200, move(u, 'adjustment', b.storeId, b.lines, b.idempotencyKey, b.reason));
    const out = move(u, 'transfer_out', b.fromStoreId, b.lines.map((l) => ({ ...l, quantity: -l.quantity })), b.idempotencyKey);
    const inn = move(u, 'transfer_in', b.toStoreId, b.lines, `${b.idempotencyKey}:in`);
    return json(res, 200, { applied: out.applied, movements: [...out.movements, ...inn.movements] });
  }
  if (p === '/api/audit') return json(res, 200, page(audit.filter((a) => (!url.searchParams.get('action') || a.action.includes(url.searchParams.get('action')))), url, 100));
  if (p === '/api/users' && req.method === 'GET') return u.role === 'admin' ? json(res, 200, users) : fail(res, 403, 'FORBIDDEN', 'Admins only');
  if (p === '/api/users' && req.method === 'POST') {
    const b = JSON.parse(await body(req));
    const nu = { id: randomUUID(), createdAt: now(), ...b, password: undefined };
    users.push(nu);
    return json(res, 201, nu);
  }
  if (p === '/api/enrolment-codes') {
    const b = JSON.parse(await body(req));
    const code = realUUID().replace(/-/g, '').slice(0, 8).toUpperCase();
    const qr = `data:image/svg+xml;utf8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><rect width="21" height="21" fill="#fff"/><path d="M1 1h7v7H1zM13 1h7v7h-7zM1 13h7v7H1zM10 10h2v2h-2z" fill="#000"/></svg>')}`;
    return json(res, 201, { code, storeId: b.storeId, terminalName: b.terminalName, expiresAt: new Date(Date.now() + 600_000).toISOString(), qrDataUrl: qr, pairUrl: `http://hub.local/pair?code=${code}` });
  }
  if ((m = /^\/api\/terminals\/([\w-]+)\/(revoke|commands)$/.exec(p))) {
    const t = terminals.find((x) => x.id === m[1]);
    if (!t) return fail(res, 404, 'NOT_FOUND', 'No such till');
    const b = m[2] === 'commands' ? JSON.parse(await body(req)) : {};
    if (m[2] === 'revoke') Object.assign(t, { revoked: true, online: false });
    if (b.kind === 'lock') Object.assign(t, { desiredMode: 'locked', desiredEpoch: t.desiredEpoch + 1 });
    if (b.kind === 'unlock') Object.assign(t, { desiredMode: 'selling', desiredEpoch: t.desiredEpoch + 1 });
    io.of('/admin').emit('fleet.changed.v1', { terminals: [t] });
    return json(res, 204);
  }
  return fail(res, 404, 'NOT_FOUND', `No route ${req.method} ${p}`);
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
const http = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/api/')) return api(req, res, url).catch((e) => fail(res, 500, 'INTERNAL', String(e)));
  const file = normalize(join(BUILD, url.pathname));
  try {
    if (!file.startsWith(BUILD) || url.pathname.endsWith('/')) throw new Error('dir');
    const data = await readFile(file);
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(data);
  } catch {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(await readFile(join(BUILD, 'index.html')));
  }
});
const io = new Server(http, { path: '/socket.io', transports: ['websocket'] });
io.of('/admin').use((socket, next) => (userOf(socket.request) ? next() : next(new Error('UNAUTHENTICATED'))));
setInterval(() => {
  const t = terminals[Math.floor(Math.random() * terminals.length)];
  if (t.revoked) return;
  t.lastSeenAt = t.online ? now() : t.lastSeenAt;
  t.outboxDepth = Math.max(0, (t.outboxDepth ?? 0) + (Math.random() < 0.5 ? -1 : 1));
  io.of('/admin').emit('fleet.changed.v1', { terminals: [t] });
}, 1500);
http.listen(PORT, '127.0.0.1', () => console.log(`mock hub on http://127.0.0.1:${PORT}`));
