import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { io, type Socket } from 'socket.io-client';
import { LowStockAlertV1 } from '@stockfleet/shared';
import { postMovements, type MovementLine } from '../../src/inventory/ledger.repository';
import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, onHand, signedIn } from '../utils/factories';
import { enrolTill, TillClient } from '../utils/till-client';
import { until } from '../utils/until';

type Store = Awaited<ReturnType<typeof createStore>>;
const HEADER = 'sku,name,category,unit_cost_cents,unit_price_cents,uom,low_stock_threshold,barcode,barcode_kind,multiplier';

/** An admin app's `/admin` socket that records every low-stock event it is sent. */
class AdminListener {
  readonly events: LowStockAlertV1[] = [];
  readonly invalid: unknown[] = [];
  readonly socket: Socket;
  constructor(base: string, cookie: string) {
    this.socket = io(`${base}/admin`, { path: '/socket.io', transports: ['websocket'], forceNew: true, extraHeaders: { cookie } });
    this.socket.on('alert.low_stock.v1', (p: unknown) => {
      const parsed = LowStockAlertV1.safeParse(p);
      if (parsed.success) this.events.push(parsed.data);
      else this.invalid.push(p);
    });
  }
  connected() {
    return this.socket.connected ? Promise.resolve() : new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }
  for(productId: string) {
    return this.events.filter((e) => e.alert.productId === productId);
  }
  waitFor(pred: (e: LowStockAlertV1) => boolean, what: string) {
    return until(() => this.events.find(pred), (e) => e !== undefined, what) as Promise<LowStockAlertV1>;
  }
}

