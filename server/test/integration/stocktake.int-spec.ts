import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { StocktakeProgressV1 } from '@stockfleet/shared';
import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, onHand, signedIn } from '../utils/factories';
import { contractViolations, enrolTill } from '../utils/till-client';
import { SimTill } from '../utils/sim-till';
import { until } from '../utils/until';

describe('Synchronised stocktake', () => {
  let t: TestApp;
  let admin: HttpClient;
  const tills: SimTill[] = [];
  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
  });
  afterEach(() => tills.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await t.close();
    // Every payload the hub sent a till during these tests parsed against its shared schema.
    expect(contractViolations).toEqual([]);
  });

  async function storeWithTills(n: number, stock: Array<{ id: string; qty: number }>) {
    const store = await createStore(t.em(), { zones: ['A1', 'BR'] });
    await admin.post('/api/stock/receipts', { idempotencyKey: `open-${randomUUID()}`, storeId: store.id, lines: stock.map((s) => ({ productId: s.id, quantity: s.qty })) });
    const sims: SimTill[] = [];
    for (let i = 0; i < n; i++) {
      const e = await enrolTill(t.url, admin, store.id, `T${i + 1}`);
      const sim = new SimTill(t.url, e.token, store.id, e.terminalId);
      tills.push(sim);
      sims.push(sim);
    }
    await Promise.all(sims.map((s) => s.connected()));
    return { store, sims };
  }
  const stocktake = (id: string) => admin.get(`/api/stocktakes/${id}`).then((r) => r.body);
  const storeStatus = (st: any, storeId: string) => st.stores.find((s: any) => s.storeId === storeId).status;

  it('runs a chain stocktake over 3 stores × 3 tills from freeze to unfreeze', async () => {
    const [p1, p2, p3] = await Promise.all([createProduct(t.em(), { costCents: 200 }), createProduct(t.em(), { packMultiplier: 6 }), createProduct(t.em())]);
    const stores = [];
    for (let i = 0; i < 3; i++) stores.push(await storeWithTills(3, [{ id: p1.id, qty: 10 }, { id: p2.id, qty: 12 }, { id: p3.id, qty: 5 }]));

    const created = await admin.post('/api/stocktakes', {
      name: 'Year end', scope: { kind: 'stores', storeIds: stores.map((s) => s.store.id) }, thresholds: { quantity: 3, percent: 0, valueCents: 0 },
    });
    expect(created.status).toBe(201);
    expect(created.body.stores.map((s: any) => s.status)).toEqual(['pending', 'pending', 'pending']);
    const id = created.body.id;
    const started = await admin.post(`/api/stocktakes/${id}/start`);
    expect(started.status).toBe(200);

    // Every till is told to freeze, reports frozen, and each store's barrier completes by itself.
    const counting = await until(() => stocktake(id), (st) => st.stores.every((s: any) => s.status === 'counting'), 'all stores counting');
    expect(counting.stores.every((s: any) => s.tills === 3)).toBe(true);
    const settled = await until(() => stocktake(id), (st) => st.stores.every((s: any) => s.tillsFrozen === 3), 'every till counting at its epoch');
    expect(settled.stores[0].freezeAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Date.parse(settled.stores[0].snapshotAt)).toBeGreaterThanOrEqual(Date.parse(settled.stores[0].freezeAt));
    for (const { sims } of stores) await until(async () => sims.map((s) => s.mode), (m) => m.every((x) => x === 'counting'), 'tills counting');
    expect(stores[0].sims[0].desired.map((d) => d.mode)).toEqual(['selling', 'frozen', 'counting']);
    const frozenReason = stores[0].sims[0].desired[1].reason;
    expect(frozenReason).toMatchObject({ kind: 'stocktake', stocktakeId: id, message: 'Year end' });

    // Count. Store 0: exact, with a retried batch and a pack barcode. Store 1: p1 short by 4 (over threshold), recounted.
    // Store 2: p3 not counted at all (full count → set to zero).
    const [s0, s1, s2] = stores;
    const z = (s: typeof s0) => s.store.zones[0].id;
    const batch = await s0.sims[0].count(id, [{ zoneId: z(s0), productId: p1.id, quantity: 10 }, { zoneId: z(s0), code: p2.packCode, quantity: 2 }]);
    expect((batch.ack as any).data.results.map((r: any) => r.status)).toEqual(['accepted', 'accepted']);
    const retry = await s0.sims[0].emit('count.submit.v1', { stocktakeId: id, entries: batch.entries });
    expect((retry as any).data.results.map((r: any) => r.status)).toEqual(['duplicate', 'duplicate']);
    await s0.sims[1].count(id, [{ zoneId: s0.store.zones[1].id, code: p3.gtin, quantity: 5 }]);

    await s1.sims[0].count(id, [{ zoneId: z(s1), productId: p1.id, quantity: 6 }, { zoneId: z(s1), productId: p2.id, quantity: 12 }, { zoneId: z(s1), productId: p3.id, quantity: 5 }]);
    await s2.sims[2].count(id, [{ zoneId: z(s2), productId: p1.id, quantity: 10 }, { zoneId: z(s2), productId: p2.id, quantity: 12 }]);

    for (const s of stores) expect((await admin.post(`/api/stocktakes/${id}/stores/${s.store.id}/close`)).status).toBe(200);
    const v1 = (await admin.get(`/api/stocktakes/${id}/stores/${s1.store.id}/variance`)).body;
    expect(v1.lines.find((l: any) => l.productId === p1.id)).toMatchObject({ book: 10, expected: 10, counted: 6, variance: -4, overThreshold: true, varianceValueCents: -800 });

    // Recount the line over the threshold: the till gets the task, counts 9, which supersedes the 6.
    expect((await admin.post(`/api/stocktakes/${id}/stores/${s1.store.id}/recounts`, { overThreshold: true })).body).toEqual({ created: 1 });
    const task = await until(async () => s1.sims[1].tasks, (tk) => !!tk && tk.recounts.length === 1, 'recount task on till');
    const approveEarly = await admin.post(`/api/stocktakes/${id}/stores/${s1.store.id}/approve`);
    expect(approveEarly.body.error.code).toBe('ILLEGAL_TRANSITION');
    await s1.sims[1].count(id, [{ zoneId: z(s1), productId: p1.id, quantity: 9, recountTaskId: task!.recounts[0].id }]);
    await admin.post(`/api/stocktakes/${id}/stores/${s1.store.id}/close`);
    await admin.post(`/api/stocktakes/${id}/stores/${s1.store.id}/reasons`, { lines: [{ productId: p1.id, reason: 'theft' }] });

    const v2 = (await admin.get(`/api/stocktakes/${id}/stores/${s2.store.id}/variance`)).body;
    expect(v2.lines.find((l: any) => l.productId === p3.id)).toMatchObject({ uncounted: true, counted: 0, variance: -5 });

    for (const s of stores) expect((await admin.post(`/api/stocktakes/${id}/stores/${s.store.id}/approve`)).status).toBe(200);
    expect(await onHand(t.em(), s0.store.id, p1.id)).toBe(10);
    expect(await onHand(t.em(), s1.store.id, p1.id)).toBe(9);
    expect(await onHand(t.em(), s2.store.id, p3.id)).toBe(0);
    const [reason] = await t.em().getConnection().execute(`select reason from stock_movement where store_id = ? and product_id = ? and kind = 'stocktake'`, [s1.store.id, p1.id]);
    expect(reason.reason).toBe('theft');

    const done = await stocktake(id);
    expect(done.status).toBe('done');
    for (const { sims } of stores) await until(async () => sims.map((s) => s.mode), (m) => m.every((x) => x === 'selling'), 'tills selling again');
  });

  it('reconciles the sales of a till that was offline during the freeze (late sales), and book = shelf after approval', async () => {
    const p = await createProduct(t.em());
    const { store, sims } = await storeWithTills(2, [{ id: p.id, qty: 20 }]);
    const [online, offline] = sims;
    offline.close(); // the network of this till is down
    await until(async () => (await admin.get(`/api/terminals?storeId=${store.id}`)).body.find((x: any) => x.id === offline.terminalId).online, (o) => o === false, 'till offline');

    const id = (await admin.post('/api/stocktakes', { name: 'Spot', scope: { kind: 'stores', storeIds: [store.id] } })).body.id;
    await admin.post(`/api/stocktakes/${id}/start`);
    const waiting = await until(() => stocktake(id), (st) => st.stores[0].waitingFor.length === 1, 'barrier waits for the offline till');
    expect(waiting.stores[0]).toMatchObject({ status: 'freezing', waitingFor: [{ id: offline.terminalId, online: false }] });
    expect(online.mode).toBe('frozen');

    // The offline till sold 3 before the freeze and 2 during it, without knowing.
    await offline.sell(p.id, 3, Date.now() - 60_000);
    await offline.sell(p.id, 2, Date.now());
    expect(offline.outbox).toHaveLength(2);

    await admin.post(`/api/stocktakes/${id}/stores/${store.id}/force`, { terminalIds: [offline.terminalId], reason: 'network down' });
    await until(() => stocktake(id), (st) => storeStatus(st, store.id) === 'counting', 'counting after force');

    // It reconnects during the count: its sales arrive, it turns into a counting till.
    offline.socket.connect();
    await until(async () => offline.mode, (m) => m === 'counting', 'late till counting');
    expect(offline.outbox).toHaveLength(0);
    const shelf = 20 - 3 - 2;
    await online.count(id, [{ zoneId: store.zones[0].id, productId: p.id, quantity: shelf }]);
    await admin.post(`/api/stocktakes/${id}/stores/${store.id}/close`);
    const v = (await admin.get(`/api/stocktakes/${id}/stores/${store.id}/variance`)).body;
    expect(v.lines.find((l: any) => l.productId === p.id)).toMatchObject({ book: 20, lateSales: -5, expected: 15, counted: 15, variance: 0 });
    const forced = (await stocktake(id)).stores[0].forced;
    expect(forced).toEqual([{ id: offline.terminalId, reason: 'network down' }]);
    await admin.post(`/api/stocktakes/${id}/stores/${store.id}/approve`);
    expect(await onHand(t.em(), store.id, p.id)).toBe(shelf);
  });

  it('posts once when two approvals arrive at the same moment', async () => {
    const p = await createProduct(t.em());
    const { store, sims } = await storeWithTills(1, [{ id: p.id, qty: 8 }]);
    const id = (await admin.post('/api/stocktakes', { name: 'Twice', scope: { kind: 'stores', storeIds: [store.id] } })).body.id;
    await admin.post(`/api/stocktakes/${id}/start`);
    await until(() => stocktake(id), (st) => st.stores[0].status === 'counting', 'counting');
    const adminSocket = io(`${t.url}/admin`, { path: '/socket.io', transports: ['websocket'], forceNew: true, extraHeaders: { cookie: admin.cookie! } });
    const progress: any[] = [];
    adminSocket.on('stocktake.progress.v1', (p: any) => { if (p.stocktakeId === id) progress.push(p); });
    await new Promise((r) => adminSocket.once('connect', r as any));
    await sims[0].count(id, [{ zoneId: store.zones[0].id, productId: p.id, quantity: 5 }]);
    // Live progress for admins: counted products, scans per minute, running variance value (5 − 8) × 100 cents.
    const live = await until(() => progress.at(-1), (x) => !!x && x.countedProducts === 1 && x.runningVarianceValueCents === -300, 'progress event with the running variance (refreshed at most every 5 s)');
    adminSocket.disconnect();
    expect(StocktakeProgressV1.safeParse(live).success).toBe(true);
    expect(live).toMatchObject({ storeId: store.id, status: 'counting', tills: 1, tillsFrozen: 1, scansPerMinute: 1, runningVarianceValueCents: -300 });
    await admin.post(`/api/stocktakes/${id}/stores/${store.id}/close`);
    const other = await signedIn(t.url, t.em(), 'manager', [store.id]);
    const stranger = await signedIn(t.url, t.em(), 'manager', [(await createStore(t.em())).id]);
    expect((await stranger.get(`/api/stocktakes/${id}/stores/${store.id}/variance`)).body.error.code).toBe('OUT_OF_SCOPE');
    const [a, b] = await Promise.all([admin.post(`/api/stocktakes/${id}/stores/${store.id}/approve`), other.post(`/api/stocktakes/${id}/stores/${store.id}/approve`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await onHand(t.em(), store.id, p.id)).toBe(5);
    const rows = await t.em().getConnection().execute(`select count(*)::int as n from stock_movement where store_id = ? and kind = 'stocktake'`, [store.id]);
    expect(rows[0].n).toBe(1);
  });

  it('rejects bad counts with typed errors and stores nothing', async () => {
    const [inScope, outOfScope] = [await createProduct(t.em(), { category: 'Dairy' }), await createProduct(t.em(), { category: 'Bakery' })];
    const { store, sims } = await storeWithTills(1, [{ id: inScope.id, qty: 4 }]);
    const other = await storeWithTills(1, []);
    const id = (await admin.post('/api/stocktakes', { name: 'Dairy', scope: { kind: 'stores', storeIds: [store.id], filter: { kind: 'categories', categories: ['Dairy'] } } })).body.id;
    const notYet = await sims[0].count(id, [{ zoneId: store.zones[0].id, productId: inScope.id }]);
    expect(notYet.ack).toMatchObject({ ok: false, error: { code: 'NOT_COUNTING' } });
    await admin.post(`/api/stocktakes/${id}/start`);
    await until(() => stocktake(id), (st) => st.stores[0].status === 'counting', 'counting');
    const { ack } = await sims[0].count(id, [
      { zoneId: store.zones[0].id, productId: outOfScope.id },
      { zoneId: other.store.zones[0].id, productId: inScope.id },
      { zoneId: store.zones[0].id, code: '4006381333932' },
      { zoneId: store.zones[0].id, code: '9771234567003' },
      { zoneId: store.zones[0].id, epc: '3074257BF7194E4000001A85' },
    ]);
    expect((ack as any).data.results.map((r: any) => r.code)).toEqual(['OUT_OF_SCOPE', 'OUT_OF_SCOPE', 'INVALID_BARCODE', 'UNKNOWN_BARCODE', 'UNKNOWN_BARCODE']);
    expect((await sims[0].emit('count.submit.v1', { stocktakeId: id, entries: [{ id: randomUUID(), zoneId: store.zones[0].id, productId: inScope.id, quantity: -2, at: 1, seq: 99 }] })).ok).toBe(false);
    const outsider = await other.sims[0].count(id, [{ zoneId: other.store.zones[0].id, productId: inScope.id }]);
    expect(outsider.ack).toMatchObject({ ok: false, error: { code: 'OUT_OF_SCOPE' } });
    const [n] = await t.em().getConnection().execute(`select count(*)::int as n from count_entry where stocktake_id = ?`, [id]);
    expect(n.n).toBe(0);
  });

  it('drills a practice count on chosen tills without blocking sales or posting anything', async () => {
    const p = await createProduct(t.em());
    const { store, sims } = await storeWithTills(2, [{ id: p.id, qty: 10 }]);
    const [drill, selling] = sims;
    const bad = await admin.post('/api/stocktakes', { name: 'Drill', practice: true, scope: { kind: 'stores', storeIds: [store.id] } });
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const id = (await admin.post('/api/stocktakes', { name: 'Drill', practice: true, practiceTerminalIds: [drill.terminalId], scope: { kind: 'stores', storeIds: [store.id] } })).body.id;
    await admin.post(`/api/stocktakes/${id}/start`);
    await until(() => drill.mode, (m) => m === 'counting', 'drill till counting');
    expect(drill.desired.find((d) => d.mode === 'counting')!.reason).toMatchObject({ kind: 'stocktake', practice: true });
    expect(selling.mode).toBe('selling');
    await selling.sell(p.id, 2); // real sales go on
    expect((await selling.count(id, [{ zoneId: store.zones[0].id, productId: p.id }])).ack).toMatchObject({ ok: false, error: { code: 'OUT_OF_SCOPE' } });
    await drill.count(id, [{ zoneId: store.zones[0].id, productId: p.id, quantity: 3 }]);
    await admin.post(`/api/stocktakes/${id}/stores/${store.id}/close`);
    const v = (await admin.get(`/api/stocktakes/${id}/stores/${store.id}/variance`)).body;
    expect(v.practice).toBe(true);
    expect(v.lines.find((l: any) => l.productId === p.id)).toMatchObject({ expected: 8, counted: 3, variance: -5 });
    expect((await admin.post(`/api/stocktakes/${id}/stores/${store.id}/approve`)).body).toMatchObject({ movements: 0, practice: true });
    expect(await onHand(t.em(), store.id, p.id)).toBe(8);
    await until(() => drill.mode, (m) => m === 'selling', 'drill over');
  });

  it('keeps managers to their stores and auditors read-only', async () => {
    const a = await createStore(t.em());
    const b = await createStore(t.em());
    const manager = await signedIn(t.url, t.em(), 'manager', [a.id]);
    const auditor = await signedIn(t.url, t.em(), 'auditor');
    expect((await manager.post('/api/stocktakes', { name: 'x', scope: { kind: 'stores', storeIds: [b.id] } })).body.error.code).toBe('OUT_OF_SCOPE');
    expect((await manager.post('/api/stocktakes', { name: 'x', scope: { kind: 'chain' } })).status).toBe(403);
    expect((await auditor.post('/api/stocktakes', { name: 'x', scope: { kind: 'stores', storeIds: [a.id] } })).status).toBe(403);
    const own = await manager.post('/api/stocktakes', { name: 'mine', scope: { kind: 'stores', storeIds: [a.id] } });
    expect(own.status).toBe(201);
    expect((await auditor.post(`/api/stocktakes/${own.body.id}/start`)).status).toBe(403);
    expect((await auditor.get(`/api/stocktakes/${own.body.id}`)).status).toBe(200);
    expect((await admin.post('/api/stocktakes', { name: 'x', scope: { kind: 'stores', storeIds: [] } })).body.error.code).toBe('VALIDATION_FAILED');
  });
});
