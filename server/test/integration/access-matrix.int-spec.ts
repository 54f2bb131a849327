import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient, type HttpResult } from '../utils/http';
import { createProduct, createStore, createUser, signedIn } from '../utils/factories';
import { enrolTill, TillClient } from '../utils/till-client';

/**
 * Every route × every principal, against the real hub. The routes come from the hub's own OpenAPI
 * document: a route that is not in the table below fails this spec, so a new route cannot ship
 * without its row. A refused cell must change nothing (the database fingerprint is compared).
 *
 * Principals: anonymous; an expired session cookie; a till's device token; a revoked till's token;
 * an auditor; the manager of store A; the manager of store B; an admin. Fixtures live in store A
 * unless the row says otherwise.
 *
 * Outcomes: `ok` = authorization passed (the answer is neither 401 nor 403 nor a 404 for the
 * resource, nor a 5xx); a number = that HTTP status (refusals); a code = that error code.
 */
type Outcome = 'ok' | 200 | 401 | 403 | 404 | string;
type Who = 'anon' | 'expired' | 'till' | 'revoked' | 'auditor' | 'mgrA' | 'mgrB' | 'admin';
const WHO: Who[] = ['anon', 'expired', 'till', 'revoked', 'auditor', 'mgrA', 'mgrB', 'admin'];

interface Fx {
  storeA: string;
  storeB: string;
  product: string;
  /** A draft stocktake of store A, made for this cell. */
  stocktakeA: () => Promise<string>;
  /** A draft stocktake of stores A and B. */
  stocktakeAB: () => Promise<string>;
  plan: string;
  report: string;
  /** A till of store A, enrolled for this cell. */
  terminal: () => Promise<string>;
  user: () => Promise<string>;
}
interface Req { path: string; body?: unknown; raw?: string; contentType?: string }
interface Row { method: string; route: string; cells: Outcome[]; req: (fx: Fx) => Promise<Req> | Req; note?: string }

const U = 401; // not signed in for this kind of route
const F = 403;
const N = 404;
const row = (method: string, route: string, cells: Outcome[], req: Row['req'], note?: string): Row => ({ method, route, cells, req, note });
const plain = (path: string) => () => ({ path });
const key = () => `k-${randomUUID()}`;

