import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../../src/database/mikro-orm.config';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, signedIn } from '../utils/factories';
import { enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { contractViolations } from '../utils/till-client';
import { until } from '../utils/until';
import { HubProcess } from '../utils/hub-process';

describe('Stocktake resilience (hubs as real processes)', () => {
  let orm: MikroORM;
  const hubs: HubProcess[] = [];
  const tills: SimTill[] = [];
  beforeAll(async () => { orm = await MikroORM.init(ormConfig({ clientUrl: process.env.SF_TEST_DATABASE_URL!, poolMax: 2 })); });
  afterEach(async () => {
    tills.splice(0).forEach((t) => t.close());
    await Promise.all(hubs.splice(0).map((h) => h.stop()));
  });
  afterAll(async () => {
    await orm.close(true);
    expect(contractViolations).toEqual([]);
  });
  const em = () => orm.em.fork() as any;

  async function setup(hubA: HubProcess, tillHubs: HubProcess[][], products = 3) {
    const admin = await signedIn(hubA.url, em(), 'admin');
    const ps = [];
    for (let i = 0; i < products; i++) ps.push(await createProduct(em()));
    const stores = [];
    for (const perTill of tillHubs) {
      const store = await createStore(em());
      const sims: SimTill[] = [];
      for (const [i, hub] of perTill.entries()) {
        const e = await enrolTill(hubA.url, admin, store.id, `T${i + 1}`);
        const sim = new SimTill(hub.url, e.token, store.id, e.terminalId);
        tills.push(sim);
        sims.push(sim);
      }
      await Promise.all(sims.map((s) => s.connected()));
      stores.push({ store, sims });
    }
    return { admin, ps, stores };
  }

  it('runs one stocktake with the tills split between two hub processes', async () => {
    const stream = `sf-test:${randomUUID()}`;
    const a = await HubProcess.create({ SOCKET_STREAM: stream });
    const b = await HubProcess.create({ SOCKET_STREAM: stream });
    hubs.push(a, b);
    await Promise.all([a.start(), b.start()]);
    const { admin, ps, stores } = await setup(a, [[a, b], [b, a]]);
    // An admin watching from hub B hears about every till, including those held by hub A.
    const adminOnB = io(`${b.url}/admin`, { path: '/socket.io', transports: ['websocket'], forceNew: true, extraHeaders: { cookie: admin.cookie! } });
    const heardOnB = new Map<string, string>(); // till → last reported mode heard
    adminOnB.on('fleet.changed.v1', (p: any) => p.terminals.forEach((t: any) => heardOnB.set(t.id, t.reportedMode)));
    await new Promise((r) => adminOnB.once('connect', r as any));
    const id = (await admin.post('/api/stocktakes', { name: 'Two hubs', scope: { kind: 'stores', storeIds: stores.map((s) => s.store.id) } })).body.id;
    await admin.post(`/api/stocktakes/${id}/start`);
    // Desired states set on hub A reach the tills connected to hub B (Redis streams adapter), and
    // barrier reports arriving at B complete the stores.
    for (const { sims } of stores) await until(() => sims.map((s) => s.mode), (m) => m.every((x) => x === 'counting', 30_000), 'every till counting', 30_000);
    const all = stores.flatMap((s) => s.sims.map((x) => x.terminalId));
    await until(() => all.map((t) => heardOnB.get(t)), (m) => m.every((x) => x === 'counting'), 'admin on hub B hears every till counting', 10_000);
    adminOnB.disconnect();
    for (const { store, sims } of stores) {
      await sims[1].count(id, [{ zoneId: store.zones[0].id, productId: ps[0].id, quantity: 4 }]);
    }
    const managerOnB = new HttpClient(b.url);
    managerOnB.cookie = admin.cookie;
    for (const { store } of stores) {
      expect((await managerOnB.post(`/api/stocktakes/${id}/stores/${store.id}/close`)).status).toBe(200);
      expect((await managerOnB.post(`/api/stocktakes/${id}/stores/${store.id}/approve`)).status).toBe(200);
    }
    for (const { sims } of stores) await until(() => sims.map((s) => s.mode), (m) => m.every((x) => x === 'selling'), 'every till selling', 30_000);
    const rows = await em().getConnection().execute(`select store_id, on_hand from stock_balance where product_id = ?`, [ps[0].id]);
    expect(rows.map((r: any) => r.on_hand)).toEqual([4, 4]);
  });

  it('loses no acknowledged scan and counts none twice when the hub is SIGKILLed mid-count', async () => {
    const hub = await HubProcess.create({ SOCKET_STREAM: `sf-test:${randomUUID()}` });
    hubs.push(hub);
    await hub.start();
    const { admin, ps, stores } = await setup(hub, [[hub, hub, hub]], 5);
    const { store, sims } = stores[0];
    const id = (await admin.post('/api/stocktakes', { name: 'Power cut', scope: { kind: 'stores', storeIds: [store.id] } })).body.id;
    await admin.post(`/api/stocktakes/${id}/start`);
    await until(() => sims.map((s) => s.mode), (m) => m.every((x) => x === 'counting', 30_000), 'counting', 30_000);

    const line = (i: number) => ({ zoneId: store.zones[i % 2].id, productId: ps[i % ps.length].id, quantity: 1 + (i % 3) });
    const sent = (n: number, from: number) => Array.from({ length: n }, (_, i) => line(from + i));
    sims.forEach((s, k) => s.queueCounts(id, sent(300, k * 1000)));
    await until(() => sims.reduce((n, s) => n + s.acked.size, 0), (n) => n > 50, 'some scans acknowledged', 30_000);
    await hub.kill9();
    const ackedBeforeKill = new Map(sims.flatMap((s) => [...s.acked]));
    sims.forEach((s, k) => s.queueCounts(id, sent(100, k * 1000 + 500))); // staff keep scanning while the hub is down
    await hub.start();

    await until(() => sims.every((s) => s.countOutbox.length === 0), (v) => v, 'every outbox delivered', 60_000);
    // Each till is back in counting mode by itself (desired state pushed on reconnect).
    await until(() => sims.map((s) => s.mode), (m) => m.every((x) => x === 'counting', 30_000), 'counting after restart', 30_000);

    const stored = await em().getConnection().execute(`select id, quantity from count_entry where stocktake_id = ?`, [id]);
    const storedIds = new Map<string, number>(stored.map((r: any) => [r.id, r.quantity]));
    for (const [entryId] of ackedBeforeKill) expect(storedIds.has(entryId)).toBe(true);
    const allSent = sims.flatMap((s) => [...s.acked]);
    expect(allSent).toHaveLength(3 * 400);
    expect(stored).toHaveLength(3 * 400); // the primary key makes "twice" impossible; the count makes "lost" visible
    const sentQty = allSent.reduce((n, [, v]) => n + v.quantity, 0);
    expect(stored.reduce((n: number, r: any) => n + r.quantity, 0)).toBe(sentQty);
    expect(hub.log).not.toMatch(/Error/);
  });
});
