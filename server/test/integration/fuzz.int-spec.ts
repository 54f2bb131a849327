import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { isPermanentRefusal, tillToHub } from '@stockfleet/shared';
import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient, type HttpResult } from '../utils/http';
import { createProduct, createStaff, createStore, newGtin13, signedIn } from '../utils/factories';
import { enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';

/**
 * Hostile input against the real hub: every REST route that takes a body and every till socket event,
 * each with otherwise-valid bodies into which fast-check mixes NUL, lone surrogates, controls, huge
 * and negative numbers, 2^31, 8.64e15, Infinity (as raw JSON), NaN-ish strings, objects and arrays
 * where strings belong, very long strings and prototype keys. Whatever comes in: never a 5xx, never
 * INTERNAL, a refusal stores nothing, and the hub stays healthy.
 */

/** Runs per property: kept small for `npm test`; FUZZ_RUNS=500 searches deeper by hand. */
const runs = (n: number) => Number(process.env.FUZZ_RUNS ?? n);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Literals JSON.stringify cannot write (1e400 parses to Infinity): spliced into the request text. */
const rawToken = (token: string) => `\u0001RAW:${token}\u0001`;
const toJsonText = (body: Json) => JSON.stringify(body).replace(/"\\u0001RAW:([^"\\]*)\\u0001"/g, '$1');

const hostileText = fc.oneof(
  fc.constantFrom(
    '\u0000', 'a\u0000b', '\uD800', 'x\uDFFFy', '\uDBFF\uDBFF', '\uDE00\uD83D', '\u001B[2J', '\u0007', '\r\n', '\u007F', '\u0085', '\u009B',
    '\u202Eevil', '\uFEFF', ' ', '', 'NaN', 'Infinity', '-Infinity', '-1', '1e309', '0x7fffffff', '2147483648', 'null', 'undefined', 'true',
    '__proto__', 'constructor', '{"$gt":""}', "'; drop table product; --", '%00', '\\u0000', 'e\u0301', '\u{1F600}', '9999-99-99',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(10_000, 70_000).map((n) => 'A'.repeat(n)),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(
    2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 32, 8.64e15, 8.64e15 + 1, -8.64e15, 4102444800001, 1e308, -1e308, -1, 0, -0, 0.5, -0.5, 1e-7,
    Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, Number.MIN_SAFE_INTEGER, 100_000_000, 1_000_000, 1_000_001,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileRaw = fc.constantFrom('1e400', '-1e400', '1E+999', '-0.0e0').map(rawToken);
const hostileShape: fc.Arbitrary<Json> = fc.constantFrom<Json>(
  {}, [], [[]], null, true, false, ['a'], [1, 2], { $ne: null }, { toString: 'x' }, { valueOf: 1 },
  JSON.parse('{"__proto__":{"admin":true}}') as Json, { constructor: { prototype: { polluted: true } } },
);
const hostile: fc.Arbitrary<Json> = fc.oneof(hostileText, hostileNumber, hostileRaw, hostileShape);
const extraKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', '', '\u0000', 'storeId ');

/** Every place in a body, as a path: objects and arrays too, so whole sub-trees get replaced. */
function paths(v: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push(...paths(v[k], [...at, k]));
  return out;
}

type Mutation =
  | { kind: 'replace'; pick: number; value: Json }
  | { kind: 'splice'; pick: number; value: string }
  | { kind: 'extra'; pick: number; key: string; value: Json };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostile }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('splice' as const), pick: fc.nat(), value: hostileText }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extra' as const), pick: fc.nat(), key: extraKey, value: hostile }) },
);

/** A deep copy as JSON makes it: own `__proto__` keys stay own keys, and shared hostile values are never edited in place. */
const copy = (v: Json): Json => JSON.parse(JSON.stringify(v)) as Json;

