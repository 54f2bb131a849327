import { randomUUID } from 'node:crypto';
import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, onHand, signedIn } from '../utils/factories';

describe('Stock movements', () => {
  let t: TestApp;
  let storeA: Awaited<ReturnType<typeof createStore>>;
  let storeB: Awaited<ReturnType<typeof createStore>>;
  let admin: HttpClient;
  let managerA: HttpClient;
  let auditor: HttpClient;
  beforeAll(async () => {
    t = await bootApp();
    storeA = await createStore(t.em());
    storeB = await createStore(t.em());
    admin = await signedIn(t.url, t.em(), 'admin');
    managerA = await signedIn(t.url, t.em(), 'manager', [storeA.id]);
    auditor = await signedIn(t.url, t.em(), 'auditor');
  });
  afterAll(async () => { await t.close(); });
  const key = () => `k-${randomUUID()}`;

  it('posts a goods receipt once, however often it is retried', async () => {
    const p = await createProduct(t.em());
    const body = { idempotencyKey: key(), storeId: storeA.id, lines: [{ productId: p.id, quantity: 24 }], reference: 'PO-1' };
    const first = await managerA.post('/api/stock/receipts', body);
    expect(first.status).toBe(201);
    expect(first.body.applied).toBe(true);
    const [retry, concurrent] = await Promise.all([managerA.post('/api/stock/receipts', body), managerA.post('/api/stock/receipts', body)]);
    expect(retry.body.applied).toBe(false);
    expect(concurrent.body.applied).toBe(false);
    expect(retry.body.movements.map((m: any) => m.id)).toEqual(first.body.movements.map((m: any) => m.id));
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(24);
    const reused = await managerA.post('/api/stock/receipts', { ...body, lines: [{ productId: p.id, quantity: 25 }] });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(24);
  });

  it('moves both legs of a transfer in one transaction', async () => {
    const p = await createProduct(t.em());
    await admin.post('/api/stock/receipts', { idempotencyKey: key(), storeId: storeA.id, lines: [{ productId: p.id, quantity: 10 }] });
    const res = await admin.post('/api/stock/transfers', { idempotencyKey: key(), fromStoreId: storeA.id, toStoreId: storeB.id, lines: [{ productId: p.id, quantity: 4 }] });
    expect(res.status).toBe(201);
    expect(res.body.movements.map((m: any) => [m.kind, m.quantity])).toEqual([['transfer_out', -4], ['transfer_in', 4]]);
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(6);
    expect(await onHand(t.em(), storeB.id, p.id)).toBe(4);
    // an unknown product on the second line rolls back the whole request
    const bad = await admin.post('/api/stock/transfers', { idempotencyKey: key(), fromStoreId: storeA.id, toStoreId: storeB.id, lines: [{ productId: p.id, quantity: 1 }, { productId: randomUUID(), quantity: 1 }] });
    expect(bad.body.error.code).toBe('UNKNOWN_PRODUCT');
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(6);
  });

  it('records adjustments with a reason and shows the ledger and balances', async () => {
    const p = await createProduct(t.em(), { threshold: 5 });
    await admin.post('/api/stock/receipts', { idempotencyKey: key(), storeId: storeA.id, lines: [{ productId: p.id, quantity: 7 }] });
    const adj = await managerA.post('/api/stock/adjustments', { idempotencyKey: key(), storeId: storeA.id, reason: 'damage', lines: [{ productId: p.id, quantity: -3 }] });
    expect(adj.body.movements[0]).toMatchObject({ kind: 'adjustment', quantity: -3, reason: 'damage' });
    const ledger = await auditor.get(`/api/stock/ledger/${p.id}?storeId=${storeA.id}`);
    expect(ledger.body.items.map((m: any) => m.quantity)).toEqual([-3, 7]);
    const low = await managerA.get(`/api/stock/balances?storeId=${storeA.id}&lowOnly=true`);
    expect(low.body.items.find((b: any) => b.productId === p.id)).toMatchObject({ onHand: 4, low: true });
    const audit = await admin.get(`/api/audit?action=stock.adjustment&storeId=${storeA.id}`);
    expect(audit.body.items[0]).toMatchObject({ action: 'stock.adjustment', actorName: (managerA as any).user.email });
  });

  it('rejects bad input with typed errors and writes nothing', async () => {
    const p = await createProduct(t.em());
    const cases: Array<[string, unknown, string]> = [
      ['/api/stock/transfers', { idempotencyKey: key(), fromStoreId: storeA.id, toStoreId: storeA.id, lines: [{ productId: p.id, quantity: 1 }] }, 'VALIDATION_FAILED'],
      ['/api/stock/receipts', { idempotencyKey: key(), storeId: storeA.id, lines: [{ productId: p.id, quantity: -1 }] }, 'VALIDATION_FAILED'],
      ['/api/stock/receipts', { idempotencyKey: key(), storeId: storeA.id, lines: [{ productId: p.id, quantity: 10_000_000 }] }, 'VALIDATION_FAILED'],
      ['/api/stock/receipts', { idempotencyKey: key(), storeId: storeA.id, lines: [] }, 'VALIDATION_FAILED'],
      ['/api/stock/receipts', { storeId: storeA.id, lines: [{ productId: p.id, quantity: 1 }] }, 'VALIDATION_FAILED'],
      ['/api/stock/adjustments', { idempotencyKey: key(), storeId: storeA.id, reason: 'because', lines: [{ productId: p.id, quantity: 1 }] }, 'VALIDATION_FAILED'],
      ['/api/stock/adjustments', { idempotencyKey: key(), storeId: storeA.id, reason: 'theft', lines: [{ productId: p.id, quantity: 0 }] }, 'VALIDATION_FAILED'],
      ['/api/stock/receipts', { idempotencyKey: key(), storeId: storeA.id, lines: [{ productId: randomUUID(), quantity: 1 }] }, 'UNKNOWN_PRODUCT'],
      ['/api/stock/receipts', { idempotencyKey: key(), storeId: randomUUID(), lines: [{ productId: p.id, quantity: 1 }] }, 'UNKNOWN_STORE'],
    ];
    for (const [path, body, code] of cases) expect([path, (await admin.post(path, body)).body.error?.code]).toEqual([path, code]);
    expect(await onHand(t.em(), storeA.id, p.id)).toBe(0);
  });

  it('keeps managers to their stores and auditors read-only', async () => {
    const p = await createProduct(t.em());
    const intoB = { idempotencyKey: key(), storeId: storeB.id, lines: [{ productId: p.id, quantity: 1 }] };
    expect((await managerA.post('/api/stock/receipts', intoB)).body.error.code).toBe('OUT_OF_SCOPE');
    expect((await managerA.post('/api/stock/transfers', { idempotencyKey: key(), fromStoreId: storeA.id, toStoreId: storeB.id, lines: [{ productId: p.id, quantity: 1 }] })).status).toBe(403);
    expect((await managerA.get(`/api/stock/balances?storeId=${storeB.id}`)).body.error.code).toBe('OUT_OF_SCOPE');
    expect((await managerA.get(`/api/stock/ledger/${p.id}?storeId=${storeB.id}`)).status).toBe(403);
    expect((await auditor.post('/api/stock/receipts', intoB)).status).toBe(403);
    expect((await auditor.get(`/api/stock/balances?storeId=${storeB.id}`)).status).toBe(200);
    expect((await new HttpClient(t.url).post('/api/stock/receipts', intoB)).status).toBe(401);
    const stores = await managerA.get('/api/stores');
    expect(stores.body.map((s: any) => s.id)).toEqual([storeA.id]);
    expect(await onHand(t.em(), storeB.id, p.id)).toBe(0);
  });
});
