import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, signedIn } from '../utils/factories';

describe('Stores, staff and the audit log', () => {
  let t: TestApp;
  beforeAll(async () => { t = await bootApp(); });
  afterAll(async () => { await t.close(); });

  it('lists stores with zones, scoped to the reader', async () => {
    const a = await createStore(t.em(), { zones: ['A1', 'BR'] });
    const b = await createStore(t.em());
    const admin = await signedIn(t.url, t.em(), 'admin');
    const manager = await signedIn(t.url, t.em(), 'manager', [a.id]);
    const auditor = await signedIn(t.url, t.em(), 'auditor');
    const all = (await admin.get('/api/stores')).body.map((s: any) => s.id);
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
    expect((await auditor.get('/api/stores')).body.length).toBe(all.length);
    const mine = (await manager.get('/api/stores')).body;
    expect(mine).toHaveLength(1);
    expect(mine[0].zones.map((z: any) => z.code)).toEqual(['A1', 'BR']);
    expect((await new HttpClient(t.url).get('/api/stores')).status).toBe(401);
  });

  it('creates staff with a PIN unique per store, within scope', async () => {
    const a = await createStore(t.em());
    const b = await createStore(t.em());
    const manager = await signedIn(t.url, t.em(), 'manager', [a.id]);
    const auditor = await signedIn(t.url, t.em(), 'auditor');
    const created = await manager.post('/api/staff', { storeId: a.id, name: 'Mia', pin: '2468' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ storeId: a.id, name: 'Mia', hasBadge: false });
    expect(JSON.stringify(created.body)).not.toContain('2468');
    expect((await manager.post('/api/staff', { storeId: a.id, name: 'Max', pin: '2468' })).body.error.code).toBe('CONFLICT');
    expect((await manager.post('/api/staff', { storeId: a.id, name: 'Max', pin: '12' })).body.error.code).toBe('VALIDATION_FAILED');
    expect((await manager.post('/api/staff', { storeId: b.id, name: 'Max', pin: '1357' })).body.error.code).toBe('OUT_OF_SCOPE');
    expect((await auditor.post('/api/staff', { storeId: a.id, name: 'Max', pin: '1357' })).status).toBe(403);
    expect((await manager.get(`/api/staff?storeId=${a.id}`)).body.map((s: any) => s.name)).toEqual(['Mia']);
    expect((await manager.get(`/api/staff?storeId=${b.id}`)).status).toBe(403);
  });

  it('shows a manager only the audit events of their stores and their own', async () => {
    const a = await createStore(t.em());
    const b = await createStore(t.em());
    const admin = await signedIn(t.url, t.em(), 'admin');
    const manager = await signedIn(t.url, t.em(), 'manager', [a.id]);
    const p = await createProduct(t.em());
    await admin.post('/api/stock/receipts', { idempotencyKey: `audit-a-${Date.now()}`, storeId: a.id, lines: [{ productId: p.id, quantity: 1 }] });
    await admin.post('/api/stock/receipts', { idempotencyKey: `audit-b-${Date.now()}`, storeId: b.id, lines: [{ productId: p.id, quantity: 1 }] });
    const seen = (await manager.get('/api/audit?action=stock.receipt&limit=500')).body.items;
    expect(seen.some((e: any) => e.storeId === a.id)).toBe(true);
    expect(seen.some((e: any) => e.storeId === b.id)).toBe(false);
    expect((await manager.get(`/api/audit?storeId=${b.id}`)).status).toBe(403);
    const adminView = (await admin.get(`/api/audit?storeId=${b.id}&action=stock.receipt`)).body.items;
    expect(adminView[0]).toMatchObject({ storeId: b.id, actorType: 'user', actorName: (admin as any).user.email });
    expect((await admin.get('/api/audit?from=yesterday')).body.error.code).toBe('VALIDATION_FAILED');
  });
});