//                                                                           anon exp till rev  aud  mgrA mgrB admin
const TABLE: Row[] = [
  row('GET', '/healthz', [200, 200, 200, 200, 200, 200, 200, 200], plain('/healthz')),
  row('GET', '/readyz', [200, 200, 200, 200, 200, 200, 200, 200], plain('/readyz')),
  row('GET', '/metrics', [U, U, U, U, F, F, F, 200], plain('/metrics'), 'admins, or the METRICS_TOKEN (metrics.int-spec.ts)'),
  row('POST', '/api/auth/login', ['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS'],
    () => ({ path: '/api/auth/login', body: { email: `nobody-${randomUUID()}@example.com`, password: 'wrong-password-1' } })),
  row('POST', '/api/auth/logout', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/auth/logout'), 'each cell signs in afresh'),
  row('GET', '/api/auth/me', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/auth/me')),
  row('GET', '/api/users', [U, U, U, U, F, F, F, 'ok'], plain('/api/users')),
  row('POST', '/api/users', [U, U, U, U, F, F, F, 'ok'],
    () => ({ path: '/api/users', body: { email: `new-${randomUUID()}@example.com`, name: 'New person', password: 'Correct-horse-9', role: 'auditor', storeIds: [] } })),
  row('PATCH', '/api/users/{id}', [U, U, U, U, F, F, F, 'ok'], async (fx) => ({ path: `/api/users/${await fx.user()}`, body: { name: 'Renamed person' } })),
  row('GET', '/api/stores', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/stores')),
  row('GET', '/api/staff', [U, U, U, U, 'ok', 'ok', F, 'ok'], (fx) => ({ path: `/api/staff?storeId=${fx.storeA}` })),
  row('POST', '/api/staff', [U, U, U, U, F, 'ok', F, 'ok'], (fx) => ({ path: '/api/staff', body: { storeId: fx.storeA, name: 'Counter', pin: String(10_000_000 + Math.floor(Math.random() * 89_999_999)) } })),
  row('GET', '/api/audit', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/audit')),
  row('GET', '/api/products', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/products')),
  row('GET', '/api/products/categories', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/products/categories')),
  row('GET', '/api/products/{id}', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], (fx) => ({ path: `/api/products/${fx.product}` })),
  row('GET', '/api/products/{id}/balances', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], (fx) => ({ path: `/api/products/${fx.product}/balances` })),
  row('POST', '/api/products', [U, U, U, U, F, F, F, 'ok'],
    () => ({ path: '/api/products', body: { sku: `M-${randomUUID().slice(0, 8)}`, name: 'Matrix product', category: 'Matrix', unitCostCents: 100 } })),
  row('PATCH', '/api/products/{id}', [U, U, U, U, F, F, F, 'ok'], (fx) => ({ path: `/api/products/${fx.product}`, body: { name: 'Renamed product' } })),
  row('POST', '/api/products/{id}/barcodes', [U, U, U, U, F, F, F, 'ok'], (fx) => ({ path: `/api/products/${fx.product}/barcodes`, body: { code: `INT${Math.floor(Math.random() * 1e9)}` } })),
  row('POST', '/api/catalog/import', [U, U, U, U, F, F, F, 'ok'],
    () => ({ path: '/api/catalog/import', raw: `sku,name,category,unit_cost_cents\nIM-${randomUUID().slice(0, 8)},Imported,Matrix,10\n`, contentType: 'text/csv' })),
  row('GET', '/api/stock/balances', [U, U, U, U, 'ok', 'ok', F, 'ok'], (fx) => ({ path: `/api/stock/balances?storeId=${fx.storeA}` })),
  row('GET', '/api/stock/ledger/{productId}', [U, U, U, U, 'ok', 'ok', F, 'ok'], (fx) => ({ path: `/api/stock/ledger/${fx.product}?storeId=${fx.storeA}` })),
  row('POST', '/api/stock/receipts', [U, U, U, U, F, 'ok', F, 'ok'], (fx) => ({ path: '/api/stock/receipts', body: { idempotencyKey: key(), storeId: fx.storeA, lines: [{ productId: fx.product, quantity: 1 }] } })),
  row('POST', '/api/stock/transfers', [U, U, U, U, F, F, F, 'ok'],
    (fx) => ({ path: '/api/stock/transfers', body: { idempotencyKey: key(), fromStoreId: fx.storeA, toStoreId: fx.storeB, lines: [{ productId: fx.product, quantity: 1 }] } }),
    'a transfer needs both stores in scope'),
  row('POST', '/api/stock/adjustments', [U, U, U, U, F, 'ok', F, 'ok'],
    (fx) => ({ path: '/api/stock/adjustments', body: { idempotencyKey: key(), storeId: fx.storeA, reason: 'damage', lines: [{ productId: fx.product, quantity: -1 }] } })),
  row('GET', '/api/alerts/low-stock', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/alerts/low-stock')),
  row('GET', '/api/terminals', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/terminals')),
  row('POST', '/api/enrolment-codes', [U, U, U, U, F, 'ok', F, 'ok'], (fx) => ({ path: '/api/enrolment-codes', body: { storeId: fx.storeA, terminalName: 'Matrix till' } })),
  row('POST', '/api/terminals/{id}/revoke', [U, U, U, U, F, 'ok', N, 'ok'], async (fx) => ({ path: `/api/terminals/${await fx.terminal()}/revoke` })),
  row('POST', '/api/terminals/{id}/commands', [U, U, U, U, F, 'ok', N, 'ok'], async (fx) => ({ path: `/api/terminals/${await fx.terminal()}/commands`, body: { kind: 'identify' } })),
  row('POST', '/api/till/enrol', ['ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID'],
    () => ({ path: '/api/till/enrol', body: { code: 'ZZZZ9999' } })),
  row('GET', '/api/till/me', [U, U, 'ok', U, U, U, U, U], plain('/api/till/me')),
  row('GET', '/api/till/catalog', [U, U, 'ok', U, U, U, U, U], plain('/api/till/catalog')),
  row('GET', '/api/stocktakes', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/stocktakes')),
  row('POST', '/api/stocktakes', [U, U, U, U, F, 'ok', F, 'ok'], (fx) => ({ path: '/api/stocktakes', body: { name: 'Matrix count', scope: { kind: 'stores', storeIds: [fx.storeA] } } })),
  row('POST', '/api/stocktakes', [U, U, U, U, F, F, F, 'ok'], () => ({ path: '/api/stocktakes', body: { name: 'Matrix chain count', scope: { kind: 'chain' } } }), 'a chain-wide count'),
  row('GET', '/api/stocktakes/{id}', [U, U, U, U, 'ok', 'ok', N, 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeA()}` })),
  row('GET', '/api/stocktakes/{id}', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeAB()}` }), 'each manager sees their store of a two-store count'),
  row('POST', '/api/stocktakes/{id}/start', [U, U, U, U, F, 'ok', N, 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeA()}/start` })),
  row('POST', '/api/stocktakes/{id}/start', [U, U, U, U, F, F, F, 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeAB()}/start` }), 'two stores'),
  row('POST', '/api/stocktakes/{id}/cancel', [U, U, U, U, F, 'ok', N, 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeA()}/cancel` })),
  row('POST', '/api/stocktakes/{id}/cancel', [U, U, U, U, F, F, F, 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeAB()}/cancel` }), 'a manager never cancels the whole of a two-store count'),
  ...(['force', 'close', 'recounts', 'reasons', 'approve', 'cancel'] as const).flatMap((step) => {
    const body = step === 'force' ? { terminalIds: [randomUUID()], reason: 'offline' } : step === 'recounts' ? { overThreshold: true } : step === 'reasons' ? { lines: [] } : undefined;
    const route = `/api/stocktakes/{id}/stores/{storeId}/${step}`;
    return [
      row('POST', route, [U, U, U, U, F, 'ok', F, 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeA()}/stores/${fx.storeA}/${step}`, body })),
      row('POST', route, [U, U, U, U, F, F, 'ok', 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeAB()}/stores/${fx.storeB}/${step}`, body }), 'store B of a two-store count'),
    ];
  }),
  row('GET', '/api/stocktakes/{id}/stores/{storeId}/variance', [U, U, U, U, 'ok', 'ok', F, 'ok'], async (fx) => ({ path: `/api/stocktakes/${await fx.stocktakeA()}/stores/${fx.storeA}/variance` })),
  row('GET', '/api/count-plans', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/count-plans')),
  row('POST', '/api/count-plans', [U, U, U, U, F, F, F, 'ok'],
    (fx) => ({ path: '/api/count-plans', body: { name: 'Matrix plan', cadence: 'daily', timeOfDay: '03:00', timezone: 'UTC', storeIds: [fx.storeA], method: 'full', enabled: false } })),
  row('GET', '/api/count-plans/{id}', [U, U, U, U, 'ok', 'ok', N, 'ok'], (fx) => ({ path: `/api/count-plans/${fx.plan}` })),
  row('PUT', '/api/count-plans/{id}', [U, U, U, U, F, F, F, 'ok'],
    (fx) => ({ path: `/api/count-plans/${fx.plan}`, body: { name: 'Matrix plan', cadence: 'daily', timeOfDay: '04:00', timezone: 'UTC', storeIds: [fx.storeA], method: 'full', enabled: false } })),
  row('POST', '/api/count-plans/{id}/run', [U, U, U, U, F, F, F, 'ok'], (fx) => ({ path: `/api/count-plans/${fx.plan}/run` })),
  row('GET', '/api/count-plans/{id}/runs', [U, U, U, U, 'ok', 'ok', N, 'ok'], (fx) => ({ path: `/api/count-plans/${fx.plan}/runs` })),
  row('GET', '/api/count-plans/{id}/abc', [U, U, U, U, 'ok', 'ok', N, 'ok'], (fx) => ({ path: `/api/count-plans/${fx.plan}/abc` })),
  row('DELETE', '/api/count-plans/{id}', [U, U, U, U, F, F, F, 'ok'], async (fx) => ({ path: `/api/count-plans/${fx.plan}` })),
  row('GET', '/api/reports', [U, U, U, U, 'ok', 'ok', 'ok', 'ok'], plain('/api/reports')),
  row('POST', '/api/reports', [U, U, U, U, 'ok', 'ok', F, 'ok'], async (fx) => ({ path: '/api/reports', body: { kind: 'store_variance', stocktakeId: await fx.stocktakeA(), storeId: fx.storeA } })),
  row('POST', '/api/reports', [U, U, U, U, 'ok', F, F, 'ok'], async (fx) => ({ path: '/api/reports', body: { kind: 'chain_variance', stocktakeId: await fx.stocktakeAB() } }), 'the consolidated report is head office\'s'),
  row('GET', '/api/reports/{id}', [U, U, U, U, 'ok', 'ok', N, 'ok'], (fx) => ({ path: `/api/reports/${fx.report}` })),
  row('POST', '/api/reports/{id}/retry', [U, U, U, U, 'ok', 'ok', N, 'ok'], (fx) => ({ path: `/api/reports/${fx.report}/retry` })),
  row('GET', '/api/reports/{id}/files/{format}', [U, U, U, U, 'ok', 'ok', N, 'ok'], (fx) => ({ path: `/api/reports/${fx.report}/files/csv` })),
];

