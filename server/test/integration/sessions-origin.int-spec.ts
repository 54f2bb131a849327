import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { randomToken, sha256 } from '../../src/common/crypto';
import { ConfigError, loadConfig } from '../../src/config/config';
import { HttpClient } from '../utils/http';
import { bootApp, type TestApp } from '../utils/test-app';
import { createProduct, createStore, createUser, signedIn } from '../utils/factories';
import { enrolTill } from '../utils/till-client';

const EVIL = 'http://evil.example';

/** A raw socket.io client of one namespace; no reconnection, so a refusal or a close is final. */
function socketTo(base: string, ns: string, opts: { cookie?: string; origin?: string; token?: string } = {}): Socket {
  const extraHeaders: Record<string, string> = {};
  if (opts.cookie) extraHeaders.cookie = opts.cookie;
  if (opts.origin) extraHeaders.origin = opts.origin;
  return io(`${base}${ns}`, { path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders, auth: opts.token ? { token: opts.token } : {} });
}

/** 'connected', or the typed code the hub refused the handshake with. */
function outcome(s: Socket): Promise<string> {
  return new Promise((resolve) => {
    s.once('connect', () => resolve('connected'));
    s.once('connect_error', (e: Error & { data?: { code?: string } }) => resolve(e.data?.code ?? `error: ${e.message}`));
  });
}

/** Resolves with the reason once the socket is closed (never by the client in these tests). */
const closed = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));

async function connectedSocket(base: string, cookie: string): Promise<Socket> {
  const s = socketTo(base, '/admin', { cookie });
  const o = await outcome(s);
  if (o !== 'connected') throw new Error(`admin socket refused: ${o}`);
  return s;
}