describe('Low-stock alerts', () => {
  let t: TestApp;
  let storeA: Store;
  let storeB: Store;
  let admin: HttpClient & { user: { id: string } };
  let managerA: HttpClient;
  let managerB: HttpClient;
  let auditor: HttpClient;
  let till: TillClient;
  let seq = 0;
  const closers: Array<() => void> = [];

  beforeAll(async () => {
    t = await bootApp();
    [storeA, storeB] = [await createStore(t.em()), await createStore(t.em())];
    admin = await signedIn(t.url, t.em(), 'admin');
    managerA = await signedIn(t.url, t.em(), 'manager', [storeA.id]);
    managerB = await signedIn(t.url, t.em(), 'manager', [storeB.id]);
    auditor = await signedIn(t.url, t.em(), 'auditor');
    const e = await enrolTill(t.url, admin, storeA.id);
    till = new TillClient(t.url, e.token);
    await till.connected();
  });
  afterEach(() => closers.splice(0).forEach((c) => c()));
  afterAll(async () => {
    till?.close();
    await t.close();
  });

  const key = () => `k-${randomUUID()}`;
  const receive = async (storeId: string, productId: string, quantity: number) => {
    const res = await admin.post('/api/stock/receipts', { idempotencyKey: key(), storeId, lines: [{ productId, quantity }] });
    expect(res.status).toBe(201);
  };
  const saleOf = (productId: string, quantity: number) =>
    ({ id: randomUUID(), kind: 'sale', storeId: storeA.id, seq: ++seq, at: Date.now(), tender: 'card', lines: [{ productId, quantity, unitPriceCents: 100 }] });
  const submit = async (sale: ReturnType<typeof saleOf>, c = till) => {
    const ack = await c.emit('sale.submit.v1', sale);
    expect(ack.ok).toBe(true);
    return ack as { ok: true; data: { duplicate: boolean } };
  };
  const sell = (productId: string, quantity: number) => submit(saleOf(productId, quantity));
  const rows = async (storeId: string, productId: string) =>
    t.em().getConnection().execute<any[]>(
      `select id, threshold, on_hand_at_raise, cleared_at, on_hand_at_clear from low_stock_alert where store_id = ? and product_id = ? order by raised_at, id`,
      [storeId, productId],
    );
  const listener = async (client: HttpClient) => {
    const l = new AdminListener(t.url, client.cookie!);
    closers.push(() => l.socket.disconnect());
    await l.connected();
    return l;
  };

  it('raises one alert when a sale crosses below the threshold, none on further sales, none on a retried sale', async () => {
    const p = await createProduct(t.em(), { threshold: 5 });
    await receive(storeA.id, p.id, 8);
    await sell(p.id, 2); // 6: still at or above
    expect(await rows(storeA.id, p.id)).toEqual([]);
    const crossing = saleOf(p.id, 2); // 4: below
    await submit(crossing);
    const [raised] = await rows(storeA.id, p.id);
    expect(raised).toMatchObject({ threshold: 5, on_hand_at_raise: 4, cleared_at: null });
    await sell(p.id, 1); // 3
    await sell(p.id, 3); // 0
    const retry = await submit(crossing);
    expect(retry.data.duplicate).toBe(true);
    expect(await rows(storeA.id, p.id)).toEqual([raised]);
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(0);
  });

  it('reports the changes in the post result, and a retried post changes nothing', async () => {
    const p = await createProduct(t.em(), { threshold: 3 });
    const post = (em: EntityManager, batchKey: string, quantity: number) =>
      em.transactional((tem) => postMovements(tem, { key: batchKey, kind: 'adjustment', requestHash: `h-${quantity}` },
        [{ storeId: storeA.id, productId: p.id, kind: 'adjustment', quantity, reason: 'damage', source: 'test' } satisfies MovementLine]));
    const up = await post(t.em(), key(), 5);
    expect(up.alerts).toEqual([]);
    const downKey = key();
    const down = await post(t.em(), downKey, -4);
    const [row] = await rows(storeA.id, p.id);
    expect(down.alerts).toEqual([{ change: 'raised', id: row.id, storeId: storeA.id, productId: p.id }]);
    const again = await post(t.em(), downKey, -4);
    expect(again).toMatchObject({ applied: false, alerts: [] });
    const back = await post(t.em(), key(), 2);
    expect(back.alerts).toEqual([{ change: 'cleared', id: row.id, storeId: storeA.id, productId: p.id }]);
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(3);
  });

  it('clears when a receipt brings the balance back to the threshold, and raises a new alert when it falls again', async () => {
    const p = await createProduct(t.em(), { threshold: 4 });
    await receive(storeA.id, p.id, 4);
    await sell(p.id, 3); // 1
    const [first] = await rows(storeA.id, p.id);
    await receive(storeA.id, p.id, 3); // 4: exactly the threshold is enough
    expect((await rows(storeA.id, p.id))[0]).toMatchObject({ id: first.id, on_hand_at_clear: 4, cleared_at: expect.anything() });
    await receive(storeA.id, p.id, 2); // 6: nothing left to clear
    await sell(p.id, 5); // 1
    const all = await rows(storeA.id, p.id);
    expect(all).toHaveLength(2);
    expect(all[1]).toMatchObject({ on_hand_at_raise: 1, cleared_at: null });
    expect(all[1].id).not.toBe(first.id);
  });

  it('never alerts for a threshold of 0, even below zero', async () => {
    const p = await createProduct(t.em(), { threshold: 0 });
    await receive(storeA.id, p.id, 1);
    await sell(p.id, 3);
    await admin.post('/api/stock/adjustments', { idempotencyKey: key(), storeId: storeA.id, reason: 'damage', lines: [{ productId: p.id, quantity: -2 }] });
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(-4);
    expect(await rows(storeA.id, p.id)).toEqual([]);
  });

  it('raises and clears when the threshold is changed through the product API, and pushes it', async () => {
    const adminSocket = await listener(admin);
    const p = await createProduct(t.em(), { threshold: 0 });
    await receive(storeA.id, p.id, 3);
    await receive(storeB.id, p.id, 10);
    expect((await admin.patch(`/api/products/${p.id}`, { lowStockThreshold: 5 })).status).toBe(200);
    // Only store A is below 5.
    expect(await rows(storeA.id, p.id)).toEqual([expect.objectContaining({ threshold: 5, on_hand_at_raise: 3, cleared_at: null })]);
    expect(await rows(storeB.id, p.id)).toEqual([]);
    const pushed = await adminSocket.waitFor((e) => e.alert.productId === p.id && e.change === 'raised', 'raised by the threshold edit');
    expect(pushed.alert).toMatchObject({ storeId: storeA.id, storeCode: storeA.code, sku: p.sku, threshold: 5, onHand: 3 });
    // Another edit that leaves the threshold alone re-evaluates nothing.
    await admin.patch(`/api/products/${p.id}`, { name: 'Renamed' });
    expect(await rows(storeA.id, p.id)).toHaveLength(1);
    expect((await admin.patch(`/api/products/${p.id}`, { lowStockThreshold: 3 })).status).toBe(200);
    expect((await rows(storeA.id, p.id))[0]).toMatchObject({ on_hand_at_clear: 3, cleared_at: expect.anything() });
    await adminSocket.waitFor((e) => e.alert.productId === p.id && e.change === 'cleared', 'cleared by the threshold edit');
  });

  it('re-evaluates products whose threshold a CSV import changes', async () => {
    const p = await createProduct(t.em(), { threshold: 0 });
    const untouched = await createProduct(t.em(), { threshold: 9 });
    await receive(storeA.id, p.id, 2);
    await receive(storeA.id, untouched.id, 1); // raises: 1 < 9
    const [before] = await rows(storeA.id, untouched.id);
    const csv = [HEADER, `${p.sku},Imported,Test,100,150,piece,6,,,`, `${untouched.sku},Same threshold,Test,100,150,piece,9,,,`].join('\n');
    const res = await admin.request('POST', '/api/catalog/import', undefined, { raw: csv, contentType: 'text/csv' });
    expect(res.body).toMatchObject({ productsCreated: 0, productsUpdated: 2 });
    expect(await rows(storeA.id, p.id)).toEqual([expect.objectContaining({ threshold: 6, on_hand_at_raise: 2, cleared_at: null })]);
    expect(await rows(storeA.id, untouched.id)).toEqual([before]);
  });

  it.each([
    ['the product API', (p: { id: string; sku: string }) => admin.patch(`/api/products/${p.id}`, { lowStockThreshold: 5 })],
    ['a CSV import', (p: { id: string; sku: string }) =>
      admin.request('POST', '/api/catalog/import', undefined, { raw: `${HEADER}\n${p.sku},Raced,Test,100,150,piece,5,,,`, contentType: 'text/csv' })],
  ])('does not miss the crossing when a threshold edit through %s races a sale of the same balance', async (_via, edit) => {
    const p = await createProduct(t.em(), { threshold: 0 });
    await receive(storeA.id, p.id, 10);
    // A sale to 2 is posted but not yet committed; it saw threshold 0, so it raised nothing.
    let commit!: () => void;
    const held = new Promise<void>((r) => (commit = r));
    let posted!: () => void;
    const isPosted = new Promise<void>((r) => (posted = r));
    const sale = t.em().transactional(async (tem) => {
      const res = await postMovements(tem, { key: key(), kind: 'sale', requestHash: 'h' }, [{ storeId: storeA.id, productId: p.id, kind: 'sale', quantity: -8, source: 'test' }]);
      posted();
      await held;
      return res;
    });
    try {
      await isPosted;
      const edited = edit(p);
      // The edit must wait for the sale (its balance row, or the product row the sale's ledger line refers to) rather than read the stale 10.
      await until(async () => {
        const [r] = await t.em().getConnection().execute<any[]>(
          `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and query ilike '%for update%'`);
        return r.n;
      }, (n) => n > 0, 'the threshold edit to wait for the sale');
      commit();
      expect((await sale).alerts).toEqual([]);
      expect((await edited).status).toBeLessThan(300);
    } finally {
      commit();
    }
    expect(await rows(storeA.id, p.id)).toEqual([expect.objectContaining({ threshold: 5, on_hand_at_raise: 2, cleared_at: null })]);
  });

  it('raises exactly one alert when several tills and a stock adjustment take the last units at once', async () => {
    const p = await createProduct(t.em(), { threshold: 3 });
    await receive(storeA.id, p.id, 4);
    const tills = await Promise.all([1, 2, 3].map(async () => {
      const c = new TillClient(t.url, (await enrolTill(t.url, admin, storeA.id)).token);
      closers.push(() => c.close());
      await c.connected();
      return c;
    }));
    await Promise.all([
      ...tills.map((c) => submit(saleOf(p.id, 1), c)),
      admin.post('/api/stock/adjustments', { idempotencyKey: key(), storeId: storeA.id, reason: 'damage', lines: [{ productId: p.id, quantity: -1 }] }),
    ]);
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(0);
    expect(await rows(storeA.id, p.id)).toEqual([expect.objectContaining({ cleared_at: null })]);
  });

  it('pushes an alert to the admin sockets of its store only', async () => {
    const [adminSocket, managerASocket, managerBSocket, auditorSocket] = await Promise.all([admin, managerA, managerB, auditor].map(listener));
    const p = await createProduct(t.em(), { threshold: 2 });
    await receive(storeA.id, p.id, 2);
    await receive(storeB.id, p.id, 2);
    await sell(p.id, 1);
    const [row] = await rows(storeA.id, p.id);
    const event = await adminSocket.waitFor((e) => e.alert.id === row.id, 'the admin to hear of store A');
    expect(event).toEqual({
      change: 'raised',
      alert: {
        id: row.id, storeId: storeA.id, storeCode: storeA.code, productId: p.id, sku: p.sku, name: `Product ${p.sku}`,
        threshold: 2, onHandAtRaise: 1, onHand: 1, raisedAt: expect.any(String), clearedAt: null,
      },
    });
    await managerASocket.waitFor((e) => e.alert.id === row.id, 'store A\'s manager to hear of store A');
    await auditorSocket.waitFor((e) => e.alert.id === row.id, 'the auditor to hear of store A');
    // Store B's manager hears of store B's alert, which happened after A's: by then A's would have arrived.
    await admin.post('/api/stock/adjustments', { idempotencyKey: key(), storeId: storeB.id, reason: 'damage', lines: [{ productId: p.id, quantity: -2 }] });
    await managerBSocket.waitFor((e) => e.alert.productId === p.id && e.alert.storeId === storeB.id, 'store B\'s manager to hear of store B');
    expect(managerBSocket.for(p.id).map((e) => e.alert.storeId)).toEqual([storeB.id]);
    await adminSocket.waitFor((e) => e.alert.productId === p.id && e.alert.storeId === storeB.id, 'the admin to hear of store B');
    expect(managerASocket.for(p.id).map((e) => e.alert.storeId)).toEqual([storeA.id]);
    // The restock clears it, live.
    await receive(storeA.id, p.id, 5);
    const cleared = await managerASocket.waitFor((e) => e.alert.id === row.id && e.change === 'cleared', 'the clear');
    expect(cleared.alert).toMatchObject({ onHand: 6, clearedAt: expect.any(String) });
    for (const l of [adminSocket, managerASocket, managerBSocket, auditorSocket]) expect(l.invalid).toEqual([]);
  });

  it('lists alerts newest first within the reader\'s stores, with an open/cleared filter', async () => {
    const [p1, p2, p3] = [await createProduct(t.em(), { threshold: 5 }), await createProduct(t.em(), { threshold: 5 }), await createProduct(t.em(), { threshold: 5 })];
    await receive(storeA.id, p1.id, 1); // raised first, then cleared
    await receive(storeA.id, p2.id, 2);
    await receive(storeB.id, p3.id, 3);
    await receive(storeA.id, p1.id, 9);

    const openA = await managerA.get('/api/alerts/low-stock');
    expect(openA.status).toBe(200);
    expect(openA.body.items.every((a: any) => a.storeId === storeA.id && a.clearedAt === null)).toBe(true);
    const mine = openA.body.items.filter((a: any) => [p1.id, p2.id].includes(a.productId));
    expect(mine).toEqual([expect.objectContaining({ productId: p2.id, storeCode: storeA.code, sku: p2.sku, threshold: 5, onHandAtRaise: 2, onHand: 2 })]);
    const raisedAts = openA.body.items.map((a: any) => a.raisedAt);
    expect(raisedAts).toEqual([...raisedAts].sort().reverse());
    expect(openA.body.total).toBeGreaterThanOrEqual(openA.body.items.length);

    const cleared = await managerA.get(`/api/alerts/low-stock?status=cleared&storeId=${storeA.id}`);
    expect(cleared.body.items.find((a: any) => a.productId === p1.id)).toMatchObject({ onHandAtRaise: 1, onHand: 10, clearedAt: expect.any(String) });
    expect(cleared.body.items.every((a: any) => a.clearedAt !== null)).toBe(true);
    const all = await managerA.get(`/api/alerts/low-stock?status=all&limit=1000`);
    expect(all.body.items.map((a: any) => a.productId)).toEqual(expect.arrayContaining([p1.id, p2.id]));
    expect(all.body.items.some((a: any) => a.productId === p3.id)).toBe(false);

    const theirs = await managerB.get('/api/alerts/low-stock');
    expect(theirs.body.items.filter((a: any) => [p1.id, p2.id, p3.id].includes(a.productId)).map((a: any) => a.productId)).toEqual([p3.id]);
    expect((await managerB.get(`/api/alerts/low-stock?storeId=${storeA.id}`)).body.error.code).toBe('OUT_OF_SCOPE');
    const audited = await auditor.get(`/api/alerts/low-stock?storeId=${storeB.id}`);
    expect(audited.body.items.map((a: any) => a.productId)).toContain(p3.id);
    const everyStore = await admin.get('/api/alerts/low-stock?limit=1000');
    expect(everyStore.body.items.map((a: any) => a.productId)).toEqual(expect.arrayContaining([p2.id, p3.id]));
    expect((await admin.get('/api/alerts/low-stock?status=maybe')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await new HttpClient(t.url).get('/api/alerts/low-stock')).status).toBe(401);
  });
});
