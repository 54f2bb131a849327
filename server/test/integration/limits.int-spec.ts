import { randomBytes } from 'node:crypto';
import { io } from 'socket.io-client';
import { ErrorCode, RateLimitedDetailsSchema, type Ack } from '@stockfleet/shared';
import { LOGIN_LIMITS, PIN_LIMITS } from '../../src/common/limits/limit-policy';
import { sql } from '../../src/common/sql';
import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient, type HttpResult } from '../utils/http';
import { createStaff, createStore, createUser, signedIn } from '../utils/factories';
import { enrolTill, TillClient } from '../utils/till-client';

interface AuditRow {
  action: string;
  ip: string | null;
  details: { refusedInWindow?: number; limit?: string } | null;
}
type AckResult = Ack<{ staff: { id: string; name: string } }>;

const refused = (a: AckResult) => !a.ok && a.error.code === ErrorCode.RateLimited;
const limitOf = (a: AckResult) => (!a.ok && refused(a) ? RateLimitedDetailsSchema.parse(a.error.details).limit : null);

/** Credential limits live in Redis: they hold under concurrency, across hub nodes, and behind proxies. */
describe('Credential limits', () => {
  // The two nodes share one counter prefix (test-app gives each spec file its own); the teardown removes
  // `sf-test-<run>-*` keys.
  const prefix = `sf-test-${process.env.SF_TEST_RUN_ID}-limits-${randomBytes(3).toString('hex')}`;
  let a: TestApp;
  let b: TestApp;
  let admin: HttpClient;
  const clients: TillClient[] = [];
  const till = (app: TestApp, token: string) => { const c = new TillClient(app.url, token); clients.push(c); return c; };
  const actions = (app: TestApp, where: string, params: unknown[]) =>
    sql<AuditRow[]>(app.em(), `select action, ip, details from audit_event where ${where} order by id`, params);

  beforeAll(async () => {
    // Two hub nodes of one deployment: one database, one Redis, one key prefix.
    [a, b] = await Promise.all([bootApp({ LIMITS_PREFIX: prefix }), bootApp({ LIMITS_PREFIX: prefix })]);
    admin = await signedIn(a.url, a.em(), 'admin');
  });
  afterEach(() => { clients.splice(0).forEach((c) => c.close()); });
  afterAll(async () => { await Promise.all([a.close(), b.close()]); });

  describe('staff PINs', () => {
    it('a concurrent sweep over the socket has its first five PINs checked and finds nothing', async () => {
      const store = await createStore(a.em());
      const pins = ['4821', '5903', '7316'];
      for (const pin of pins) await createStaff(a.em(), store.id, a.config.sessionSecret, pin);
      const e = await enrolTill(a.url, admin, store.id);
      const c = till(a, e.token);
      await c.connected();
      // 300 guesses at once, the store's real PINs among them after the first few.
      const guesses = Array.from({ length: 300 }, (_, i) => String(1000 + i));
      guesses[20] = pins[0];
      guesses[150] = pins[1];
      guesses[299] = pins[2];

      const acks: AckResult[] = await Promise.all(guesses.map((pin) => c.emit('staff.signin.v1', { pin })));

      const checked = acks.filter((x) => !refused(x));
      expect(checked).toHaveLength(PIN_LIMITS.perTillPerMinute);
      expect(checked.every((x) => !x.ok && x.error.code === ErrorCode.StaffPinInvalid)).toBe(true);
      expect(acks.filter((x) => x.ok)).toEqual([]);
      const details = RateLimitedDetailsSchema.parse((acks.find(refused) as Extract<AckResult, { ok: false }>).error.details);
      expect(details.limit).toBe('pin.till');
      expect(details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(details.retryAfterSeconds).toBeLessThanOrEqual(60);

      const rows = await actions(a, `actor_id = ?`, [e.terminalId]);
      expect(rows.filter((r) => r.action === 'staff.signin_failed').map((r) => r.ip)).toEqual(Array(PIN_LIMITS.perTillPerMinute).fill('127.0.0.1'));
      expect(rows.filter((r) => r.action === 'staff.signed_in')).toHaveLength(0);
      // 295 refusals, audited at the 1st, 10th and 100th: visible, without a row per guess.
      expect(rows.filter((r) => r.action === 'staff.signin_rate_limited').map((r) => r.details?.refusedInWindow).sort((x, y) => x! - y!)).toEqual([1, 10, 100]);

      // Inside the window even the right PIN is refused.
      const after = await c.emit('staff.signin.v1', { pin: pins[0] });
      expect(refused(after)).toBe(true);
    });

    it('right PINs never use up the budget, and do not reset it either', async () => {
      const store = await createStore(a.em());
      const staff = await createStaff(a.em(), store.id, a.config.sessionSecret, '2468');
      const c = till(a, (await enrolTill(a.url, admin, store.id)).token);
      await c.connected();
      for (let i = 0; i < PIN_LIMITS.perTillPerMinute + 3; i++) {
        expect(await c.emit('staff.signin.v1', { pin: '2468' })).toMatchObject({ ok: true, data: { staff: { id: staff.id } } });
      }
      const wrong: AckResult[] = [];
      for (let i = 0; i < PIN_LIMITS.perTillPerMinute; i++) {
        // Knowing one PIN buys no extra guesses: a success between them gives back only its own count.
        expect((await c.emit('staff.signin.v1', { pin: '2468' })).ok).toBe(true);
        wrong.push(await c.emit('staff.signin.v1', { pin: '1357' }));
      }
      expect(wrong.every((x) => !x.ok && x.error.code === ErrorCode.StaffPinInvalid)).toBe(true);
      const next = await c.emit('staff.signin.v1', { pin: '1357' });
      expect(limitOf(next)).toBe('pin.till');
      expect(refused(await c.emit('staff.signin.v1', { pin: '2468' }))).toBe(true);
    });

    it('a sweep spread over two tills of one store stops at the store\'s limit; a third till adds nothing', async () => {
      const store = await createStore(a.em());
      await createStaff(a.em(), store.id, a.config.sessionSecret, '9182');
      const [t1, t2, t3] = await Promise.all([0, 1, 2].map(() => enrolTill(a.url, admin, store.id)));
      const c1 = till(a, t1.token);
      const c2 = till(a, t2.token);
      await Promise.all([c1.connected(), c2.connected()]);

      const sweep = (c: TillClient, from: number) => Promise.all(Array.from({ length: 20 }, (_, i) => c.emit('staff.signin.v1', { pin: String(from + i) }) as Promise<AckResult>));
      const [r1, r2] = await Promise.all([sweep(c1, 2000), sweep(c2, 3000)]);

      const checked1 = r1.filter((x) => !refused(x)).length;
      const checked2 = r2.filter((x) => !refused(x)).length;
      expect(checked1 + checked2).toBe(PIN_LIMITS.perStorePerMinute);
      expect(checked1).toBeLessThanOrEqual(PIN_LIMITS.perTillPerMinute);
      expect(checked2).toBeLessThanOrEqual(PIN_LIMITS.perTillPerMinute);
      expect([...r1, ...r2].map(limitOf)).toContain('pin.store');
      expect(await actions(a, `store_id = ? and action = 'staff.signin_failed'`, [store.id])).toHaveLength(PIN_LIMITS.perStorePerMinute);

      // A fresh till of the store, right PIN, first attempt: the store's budget is spent.
      const c3 = till(a, t3.token);
      await c3.connected();
      expect(limitOf(await c3.emit('staff.signin.v1', { pin: '9182' }))).toBe('pin.store');

      // Another store is not touched by it.
      const other = await createStore(a.em());
      await createStaff(a.em(), other.id, a.config.sessionSecret, '9182');
      const c4 = till(a, (await enrolTill(a.url, admin, other.id)).token);
      await c4.connected();
      expect((await c4.emit('staff.signin.v1', { pin: '9182' })).ok).toBe(true);
    });
  });

  describe('two hub nodes', () => {
    it('share the PIN limit of a till connected to both', async () => {
      const store = await createStore(a.em());
      const e = await enrolTill(a.url, admin, store.id);
      const onA = till(a, e.token);
      const onB = till(b, e.token);
      await Promise.all([onA.connected(), onB.connected()]);
      const burst = (c: TillClient, from: number) => Array.from({ length: 10 }, (_, i) => c.emit('staff.signin.v1', { pin: String(from + i) }) as Promise<AckResult>);
      const acks = await Promise.all([...burst(onA, 4000), ...burst(onB, 5000)]);
      expect(acks.filter((x) => !refused(x))).toHaveLength(PIN_LIMITS.perTillPerMinute);
    });

    it('share the sign-in limit of an account', async () => {
      const user = await createUser(a.em(), 'manager', [(await createStore(a.em())).id]);
      const attempt = (app: TestApp) => new HttpClient(app.url).post('/api/auth/login', { email: user.email, password: 'not-the-password' });
      const results = await Promise.all([a, b, a, b, a, b, a, b].map(attempt));
      expect(results.filter((r) => r.status === 401)).toHaveLength(LOGIN_LIMITS.perAccountAddressPerMinute);
      expect(results.filter((r) => r.status === 429)).toHaveLength(8 - LOGIN_LIMITS.perAccountAddressPerMinute);
      expect((await new HttpClient(b.url).post('/api/auth/login', { email: user.email, password: user.password })).status).toBe(429);
    });
  });

  describe('admin sign-in', () => {
    it('a locked account is not unlocked by the right password inside the window, and the refusal is audited', async () => {
      const user = await createUser(a.em(), 'auditor');
      const c = new HttpClient(a.url);
      const statuses: number[] = [];
      for (let i = 0; i < LOGIN_LIMITS.perAccountAddressPerMinute; i++) statuses.push((await c.post('/api/auth/login', { email: user.email, password: 'nope-nope' })).status);
      expect(statuses.every((s) => s === 401)).toBe(true);

      const right = await c.post('/api/auth/login', { email: user.email.toUpperCase(), password: user.password });
      expect(right.status).toBe(429);
      expect(right.body.error.code).toBe(ErrorCode.RateLimited);
      const details = RateLimitedDetailsSchema.parse(right.body.error.details);
      expect(details.limit).toBe('login.account_address');
      expect(details.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect(right.headers.get('retry-after')).toBe(String(details.retryAfterSeconds));
      expect(right.headers.get('set-cookie')).toBeNull();

      const rows = await actions(a, `actor_name = ?`, [user.email]);
      expect(rows.map((r) => r.action)).toEqual([...Array<string>(LOGIN_LIMITS.perAccountAddressPerMinute).fill('auth.login_failed'), 'auth.login_rate_limited']);
      expect(rows.at(-1)).toMatchObject({ ip: '127.0.0.1', details: { limit: 'login.account_address', refusedInWindow: 1 } });
      // Someone else at the same address still signs in.
      await expect(signedIn(a.url, a.em(), 'auditor')).resolves.toBeDefined();
    });
  });

  describe('behind a proxy', () => {
    // Their own counters (and ENROL_RATE_LIMIT 3); `direct` believes no X-Forwarded-For (the default),
    // `proxied` believes it from a proxy on the same host.
    let direct: TestApp;
    let proxied: TestApp;
    const from = (app: TestApp, address: string, path: string, body: unknown) =>
      new HttpClient(app.url).request('POST', path, body, { headers: { 'x-forwarded-for': address } });
    const login = (app: TestApp, address: string, email: string, password = 'wrong-wrong') => from(app, address, '/api/auth/login', { email, password });
    const enrol = (app: TestApp, address: string) => from(app, address, '/api/till/enrol', { code: 'ZZZZZZZZ' });
    const codes = (rs: HttpResult[]) => rs.map((r) => r.body.error?.code);

    beforeAll(async () => {
      const own = `${prefix}-proxy`;
      [direct, proxied] = await Promise.all([
        bootApp({ LIMITS_PREFIX: own, ENROL_RATE_LIMIT: '3' }),
        bootApp({ LIMITS_PREFIX: own, ENROL_RATE_LIMIT: '3', TRUST_PROXY: 'loopback' }),
      ]);
    });
    afterAll(async () => { await Promise.all([direct.close(), proxied.close()]); });

    it('by default a rotating X-Forwarded-For does not escape the sign-in or enrolment limits', async () => {
      const user = await createUser(direct.em(), 'auditor');
      const logins: HttpResult[] = [];
      for (let i = 0; i < 8; i++) logins.push(await login(direct, `198.51.100.${i + 1}`, user.email));
      expect(logins.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      expect((await actions(direct, `actor_name = ? and action = 'auth.login_failed'`, [user.email])).map((r) => r.ip)).toEqual(Array(5).fill('127.0.0.1'));

      const enrols: HttpResult[] = [];
      for (let i = 0; i < 5; i++) enrols.push(await enrol(direct, `198.51.100.${i + 1}`));
      expect(codes(enrols)).toEqual(['ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'RATE_LIMITED', 'RATE_LIMITED']);
      expect(enrols[3].body.error.details).toMatchObject({ limit: 'enrol.address' });
      expect(Number(enrols[3].headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it('with TRUST_PROXY=loopback two forwarded addresses get separate buckets', async () => {
      const user = await createUser(proxied.em(), 'auditor');
      const first: HttpResult[] = [];
      for (let i = 0; i < 6; i++) first.push(await login(proxied, '203.0.113.10', user.email));
      expect(first.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429]);
      const second = await login(proxied, '203.0.113.11', user.email);
      expect(second.status).toBe(401);
      expect((await actions(proxied, `actor_name = ? and action = 'auth.login_failed'`, [user.email])).map((r) => r.ip)).toEqual([...Array(5).fill('203.0.113.10'), '203.0.113.11']);

      const enrolsA: HttpResult[] = [];
      for (let i = 0; i < 4; i++) enrolsA.push(await enrol(proxied, '203.0.113.20'));
      expect(codes(enrolsA)).toEqual(['ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'ENROLMENT_CODE_INVALID', 'RATE_LIMITED']);
      expect(codes([await enrol(proxied, '203.0.113.21')])).toEqual(['ENROLMENT_CODE_INVALID']);
    });

    it('caps an account guessed at from many addresses, and one address guessing at many accounts', async () => {
      const user = await createUser(proxied.em(), 'manager', [(await createStore(proxied.em())).id]);
      // 5 addresses × 4 guesses: each under its own per-minute limit, together the account's ceiling.
      const perAddress = 4;
      const addresses = LOGIN_LIMITS.perAccountPer15Minutes / perAddress;
      for (let i = 0; i < addresses; i++) {
        for (let k = 0; k < perAddress; k++) expect((await login(proxied, `192.0.2.${i + 1}`, user.email)).status).toBe(401);
      }
      const fresh = await login(proxied, '192.0.2.100', user.email, user.password);
      expect(fresh.status).toBe(429);
      expect(fresh.body.error.details).toMatchObject({ limit: 'login.account' });
      expect(Number(fresh.headers.get('retry-after'))).toBeGreaterThan(60);

      // Spraying: one address, a different (unknown) account each time.
      const spray: HttpResult[] = [];
      for (let i = 0; i <= LOGIN_LIMITS.perAddressPerMinute; i++) spray.push(await login(proxied, '192.0.2.200', `nobody-${i}-${randomBytes(3).toString('hex')}@test.stockfleet`));
      expect(spray.slice(0, -1).every((r) => r.status === 401)).toBe(true);
      expect(spray.at(-1)!.body.error.details).toMatchObject({ limit: 'login.address' });
    });
  });

  describe('device tokens', () => {
    it.each([
      ['an object', { $ne: '' }],
      ['a number', 42],
      ['an array', ['x']],
    ])('a till token sent as %s is DEVICE_TOKEN_INVALID, not INTERNAL', async (_what, token) => {
      const result = await new Promise<{ message: string; code?: string }>((resolve) => {
        const s = io(`${a.url}/till`, { path: '/socket.io', transports: ['websocket'], forceNew: true, auth: { token }, reconnection: false });
        s.on('connect', () => { s.disconnect(); resolve({ message: 'connected' }); });
        s.on('connect_error', (err: Error & { data?: { code?: string } }) => { s.disconnect(); resolve({ message: err.message, code: err.data?.code }); });
      });
      expect(result.code).toBe(ErrorCode.DeviceTokenInvalid);
    });
  });
});