describe('Sessions end their sockets', () => {
  let a: TestApp;
  let b: TestApp;
  const sockets: Socket[] = [];
  const track = (s: Socket) => (sockets.push(s), s);

  beforeAll(async () => {
    // Two hub nodes sharing one adapter stream, as behind a load balancer.
    const stream = `sf-test:${process.env.SF_TEST_RUN_ID}:${randomUUID()}`;
    [a, b] = await Promise.all([bootApp({ SOCKET_STREAM: stream }), bootApp({ SOCKET_STREAM: stream })]);
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));
  afterAll(async () => { await Promise.all([a?.close(), b?.close()]); });

  it('sign-out on one node closes that session’s admin socket on the other, and only that session’s', async () => {
    const user = await createUser(a.em(), 'admin');
    const login = async () => {
      const c = new HttpClient(a.url);
      expect((await c.post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(200);
      return c;
    };
    const first = await login();
    const second = await login();
    const onB = track(await connectedSocket(b.url, first.cookie!));
    const otherSessionOnB = track(await connectedSocket(b.url, second.cookie!));
    const oldCookie = first.cookie!;

    const closing = closed(onB);
    expect((await first.post('/api/auth/logout')).status).toBe(204);
    expect(await closing).toBe('io server disconnect');
    expect(otherSessionOnB.connected).toBe(true);

    // The cookie no longer opens /admin, on either node.
    expect(await outcome(track(socketTo(b.url, '/admin', { cookie: oldCookie })))).toBe('UNAUTHENTICATED');
    expect(await outcome(track(socketTo(a.url, '/admin', { cookie: oldCookie })))).toBe('UNAUTHENTICATED');
  });

  it('disabling a user ends their sessions at once: sockets on every node close, the cookie stops working', async () => {
    const store = await createStore(a.em());
    const admin = await signedIn(a.url, a.em(), 'admin');
    const manager = await signedIn(a.url, a.em(), 'manager', [store.id]);
    const onA = track(await connectedSocket(a.url, manager.cookie!));
    const onB = track(await connectedSocket(b.url, manager.cookie!));
    const closings = [closed(onA), closed(onB)];

    const res = await admin.patch(`/api/users/${manager.user.id}`, { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: manager.user.id, disabledAt: expect.any(String) });
    expect(await Promise.all(closings)).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await manager.get('/api/auth/me')).status).toBe(401);
    expect((await new HttpClient(a.url).post('/api/auth/login', { email: manager.user.email, password: manager.user.password })).status).toBe(401);
    const [audit] = await a.em().getConnection().execute(`select action, details from audit_event where subject = ? order by id desc limit 1`, [manager.user.id]);
    expect(audit).toMatchObject({ action: 'user.disabled', details: { changes: { disabled: { from: false, to: true } }, sessionsEnded: 1 } });

    expect((await admin.patch(`/api/users/${manager.user.id}`, { disabled: false })).body.disabledAt).toBeNull();
    expect((await new HttpClient(a.url).post('/api/auth/login', { email: manager.user.email, password: manager.user.password })).status).toBe(200);
  });

  it('changing a role or stores closes the user’s sockets; the next sign-in carries the new scope', async () => {
    const [s1, s2] = [await createStore(a.em()), await createStore(a.em())];
    const admin = await signedIn(a.url, a.em(), 'admin');
    const auditor = await signedIn(a.url, a.em(), 'auditor');
    const onB = track(await connectedSocket(b.url, auditor.cookie!));
    const closing = closed(onB);
    const res = await admin.patch(`/api/users/${auditor.user.id}`, { role: 'manager', storeIds: [s1.id] });
    expect(res.body).toMatchObject({ role: 'manager', storeIds: [s1.id], disabledAt: null });
    expect(await closing).toBe('io server disconnect');
    expect((await auditor.get('/api/auth/me')).status).toBe(401);

    const again = new HttpClient(a.url);
    expect((await again.post('/api/auth/login', { email: auditor.user.email, password: auditor.user.password })).body.user).toMatchObject({ role: 'manager', storeIds: [s1.id] });
    const onA = track(await connectedSocket(a.url, again.cookie!));
    const storesChanged = closed(onA);
    expect((await admin.patch(`/api/users/${auditor.user.id}`, { storeIds: [s1.id, s2.id] })).status).toBe(200);
    expect(await storesChanged).toBe('io server disconnect');

    // A rename keeps the sessions.
    const renamedLogin = new HttpClient(a.url);
    await renamedLogin.post('/api/auth/login', { email: auditor.user.email, password: auditor.user.password });
    const kept = track(await connectedSocket(b.url, renamedLogin.cookie!));
    expect((await admin.patch(`/api/users/${auditor.user.id}`, { name: 'Renamed' })).body.name).toBe('Renamed');
    expect((await renamedLogin.get('/api/auth/me')).status).toBe(200);
    expect(kept.connected).toBe(true);
    const actions = await a.em().getConnection().execute<Array<{ action: string }>>(`select action from audit_event where subject = ? order by id`, [auditor.user.id]);
    expect(actions.map((r: { action: string }) => r.action)).toEqual(['user.updated', 'user.updated', 'user.updated']);
  });

  it('closes a socket when its session expires, with no request at all', async () => {
    const user = await createUser(a.em(), 'auditor');
    const token = randomToken();
    await a.em().getConnection().execute(
      `insert into user_session (token_hash, user_id, created_at, expires_at) values (?, ?, now(), now() + interval '1500 milliseconds')`,
      [sha256(token), user.id],
    );
    const s = track(await connectedSocket(b.url, `sf_session=${token}`));
    expect(await closed(s)).toBe('io server disconnect');
  });

  it('lets only admins change users, never themselves, and validates the change', async () => {
    const store = await createStore(a.em());
    const admin = await signedIn(a.url, a.em(), 'admin');
    const manager = await signedIn(a.url, a.em(), 'manager', [store.id]);
    const auditor = await createUser(a.em(), 'auditor');
    expect((await manager.patch(`/api/users/${auditor.id}`, { disabled: true })).status).toBe(403);
    expect((await admin.patch(`/api/users/${admin.user.id}`, { disabled: true })).body.error.code).toBe('FORBIDDEN');
    expect((await admin.patch(`/api/users/${admin.user.id}`, { role: 'auditor' })).body.error.code).toBe('FORBIDDEN');
    expect((await admin.patch(`/api/users/${auditor.id}`, { role: 'manager' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await admin.patch(`/api/users/${auditor.id}`, {})).body.error.code).toBe('VALIDATION_FAILED');
    expect((await admin.patch(`/api/users/${auditor.id}`, { role: 'manager', storeIds: [randomUUID()] })).body.error.code).toBe('UNKNOWN_STORE');
    expect((await admin.patch(`/api/users/${randomUUID()}`, { name: 'x' })).status).toBe(404);
    expect((await admin.get('/api/auth/me')).status).toBe(200);
  });
});

describe('Origin checks and the hub’s own address', () => {
  let t: TestApp;
  beforeAll(async () => { t = await bootApp(); });
  afterAll(async () => { await t.close(); });

  const auditCount = async () => Number((await t.em().getConnection().execute(`select count(*) as n from audit_event`))[0].n);

  it('refuses writes from a foreign page (Origin or Sec-Fetch-Site) with CROSS_ORIGIN and changes nothing', async () => {
    const store = await createStore(t.em());
    const product = await createProduct(t.em());
    const admin = await signedIn(t.url, t.em(), 'admin');
    const created = await admin.post('/api/stocktakes', { name: 'Not to be cancelled', scope: { kind: 'stores', storeIds: [store.id] } });
    expect(created.status).toBe(201);
    const receipt = () => ({ idempotencyKey: randomUUID(), storeId: store.id, lines: [{ productId: product.id, quantity: 5 }] });
    const before = await auditCount();

    const foreign: Array<Record<string, string>> = [{ origin: EVIL }, { 'sec-fetch-site': 'cross-site' }, { origin: 'null' }, { 'sec-fetch-site': 'same-site', origin: 'http://other.127.0.0.1.nip.io' }];
    for (const headers of foreign) {
      const json = (body: unknown) => ({ raw: JSON.stringify(body), headers });
      const results = [
        await admin.request('POST', '/api/stock/receipts', undefined, json(receipt())),
        await admin.request('POST', '/api/users', undefined, json({ email: `x-${randomUUID()}@x.io`, name: 'X', password: 'long-enough-pw', role: 'admin' })),
        await admin.request('POST', `/api/stocktakes/${created.body.id}/cancel`, undefined, { raw: 'confirm=1', contentType: 'application/x-www-form-urlencoded', headers }),
      ];
      for (const r of results) {
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('CROSS_ORIGIN');
      }
    }
    expect(await auditCount()).toBe(before);
    expect((await admin.get(`/api/stocktakes/${created.body.id}`)).body.status).toBe(created.body.status);
    const [{ n }] = await t.em().getConnection().execute(`select count(*) as n from stock_balance where product_id = ?`, [product.id]);
    expect(Number(n)).toBe(0);

    // The hub's own pages (same origin) and clients that are not browser pages (no Origin) still write.
    const own = { origin: t.url, 'sec-fetch-site': 'same-origin' };
    expect((await admin.request('POST', '/api/stock/receipts', undefined, { raw: JSON.stringify(receipt()), headers: own })).status).toBe(201);
    expect((await admin.post('/api/stock/receipts', receipt())).status).toBe(201);
    expect((await admin.request('POST', `/api/stocktakes/${created.body.id}/cancel`, undefined, { headers: own })).body.status).toBe('cancelled');
    // Reads are not writes: a cross-site GET is answered (SameSite=Strict keeps the cookie off it anyway).
    expect((await admin.request('GET', '/api/auth/me', undefined, { headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
  });

  it('refuses foreign origins on the /admin and /till handshakes, and every connection to the default namespace', async () => {
    const store = await createStore(t.em());
    const admin = await signedIn(t.url, t.em(), 'admin');
    const till = await enrolTill(t.url, admin, store.id);
    const tries = {
      adminForeign: socketTo(t.url, '/admin', { cookie: admin.cookie!, origin: EVIL }),
      adminOwn: socketTo(t.url, '/admin', { cookie: admin.cookie!, origin: t.url }),
      tillForeign: socketTo(t.url, '/till', { token: till.token, origin: EVIL }),
      tillNode: socketTo(t.url, '/till', { token: till.token }),
      defaultAnonymous: socketTo(t.url, '/'),
      defaultWithCookie: socketTo(t.url, '/', { cookie: admin.cookie! }),
    };
    try {
      const results = Object.fromEntries(await Promise.all(Object.entries(tries).map(async ([k, s]) => [k, await outcome(s)])));
      expect(results).toEqual({
        adminForeign: 'CROSS_ORIGIN',
        adminOwn: 'connected',
        tillForeign: 'CROSS_ORIGIN',
        tillNode: 'connected',
        defaultAnonymous: 'NOT_FOUND',
        defaultWithCookie: 'NOT_FOUND',
      });
    } finally {
      Object.values(tries).forEach((s) => s.disconnect());
    }
  });

  it('sends no X-Powered-By (bull-board included) and no unsafe-inline script source', async () => {
    const admin = await signedIn(t.url, t.em(), 'admin');
    const board = await admin.get('/api/admin/queues/api/queues');
    expect(board.status).toBe(200);
    expect(board.headers.get('x-powered-by')).toBeNull();
    const health = await admin.get('/healthz');
    expect(health.headers.get('x-powered-by')).toBeNull();
    const scriptSrc = /script-src ([^;]*)/.exec(health.headers.get('content-security-policy') ?? '')?.[1];
    expect(scriptSrc).toMatch(/'self'/);
    expect(scriptSrc).not.toMatch(/unsafe-inline/);
  });

  /** A POST with a Host header of our choosing (fetch would not let us set it). */
  function postWithHost(base: string, path: string, cookie: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: any }> {
    const url = new URL(path, base);
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, cookie, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

  it('never takes the pairing link from the Host header: HOST:PORT without PUBLIC_URL, else PUBLIC_URL', async () => {
    const plain = t;
    const withUrl = await bootApp({ PUBLIC_URL: 'https://hub.example.test', ALLOWED_ORIGINS: 'http://tills.example.test:8480, https://hub2.example.test' });
    try {
      for (const [hub, base] of [[plain, plain.url], [withUrl, 'https://hub.example.test']] as const) {
        const store = await createStore(hub.em());
        const admin = await signedIn(hub.url, hub.em(), 'admin');
        const honest = await admin.post('/api/enrolment-codes', { storeId: store.id, terminalName: 'Honest' });
        expect(honest.body.pairUrl).toBe(`${base}/till/?code=${honest.body.code}`);
        const res = await postWithHost(hub.url, '/api/enrolment-codes', admin.cookie!, { storeId: store.id, terminalName: 'Forged' }, forged);
        expect(res.status).toBe(201);
        expect(res.body.pairUrl).toBe(`${base}/till/?code=${res.body.code}`);
      }

      // With PUBLIC_URL the own origins are it and ALLOWED_ORIGINS, not whatever the Host header names.
      const admin = await signedIn(withUrl.url, withUrl.em(), 'admin');
      const store = await createStore(withUrl.em());
      const write = (origin: string) =>
        admin.request('POST', '/api/enrolment-codes', undefined, { raw: JSON.stringify({ storeId: store.id, terminalName: 'O' }), headers: { origin } });
      expect((await write('https://hub.example.test')).status).toBe(201);
      expect((await write('http://tills.example.test:8480')).status).toBe(201);
      expect((await write('https://hub2.example.test')).status).toBe(201);
      expect((await write(withUrl.url)).body.error.code).toBe('CROSS_ORIGIN');
      expect((await postWithHost(withUrl.url, '/api/enrolment-codes', admin.cookie!, { storeId: store.id, terminalName: 'F' }, { host: 'evil.example', origin: 'http://evil.example' })).body.error.code).toBe('CROSS_ORIGIN');
    } finally {
      await withUrl.close();
    }
  });
});

describe('Configuration', () => {

  it('requires PUBLIC_URL (and SESSION_SECRET) in production, listing both at once', () => {
    const base = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) };
    expect(() => loadConfig(base)).toThrow(/PUBLIC_URL: required in production/);
    try {
      loadConfig({ NODE_ENV: 'production' });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems).toEqual([expect.stringMatching(/^SESSION_SECRET/), expect.stringMatching(/^PUBLIC_URL/)]);
    }
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://hub.example.test/' }).publicUrl).toBe('https://hub.example.test');
    // Worker, migrate and create-admin hand out no links and serve no pages.
    expect(loadConfig(base, { hub: false }).publicUrl).toBeUndefined();
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'https://hub.example.test', ALLOWED_ORIGINS: 'not a url' })).toThrow(/ALLOWED_ORIGINS/);
    expect(loadConfig({ ...base, PUBLIC_URL: 'https://hub.example.test', ALLOWED_ORIGINS: 'https://A.example.test/path, http://b.example.test:81' }).allowedOrigins)
      .toEqual(['https://a.example.test', 'http://b.example.test:81']);
  });
});