/** Applies mutations to a copy of a valid body; a path of [] replaces the whole body. */
function mutate(base: Json, ms: Mutation[]): Json {
  let body = copy(base);
  for (const m of ms) {
    const all = paths(body);
    const path = all[m.pick % all.length];
    const get = (p: Array<string | number>) => p.reduce<Json>((v, k) => (v as Record<string, Json>)[k], body);
    const set = (p: Array<string | number>, value: Json) => {
      if (p.length === 0) body = value;
      else Object.defineProperty(get(p.slice(0, -1)) as object, p[p.length - 1], { value, enumerable: true, writable: true, configurable: true });
    };
    const current = get(path);
    if (m.kind === 'replace') set(path, copy(m.value));
    else if (m.kind === 'splice') set(path, typeof current === 'string' ? current.slice(0, 3) + m.value + current.slice(3) : m.value);
    else if (current && typeof current === 'object' && !Array.isArray(current)) {
      // An own property, as JSON.parse makes it: `__proto__` too.
      Object.defineProperty(current, m.key, { value: copy(m.value), enumerable: true, writable: true, configurable: true });
    } else set(path, copy(m.value));
  }
  return body;
}

/**
 * The systematic part: every leaf of a valid body gets each value the attack used, one at a time —
 * NUL and a lone surrogate spliced into strings, an object where a string belongs, 2^31, 8.64e15, −1
 * and Infinity for numbers — so no field is left to chance; the random part then mixes them.
 */
function sweep(base: Json): Mutation[] {
  const out: Mutation[] = [];
  paths(base).forEach((path, pick) => {
    if (path.length === 0) return;
    const leaf = path.reduce<Json>((v, k) => (v as Record<string, Json>)[k], base);
    if (typeof leaf === 'string') {
      for (const value of ['\u0000', '\uD800']) out.push({ kind: 'splice', pick, value });
      out.push({ kind: 'replace', pick, value: { nested: 'object' } });
    } else if (typeof leaf === 'number') {
      for (const value of [2 ** 31, 8.64e15, -1, rawToken('1e400')]) out.push({ kind: 'replace', pick, value });
    } else if (typeof leaf === 'boolean' || leaf === null) {
      out.push({ kind: 'replace', pick, value: 'true' });
    }
  });
  return out;
}