/** Everything a refused request could have changed. */
const FINGERPRINT = `select
  (select count(*) from audit_event) as audit,
  (select coalesce(max(id), 0) from stock_movement) as movements,
  (select coalesce(string_agg(status, ',' order by stocktake_id, store_id), '') from stocktake_store) as counts,
  (select coalesce(string_agg(status, ',' order by id), '') from stocktake) as stocktakes,
  (select count(*) from terminal where revoked_at is not null) as revoked,
  (select count(*) from app_user) as users, (select coalesce(string_agg(name, ',' order by id), '') from app_user) as user_names,
  (select count(*) from product) as products, (select coalesce(string_agg(name, ',' order by id), '') from product) as product_names,
  (select count(*) from count_plan) as plans, (select count(*) from report) as reports,
  (select count(*) from staff_member) as staff, (select count(*) from enrolment_code) as codes`;

describe('Access matrix', () => {
  let t: TestApp;
  let admin: HttpClient & { user: { id: string } };
  let fx: Fx;
  const clients = {} as Record<Who, () => Promise<HttpClient>>;

  beforeAll(async () => {
    t = await bootApp();
    const em = t.em();
    const a = await createStore(em);
    const b = await createStore(em);
    const product = await createProduct(em);
    admin = await signedIn(t.url, em, 'admin');
    const till = await enrolTill(t.url, admin, a.id);
    const revoked = await enrolTill(t.url, admin, a.id);
    expect((await admin.post(`/api/terminals/${revoked.terminalId}/revoke`)).status).toBe(204);
    const users = {
      auditor: await createUser(em, 'auditor'),
      mgrA: await createUser(em, 'manager', [a.id]),
      mgrB: await createUser(em, 'manager', [b.id]),
      admin: await createUser(em, 'admin'),
    };
    const login = async (u: { email: string; password: string }) => {
      const c = new HttpClient(t.url);
      const res = await c.post('/api/auth/login', { email: u.email, password: u.password });
      if (res.status !== 200) throw new Error(`login ${res.status} ${JSON.stringify(res.body)}`);
      return c;
    };
    const expired = await login(await createUser(em, 'admin'));
    await em.getConnection().execute(`update user_session set expires_at = now() - interval '1 minute' where token_hash = encode(sha256(convert_to(?, 'UTF8')), 'hex')`, [decodeURIComponent(expired.cookie!.split('=')[1])]);
    expect((await expired.get('/api/auth/me')).status).toBe(401);
    const bearer = (token: string) => {
      const c = new HttpClient(t.url);
      const request = c.request.bind(c);
      c.request = (m, p, body, opts = {}) => request(m, p, body, { ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${token}` } });
      return c;
    };
    clients.anon = async () => new HttpClient(t.url);
    clients.expired = async () => expired;
    clients.till = async () => bearer(till.token);
    clients.revoked = async () => bearer(revoked.token);
    // Sessions are made per cell where a route ends them (logout); otherwise one per principal.
    const cached = new Map<Who, HttpClient>();
    for (const w of ['auditor', 'mgrA', 'mgrB', 'admin'] as const) {
      clients[w] = async () => cached.get(w) ?? (cached.set(w, await login(users[w])), cached.get(w)!);
    }
    const created = async (res: HttpResult): Promise<string> => {
      if (res.status >= 300) throw new Error(`fixture: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    const planRes = await admin.post('/api/count-plans', { name: 'Fixture plan', cadence: 'daily', timeOfDay: '02:00', timezone: 'UTC', storeIds: [a.id], method: 'full', enabled: false });
    const reportId = randomUUID();
    await em.getConnection().execute(`insert into report (id, kind, title, store_id, store_scope, params) values (?, 'store_variance', 'Fixture report', ?, ?::jsonb, '{}')`, [reportId, a.id, JSON.stringify([a.id])]);
    fx = {
      storeA: a.id,
      storeB: b.id,
      product: product.id,
      stocktakeA: async () => created(await admin.post('/api/stocktakes', { name: 'Fixture A', scope: { kind: 'stores', storeIds: [a.id] } })),
      stocktakeAB: async () => created(await admin.post('/api/stocktakes', { name: 'Fixture AB', scope: { kind: 'stores', storeIds: [a.id, b.id] } })),
      plan: await created(planRes),
      report: reportId,
      terminal: async () => (await enrolTill(t.url, admin, a.id)).terminalId,
      user: async () => (await createUser(em, 'auditor')).id,
    };
  });
  afterAll(async () => { await t?.close(); });

  it('has a row for every route of the OpenAPI document, and no row for a route that does not exist', async () => {
    const doc = (await new HttpClient(t.url).get('/api/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const tabled = [...new Set(TABLE.map((r) => `${r.method} ${r.route}`))].sort();
    expect(tabled).toEqual(served);
  });

  const fingerprint = async () => JSON.stringify((await t.em().getConnection().execute(FINGERPRINT))[0]);

  for (const r of TABLE) {
    it(`${r.method} ${r.route}${r.note ? ` (${r.note})` : ''}`, async () => {
      const failures: string[] = [];
      for (const [i, who] of WHO.entries()) {
        const expected = r.cells[i];
        const req = await r.req(fx);
        let client = await clients[who]();
        if (r.route === '/api/auth/logout' && ['auditor', 'mgrA', 'mgrB', 'admin'].includes(who)) {
          // Logging out ends the session: use a throwaway one of the same role.
          client = await signedIn(t.url, t.em(), who === 'auditor' ? 'auditor' : who === 'admin' ? 'admin' : 'manager', who === 'mgrA' ? [fx.storeA] : who === 'mgrB' ? [fx.storeB] : []);
        }
        const before = await fingerprint();
        const res = await client.request(r.method, req.path, req.body ?? (r.method === 'GET' || r.method === 'DELETE' || req.raw !== undefined ? undefined : {}), req.raw === undefined ? {} : { raw: req.raw, contentType: req.contentType });
        const code: string | undefined = res.body?.error?.code;
        const seen = `${res.status}${code ? ` ${code}` : ''}`;
        let good: boolean;
        if (expected === 'ok') good = res.status < 500 && res.status !== 401 && res.status !== 403 && !(res.status === 404 && code === 'NOT_FOUND');
        else if (typeof expected === 'number') good = res.status === expected;
        else good = code === expected;
        if (!good) failures.push(`${who}: expected ${expected}, got ${seen} ${JSON.stringify(res.body).slice(0, 160)}`);
        if (res.status >= 500) failures.push(`${who}: server error ${seen}`);
        if (typeof expected === 'number' && expected >= 400 && (await fingerprint()) !== before) failures.push(`${who}: refused with ${seen} but something changed`);
      }
      expect(failures).toEqual([]);
    });
  }

  describe('sockets', () => {
    const connect = (ns: string, opts: { token?: unknown; cookie?: string | null; origin?: string }) =>
      new Promise<{ ok: boolean; code?: string; socket?: ReturnType<typeof io> }>((resolve) => {
        const s = io(`${t.url}${ns}`, {
          path: '/socket.io', transports: ['websocket'], forceNew: true, reconnection: false,
          auth: opts.token === undefined ? {} : { token: opts.token },
          extraHeaders: { ...(opts.cookie ? { cookie: opts.cookie } : {}), ...(opts.origin ? { origin: opts.origin } : {}) },
        });
        s.on('connect', () => resolve({ ok: true, socket: s }));
        s.on('connect_error', (e: Error & { data?: { code?: string } }) => { s.disconnect(); resolve({ ok: false, code: e.data?.code }); });
      });

    it('lets each principal into exactly the namespaces it belongs to', async () => {
      const tokens = { till: (await enrolTill(t.url, admin, fx.storeA)).token, revoked: '' };
      const rev = await enrolTill(t.url, admin, fx.storeA);
      await admin.post(`/api/terminals/${rev.terminalId}/revoke`);
      tokens.revoked = rev.token;
      const cookies: Partial<Record<Who, string | null>> = { anon: null, till: null, revoked: null, expired: (await clients.expired()).cookie };
      for (const w of ['auditor', 'mgrA', 'mgrB', 'admin'] as const) cookies[w] = (await clients[w]()).cookie;
      const tokenOf: Partial<Record<Who, string>> = { till: tokens.till, revoked: tokens.revoked };

      //                      anon   exp    till   rev    aud    mgrA   mgrB   admin
      const expected: Record<string, boolean[]> = {
        '/': [false, false, false, false, false, false, false, false],
        '/admin': [false, false, false, false, true, true, true, true],
        '/till': [false, false, true, false, false, false, false, false],
      };
      const failures: string[] = [];
      for (const [ns, cells] of Object.entries(expected)) {
        for (const [i, who] of WHO.entries()) {
          const r = await connect(ns, { token: tokenOf[who], cookie: cookies[who] ?? null });
          r.socket?.disconnect();
          if (r.ok !== cells[i]) failures.push(`${ns} ${who}: expected ${cells[i] ? 'connected' : 'refused'}, got ${r.ok ? 'connected' : `refused ${r.code}`}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('answers every till event of a till, and acts only inside its own store', async () => {
      const till = await enrolTill(t.url, admin, fx.storeA);
      const sut = new TillClient(t.url, till.token);
      await sut.connected();
      try {
        const before = await fingerprint();
        // A sale for another store is refused and stores nothing.
        const foreignSale = await sut.emit('sale.submit.v1', {
          id: randomUUID(), kind: 'sale', storeId: fx.storeB, seq: 1, at: Date.now(), tender: 'cash', lines: [{ productId: fx.product, quantity: 1, unitPriceCents: 100 }],
        });
        expect(foreignSale).toMatchObject({ ok: false, error: { code: 'OUT_OF_SCOPE' } });
        expect(await fingerprint()).toBe(before);
        // Every event of the map answers with a typed ack (no event is left unanswered or untyped).
        const answers = await Promise.all([
          sut.emit('till.heartbeat.v1', { sentAt: Date.now() }),
          sut.emit('staff.signin.v1', { pin: '00000000' }),
          sut.emit('count.submit.v1', { entries: [] }),
          sut.emit('till.state.v1', { nonsense: true }),
        ]);
        for (const a of answers) expect(typeof a.ok).toBe('boolean');
        expect(answers[1]).toMatchObject({ ok: false, error: { code: 'STAFF_PIN_INVALID' } });
        expect(answers[3]).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      } finally {
        sut.close();
      }
    });

    it('sends a manager the fleet changes of their stores only', async () => {
      const mgrA = await connect('/admin', { cookie: (await clients.mgrA()).cookie });
      const mgrB = await connect('/admin', { cookie: (await clients.mgrB()).cookie });
      expect(mgrA.ok && mgrB.ok).toBe(true);
      const seenA: unknown[] = [];
      const seenB: unknown[] = [];
      mgrA.socket!.on('fleet.changed.v1', (p: unknown) => seenA.push(p));
      mgrB.socket!.on('fleet.changed.v1', (p: unknown) => seenB.push(p));
      const till = await enrolTill(t.url, admin, fx.storeA);
      const sut = new TillClient(t.url, till.token);
      await sut.connected();
      const deadline = Date.now() + 10_000;
      while (!seenA.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seenA.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 500)); // what B would have been sent has had time to arrive
      expect(JSON.stringify(seenB)).not.toContain(till.terminalId);
      sut.close();
      mgrA.socket!.disconnect();
      mgrB.socket!.disconnect();
    });
  });
});
