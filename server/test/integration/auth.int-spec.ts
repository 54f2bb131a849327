import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createStore, createUser, signedIn } from '../utils/factories';

describe('Auth', () => {
  let t: TestApp;
  beforeAll(async () => { t = await bootApp(); });
  afterAll(async () => { await t.close(); });

  it('signs in with an httpOnly SameSite=Strict cookie, answers /me, and signs out', async () => {
    const user = await createUser(t.em(), 'admin');
    const sut = new HttpClient(t.url);
    const res = await sut.post('/api/auth/login', { email: user.email.toUpperCase(), password: user.password });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: user.email, role: 'admin' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/sf_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect((await sut.get('/api/auth/me')).body.user.id).toBe(user.id);
    expect((await sut.post('/api/auth/logout')).status).toBe(204);
    sut.cookie = cookie.split(';')[0]; // replaying the old cookie must not work
    expect((await sut.get('/api/auth/me')).status).toBe(401);
  });

  it('refuses a wrong password with a typed error and audits the failure', async () => {
    const user = await createUser(t.em(), 'manager');
    const res = await new HttpClient(t.url).post('/api/auth/login', { email: user.email, password: 'wrong-password' });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
    const rows = await t.em().getConnection().execute(`select action from audit_event where actor_name = ? order by id`, [user.email]);
    expect(rows.map((r: any) => r.action)).toContain('auth.login_failed');
  });

  it('rejects malformed bodies with VALIDATION_FAILED / MALFORMED_JSON', async () => {
    const c = new HttpClient(t.url);
    const bad = await c.post('/api/auth/login', { email: 'not-an-email', password: '', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details.map((d: any) => d.path)).toEqual(expect.arrayContaining(['email', 'password']));
    const broken = await c.request('POST', '/api/auth/login', undefined, { raw: '{"email":' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('MALFORMED_JSON');
  });

  it('throttles repeated sign-in attempts for one address and e-mail (limits.int-spec.ts covers the rest)', async () => {
    const user = await createUser(t.em(), 'auditor');
    const c = new HttpClient(t.url);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await c.post('/api/auth/login', { email: user.email, password: 'nope-nope' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const last = await c.post('/api/auth/login', { email: user.email, password: user.password });
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe('RATE_LIMITED');
  });

  it('lets only admins list and create users; managers need a store', async () => {
    const store = await createStore(t.em());
    const admin = await signedIn(t.url, t.em(), 'admin');
    const manager = await signedIn(t.url, t.em(), 'manager', [store.id]);
    const auditor = await signedIn(t.url, t.em(), 'auditor');
    expect((await admin.get('/api/users')).status).toBe(200);
    expect((await manager.get('/api/users')).status).toBe(403);
    expect((await auditor.post('/api/users', {})).status).toBe(403);
    expect((await new HttpClient(t.url).get('/api/users')).status).toBe(401);
    const noStore = await admin.post('/api/users', { email: `m-${Date.now()}@x.io`, name: 'M', password: 'long-enough-pw', role: 'manager' });
    expect(noStore.status).toBe(400);
    const created = await admin.post('/api/users', { email: `m-${Date.now()}@x.io`, name: 'M', password: 'long-enough-pw', role: 'manager', storeIds: [store.id] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'manager', storeIds: [store.id] });
    expect(created.body.passwordHash).toBeUndefined();
  });
});