describe('Fuzzing every body and every till event', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signedIn>>;
  let anon: HttpClient;
  let sim: SimTill;
  const ctx = {} as {
    store: Awaited<ReturnType<typeof createStore>>;
    other: Awaited<ReturnType<typeof createStore>>;
    products: Array<Awaited<ReturnType<typeof createProduct>>>;
    terminalId: string;
    offlineTill: string;
    stocktakeId: string;
    planId: string;
    userId: string;
    pin: string;
  };
  let saleSeq = 1000;
  let countSeq = 1000;

  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
    anon = new HttpClient(t.url);
    ctx.store = await createStore(t.em(), { zones: ['A1', 'BR'] });
    ctx.other = await createStore(t.em());
    ctx.products = await Promise.all([createProduct(t.em()), createProduct(t.em()), createProduct(t.em(), { packMultiplier: 6 })]);
    const staff = await createStaff(t.em(), ctx.store.id, t.config.sessionSecret, '48213');
    ctx.pin = staff.pin;
    const e = await enrolTill(t.url, admin, ctx.store.id, 'Fuzz till');
    ctx.terminalId = e.terminalId;
    sim = new SimTill(t.url, e.token, ctx.store.id, e.terminalId);
    await sim.connected();
    // A second till that never connects: commands to it come back at once (nobody to wait for).
    ctx.offlineTill = (await enrolTill(t.url, admin, ctx.other.id, 'Fuzz offline')).terminalId;
    // The till's store counts, so count lines reach the ingest statement.
    const st = await admin.post('/api/stocktakes', { name: 'Fuzz count', scope: { kind: 'stores', storeIds: [ctx.store.id] } });
    ctx.stocktakeId = st.body.id;
    expect((await admin.post(`/api/stocktakes/${ctx.stocktakeId}/start`)).status).toBe(200);
    await until(() => admin.get(`/api/stocktakes/${ctx.stocktakeId}`).then((r) => r.body.stores[0].status), (s) => s === 'counting', 'store counting');
    const plan = await admin.post('/api/count-plans', planBody());
    ctx.planId = plan.body.id;
    const user = await admin.post('/api/users', { email: `fz-${randomUUID()}@test.stockfleet`, name: 'Fuzz', password: 'long-enough-pw', role: 'auditor' });
    ctx.userId = user.body.id;
  });
  afterAll(async () => {
    sim?.close();
    await t.close();
  });

  const key = () => `fz-${randomUUID()}`;
  const pid = (i = 0) => ctx.products[i].id;
  const planBody = (): Json => ({
    name: 'Fuzz plan', cadence: 'weekly', timeOfDay: '06:00', timezone: 'Europe/Berlin', weekday: 1, storeIds: [ctx.store.id], method: 'full',
  });

  /** What this spec's requests can have stored, counted in one statement (scoped to its own stores, till and admin). */
  async function footprint(): Promise<Record<string, string>> {
    const stores = `{${[ctx.store.id, ctx.other.id].join(',')}}`;
    const [row] = await t.em().getConnection().execute<Array<Record<string, string>>>(
      `select
         (select count(*) from audit_event where actor_id = ? or store_id = any(?::uuid[])) as audit,
         (select count(*) from stock_movement where store_id = any(?::uuid[])) as movements,
         (select coalesce(sum(on_hand), 0) from stock_balance where store_id = any(?::uuid[])) as on_hand,
         (select count(*) from sale where store_id = any(?::uuid[])) as sales,
         (select count(*) from count_entry where store_id = any(?::uuid[])) as counts,
         (select count(*) from staff_member where store_id = any(?::uuid[])) as staff,
         (select count(*) from enrolment_code where store_id = any(?::uuid[])) as codes,
         (select count(*) from terminal where store_id = any(?::uuid[])) as terminals,
         (select count(*) from stocktake where created_by = ?) as stocktakes,
         (select count(*) from count_plan where created_by = ?) as plans,
         (select count(*) from report where requested_by = ?) as reports,
         (select count(*) from recount_task where store_id = any(?::uuid[])) as recounts,
         (select count(*) from variance_reason where store_id = any(?::uuid[])) as reasons,
         (select count(*) from product where id = any(?::uuid[]) and updated_at > created_at) as products_changed,
         (select count(*) from barcode where product_id = any(?::uuid[])) as barcodes`,
      [admin.user.id, stores, stores, stores, stores, stores, stores, stores, stores, admin.user.id, admin.user.id, admin.user.id, stores, stores,
        `{${ctx.products.map((p) => p.id).join(',')}}`, `{${ctx.products.map((p) => p.id).join(',')}}`],
    );
    return row;
  }

  interface Route {
    method: 'POST' | 'PUT' | 'PATCH';
    /** As OpenAPI names it. */
    path: string;
    url: () => string;
    body: () => Promise<Json> | Json;
    client?: () => HttpClient;
    /** A valid body succeeds (false where the route needs a state this spec does not set up). */
    valid: boolean;
  }

  const routes: Route[] = [
    { method: 'POST', path: '/api/auth/login', url: () => '/api/auth/login', client: () => anon, valid: false,
      body: () => ({ email: `nobody-${randomUUID()}@test.stockfleet`, password: 'not-the-password' }) },
    { method: 'POST', path: '/api/users', url: () => '/api/users', valid: true,
      body: () => ({ email: `fz-${randomUUID()}@test.stockfleet`, name: 'Fuzz user', password: 'long-enough-pw', role: 'manager', storeIds: [ctx.store.id] }) },
    { method: 'PATCH', path: '/api/users/{id}', url: () => `/api/users/${ctx.userId}`, valid: true, body: () => ({ name: 'Fuzz renamed' }) },
    { method: 'POST', path: '/api/products', url: () => '/api/products', valid: true,
      body: () => ({ sku: `FZ-${randomUUID().slice(0, 8)}`, name: 'Fuzz product', category: 'Fuzz', unitCostCents: 100, unitPriceCents: 150, lowStockThreshold: 2, barcodes: [{ code: newGtin13(), kind: 'gtin', multiplier: 1 }] }) },
    { method: 'PATCH', path: '/api/products/{id}', url: () => `/api/products/${pid(1)}`, valid: true, body: () => ({ name: 'Fuzz renamed', category: 'Fuzz', unitPriceCents: 175 }) },
    { method: 'POST', path: '/api/products/{id}/barcodes', url: () => `/api/products/${pid(1)}/barcodes`, valid: true, body: () => ({ code: newGtin13(), kind: 'gtin', multiplier: 1 }) },
    { method: 'POST', path: '/api/staff', url: () => '/api/staff', valid: true,
      body: () => ({ storeId: ctx.store.id, name: 'Fuzz staff', pin: String(10_000_000 + Math.floor(Math.random() * 89_999_999)), badge: `B-${randomUUID().slice(0, 8)}` }) },
    { method: 'POST', path: '/api/stock/receipts', url: () => '/api/stock/receipts', valid: true,
      body: () => ({ idempotencyKey: key(), storeId: ctx.store.id, reference: 'DN 4711', lines: [{ productId: pid(0), quantity: 5 }, { productId: pid(1), quantity: 1 }] }) },
    { method: 'POST', path: '/api/stock/transfers', url: () => '/api/stock/transfers', valid: true,
      body: () => ({ idempotencyKey: key(), fromStoreId: ctx.store.id, toStoreId: ctx.other.id, reference: 'T-1', lines: [{ productId: pid(0), quantity: 1 }] }) },
    { method: 'POST', path: '/api/stock/adjustments', url: () => '/api/stock/adjustments', valid: true,
      body: () => ({ idempotencyKey: key(), storeId: ctx.store.id, reason: 'damage', note: 'Dropped\nbox', lines: [{ productId: pid(1), quantity: -1 }] }) },
    { method: 'POST', path: '/api/count-plans', url: () => '/api/count-plans', valid: true, body: planBody },
    { method: 'PUT', path: '/api/count-plans/{id}', url: () => `/api/count-plans/${ctx.planId}`, valid: true, body: planBody },
    { method: 'POST', path: '/api/reports', url: () => '/api/reports', valid: true, body: () => ({ kind: 'slow_movers', storeIds: [ctx.store.id], windowDays: 30, maxUnitsSold: 0 }) },
    { method: 'POST', path: '/api/stocktakes', url: () => '/api/stocktakes', valid: true,
      body: () => ({ name: 'Fuzz draft', scope: { kind: 'stores', storeIds: [ctx.other.id], filter: { kind: 'categories', categories: ['Fuzz'] } }, thresholds: { quantity: 1, percent: 5, valueCents: 100 } }) },
    { method: 'POST', path: '/api/stocktakes/{id}/stores/{storeId}/force', url: () => `/api/stocktakes/${ctx.stocktakeId}/stores/${ctx.store.id}/force`, valid: false,
      body: () => ({ terminalIds: [ctx.terminalId], reason: 'till offline' }) },
    { method: 'POST', path: '/api/stocktakes/{id}/stores/{storeId}/recounts', url: () => `/api/stocktakes/${ctx.stocktakeId}/stores/${ctx.store.id}/recounts`, valid: false,
      body: () => ({ lines: [{ productId: pid(0), zoneId: ctx.store.zones[0].id }], overThreshold: false }) },
    { method: 'POST', path: '/api/stocktakes/{id}/stores/{storeId}/reasons', url: () => `/api/stocktakes/${ctx.stocktakeId}/stores/${ctx.store.id}/reasons`, valid: false,
      body: () => ({ lines: [{ productId: pid(0), reason: 'damage' }] }) },
    { method: 'POST', path: '/api/enrolment-codes', url: () => '/api/enrolment-codes', valid: true, body: () => ({ storeId: ctx.other.id, terminalName: 'Fuzz pairing' }) },
    { method: 'POST', path: '/api/terminals/{id}/commands', url: () => `/api/terminals/${ctx.offlineTill}/commands`, valid: true, body: () => ({ kind: 'message', text: 'Hello\nthere' }) },
    { method: 'POST', path: '/api/till/enrol', url: () => '/api/till/enrol', client: () => anon, valid: true,
      body: async () => ({ code: (await admin.post('/api/enrolment-codes', { storeId: ctx.other.id, terminalName: 'Fuzz enrol' })).body.code, appVersion: '1.0.0' }) },
  ];

  const send = (r: Route, body: Json): Promise<HttpResult> => (r.client?.() ?? admin).request(r.method, r.url(), undefined, { raw: toJsonText(body) });

  /** Refusals that are recorded on purpose (a failed sign-in is audited), so they may change the footprint. */
  const AUDITED_REFUSALS = new Set(['INVALID_CREDENTIALS', 'RATE_LIMITED', 'STAFF_PIN_INVALID']);

  it('covers every REST route that takes a body (from the OpenAPI document), and each valid body works', async () => {
    const doc = await anon.get('/api/docs/json');
    expect(doc.status).toBe(200);
    const withBody: string[] = [];
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, Record<string, { requestBody?: unknown }>>)) {
      for (const [method, op] of Object.entries(ops)) if (op.requestBody) withBody.push(`${method.toUpperCase()} ${path}`);
    }
    const covered = new Set([...routes.map((r) => `${r.method} ${r.path}`), 'POST /api/catalog/import']);
    expect(withBody.filter((r) => !covered.has(r))).toEqual([]);
    expect(withBody.length).toBeGreaterThanOrEqual(15);

    for (const r of routes) {
      const res = await send(r, await r.body());
      expect({ route: r.path, status: res.status < 500 }).toEqual({ route: r.path, status: true });
      if (r.valid) expect({ route: r.path, ok: res.status < 300, error: res.status < 300 ? undefined : res.body }).toEqual({ route: r.path, ok: true, error: undefined });
    }
  });

  it('never answers a hostile REST body with a 5xx or INTERNAL, and a refusal stores nothing', async () => {
    const seen = new Map<string, number>();
    /** One request: never a 5xx or INTERNAL; a refusal leaves the footprint as it was. */
    const probe = async (r: Route, ms: Mutation[]) => {
      const body = mutate(await r.body(), ms);
      const before = await footprint();
      const res = await send(r, body);
      const code: string | undefined = res.body?.error?.code;
      seen.set(`${res.status}`, (seen.get(`${res.status}`) ?? 0) + 1);
      expect({ route: r.path, body, status: res.status, code }).toEqual({ route: r.path, body, status: res.status < 500 ? res.status : '< 500', code: code === 'INTERNAL' ? 'not INTERNAL' : code });
      if (res.status >= 400 && !AUDITED_REFUSALS.has(code ?? '')) expect({ route: r.path, body, after: await footprint() }).toEqual({ route: r.path, body, after: before });
    };
    for (const r of routes) {
      for (const m of sweep(await r.body())) await probe(r, [m]);
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => probe(r, ms)), { numRuns: runs(12) });
    }
    // The fuzz reached both sides: refusals and (mutations that stay valid) successes.
    expect([...seen.keys()].some((s) => s.startsWith('4'))).toBe(true);
    expect([...seen.keys()].some((s) => s.startsWith('2'))).toBe(true);
  }, Math.max(90_000, runs(12) * 3_000));

  it('never answers a hostile CSV import with a 5xx, and imports nothing from a refused file', async () => {
    const header = 'sku,name,category,unit_cost_cents,unit_price_cents,uom,low_stock_threshold,barcode,barcode_kind,multiplier';
    const cell = fc.oneof(hostileText, hostileNumber.map(String), fc.constantFrom('"', '""', ',', '\n', '"a"b', '\r'));
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(9), cell, fc.boolean()), { minLength: 1, maxLength: 4 }), async (hits) => {
        const sku = `FZI-${randomUUID().slice(0, 8)}`;
        const row = [sku, 'Imported', 'Fuzz', '100', '150', 'piece', '0', newGtin13(), 'gtin', '1'];
        for (const [col, value, quoted] of hits) row[col] = quoted ? quote(value) : value;
        const before = await footprint();
        const res = await admin.request('POST', '/api/catalog/import', undefined, { raw: `${header}\n${row.join(',')}\n`, contentType: 'text/csv' });
        expect({ row, status: res.status, code: res.body?.error?.code }).toEqual({ row, status: res.status < 500 ? res.status : '< 500', code: res.body?.error?.code === 'INTERNAL' ? 'not INTERNAL' : res.body?.error?.code });
        if (res.status >= 400) {
          expect(await footprint()).toEqual(before);
          expect(Number((await t.em().getConnection().execute<Array<{ n: string }>>(`select count(*) as n from product where sku = ?`, [sku]))[0].n)).toBe(0);
        }
      }),
      { numRuns: runs(30) },
    );
  });

  type TillEvent = keyof typeof tillToHub;
  const events: Record<TillEvent, () => Json> = {
    'till.state.v1': () => ({ mode: 'counting', epoch: sim.epoch, appVersion: 'sim-1', scanner: { kind: 'simulated', status: 'ready' }, outboxDepth: 0, lastSaleSeq: 0, saleInProgress: false, staffId: null, locale: 'zh-Hant' }),
    'till.heartbeat.v1': () => {
      const now = Date.now();
      return { sentAt: now, previous: { sentAt: now - 20, hubAt: now - 10, receivedAt: now - 1 } };
    },
    'staff.signin.v1': () => ({ pin: ctx.pin }),
    'sale.submit.v1': () => {
      const lines: Json[] = [{ productId: pid(0), quantity: 2, unitPriceCents: 150, code: ctx.products[0].gtin }, { productId: pid(1), quantity: 1, unitPriceCents: 99 }];
      return { id: randomUUID(), kind: 'sale', storeId: ctx.store.id, seq: ++saleSeq, at: Date.now(), tender: 'card', lines };
    },
    'count.submit.v1': () => ({
      stocktakeId: ctx.stocktakeId,
      entries: <Json[]>[
        { id: randomUUID(), zoneId: ctx.store.zones[0].id, productId: pid(0), quantity: 3, at: Date.now(), seq: ++countSeq, staffId: null, recountTaskId: null },
        { id: randomUUID(), zoneId: ctx.store.zones[1].id, code: ctx.products[2].packCode, quantity: 1, at: Date.now(), seq: ++countSeq },
      ],
    }),
  };

  it('covers every till event, and each valid payload is accepted', async () => {
    expect(Object.keys(events).sort()).toEqual(Object.keys(tillToHub).sort());
    for (const [event, body] of Object.entries(events)) {
      const ack = await sim.emit(event as TillEvent, body());
      expect({ event, ack }).toEqual({ event, ack: expect.objectContaining({ ok: true }) });
    }
  });

  it('answers every hostile till event with a typed ack (never INTERNAL), says whether it is permanent, and stores nothing it refuses', async () => {
    const probe = async (event: TillEvent, ms: Mutation[]) => {
      // Sockets carry JavaScript values, not JSON text: a raw token (Infinity) travels as null.
      const payload = JSON.parse(JSON.stringify(mutate(events[event](), ms)).replace(/"\\u0001RAW:[^"\\]*\\u0001"/g, 'null')) as Json;
      const before = await footprint();
      const ack = await sim.emit(event, payload);
      expect(sim.socket.connected).toBe(true);
      expect(typeof ack?.ok).toBe('boolean');
      if (!ack.ok) {
        expect({ event, payload, code: ack.error.code }).toEqual({ event, payload, code: ack.error.code === 'INTERNAL' ? 'not INTERNAL' : ack.error.code });
        expect(ack.error.permanent).toBe(isPermanentRefusal(ack.error.code));
        if (!AUDITED_REFUSALS.has(ack.error.code)) expect({ event, payload, after: await footprint() }).toEqual({ event, payload, after: before });
      }
    };
    for (const event of Object.keys(events) as TillEvent[]) {
      for (const m of sweep(events[event]())) await probe(event, [m]);
      await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => probe(event, ms)), { numRuns: runs(30) });
    }
  });

  it('stays healthy: ready, a normal request and a normal sale still work', async () => {
    const ready = await anon.get('/readyz');
    expect(ready.status).toBe(200);
    const receipt = await admin.post('/api/stock/receipts', { idempotencyKey: key(), storeId: ctx.store.id, lines: [{ productId: pid(0), quantity: 1 }] });
    expect(receipt.status).toBe(201);
    const sale = await sim.emit('sale.submit.v1', events['sale.submit.v1']());
    expect(sale).toMatchObject({ ok: true, data: { duplicate: false } });
    expect(sim.socket.connected).toBe(true);
  });
});
