import { MikroORM } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ormConfig } from '../../src/database/mikro-orm.config';
import { createProduct, createStore, signedIn } from '../utils/factories';
import { HubProcess } from '../utils/hub-process';
import { PrivateRedis } from '../utils/private-redis';
import { SimTill } from '../utils/sim-till';
import { enrolTill } from '../utils/till-client';
import { until } from '../utils/until';
import { WorkerProcess } from '../utils/worker-process';

/**
 * Redis goes away just before the last store of a stocktake is approved: the approval commits and
 * answers at once (nothing after a commit waits on Redis), the consolidated report waits in the outbox
 * and is built once Redis is back. The hub logs the outage once and the recovery once, and no Redis
 * client of the hub or the worker is left without an error listener.
 */
describe('Redis outage during the last approval', () => {
  let orm: MikroORM;
  let redis: PrivateRedis;
  let hub: HubProcess;
  let worker: WorkerProcess;
  let sim: SimTill | undefined;
  const em = () => orm.em.fork();
  const prefix = `sf-outage-${randomUUID().slice(0, 8)}`;
  const reportsDir = mkdtempSync(join(tmpdir(), 'sf-outage-reports-'));

  beforeAll(async () => {
    orm = await MikroORM.init(ormConfig({ clientUrl: process.env.SF_TEST_DATABASE_URL!, poolMax: 2 }));
    redis = await PrivateRedis.start();
    // A queue prefix of its own: its outbox rows are relayed by this hub and worker only.
    hub = await HubProcess.create({ REDIS_URL: redis.url, BULL_PREFIX: prefix, LIMITS_PREFIX: prefix, SOCKET_STREAM: `sf-test:${prefix}`, REPORTS_DIR: reportsDir });
    await hub.start();
    worker = new WorkerProcess({
      DATABASE_URL: process.env.SF_TEST_DATABASE_URL!, REDIS_URL: redis.url, BULL_PREFIX: prefix, REPORTS_DIR: reportsDir,
      SESSION_SECRET: 'test-secret-test-secret-test-secret-0123', DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-outage-w-')),
    });
    await worker.start();
  }, 60_000);

  afterAll(async () => {
    sim?.close();
    await worker?.stop();
    await hub?.stop();
    await redis?.down();
    await orm?.close();
  }, 30_000);

  it('answers the approval within 2 s, builds the report after Redis returns, and logs the outage once', async () => {
    const admin = await signedIn(hub.url, em(), 'admin');
    const p = await createProduct(em(), { costCents: 300 });
    const store = await createStore(em());
    await admin.post('/api/stock/receipts', { idempotencyKey: `open-${randomUUID()}`, storeId: store.id, lines: [{ productId: p.id, quantity: 10 }] });
    const e = await enrolTill(hub.url, admin, store.id, 'T1');
    sim = new SimTill(hub.url, e.token, store.id, e.terminalId);
    await sim.connected();

    const created = await admin.post('/api/stocktakes', { name: `Outage ${prefix}`, scope: { kind: 'stores', storeIds: [store.id] }, thresholds: { quantity: 3, percent: 0, valueCents: 0 } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const stocktake = () => admin.get(`/api/stocktakes/${id}`).then((r) => r.body);
    expect((await admin.post(`/api/stocktakes/${id}/start`)).status).toBe(200);
    await until(stocktake, (st) => st.stores[0].status === 'counting', 'store counting', 20_000);
    await until(async () => sim!.mode, (m) => m === 'counting', 'till counting');
    await sim.count(id, [{ zoneId: store.zones[0].id, productId: p.id, quantity: 9 }]);
    expect((await admin.post(`/api/stocktakes/${id}/stores/${store.id}/close`)).status).toBe(200);

    await redis.down();
    const t0 = Date.now();
    const approved = await admin.post(`/api/stocktakes/${id}/stores/${store.id}/approve`);
    const tookMs = Date.now() - t0;
    expect(approved.status).toBe(200);
    expect(tookMs).toBeLessThan(2000);
    const st = await stocktake();
    expect(st.stores[0].status).toBe('approved');
    expect(st.status).toBe('done');
    // The consolidated report is recorded with the transition, waiting for Redis.
    const [report] = (await admin.get(`/api/reports?stocktakeId=${id}`)).body;
    expect(report).toMatchObject({ kind: 'chain_variance', status: 'queued' });

    // /readyz names what is degraded; the hub still answers what needs no Redis.
    const degraded = await until(() => fetch(`${hub.url}/readyz`).then(async (r) => ({ status: r.status, body: await r.json() })), (r) => r.status === 200 && r.body.status === 'degraded' && !r.body.checks.queue.ok, 'readyz degraded');
    expect(degraded.body.checks.database.ok).toBe(true);
    expect(degraded.body.checks.redis.ok).toBe(false);
    expect(degraded.body.checks.redis.since).toEqual(expect.any(String));
    // A sign-in cannot be counted against its limits without Redis: refused at once, never hanging.
    const t1 = Date.now();
    const login = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.com', password: 'not-the-password' }) });
    expect(Date.now() - t1).toBeLessThan(2000);
    expect(login.status).toBe(503);
    expect((await login.json()).error.code).toBe('UNAVAILABLE');

    await new Promise((r) => setTimeout(r, 1500));
    await redis.up();
    const done = await until(() => admin.get(`/api/reports/${report.id}`).then((r) => r.body), (r) => r.status === 'done' || r.status === 'failed', 'report built after Redis returned', 40_000);
    expect(done.status).toBe('done');
    expect(done.files.map((f: { format: string }) => f.format)).toEqual(['csv', 'xlsx', 'pdf']);
    await until(() => fetch(`${hub.url}/readyz`).then((r) => r.json()), (b) => b.status === 'ready', 'readyz ready again');
    const [{ n }] = await em().getConnection().execute(`select count(*)::int as n from outbox where scope = ?`, [prefix]);
    expect(n).toBe(0);

    const lines = hub.log.split('\n').filter(Boolean);
    expect(hub.log).not.toContain('Unhandled error event');
    expect(worker.log).not.toContain('Unhandled error event');
    const down = lines.filter((l) => l.includes('"event":"dependency.down"'));
    const up = lines.filter((l) => l.includes('"event":"dependency.up"'));
    expect(down).toHaveLength(1);
    expect(up).toHaveLength(1);
    expect(JSON.parse(down[0])).toMatchObject({ dependency: 'redis' });
    expect(JSON.parse(up[0])).toMatchObject({ dependency: 'redis', downForMs: expect.any(Number) });
    expect(JSON.parse(up[0]).downForMs).toBeGreaterThanOrEqual(1000);
  }, 60_000);
});
