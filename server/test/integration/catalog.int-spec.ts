import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, newGtin13, signedIn } from '../utils/factories';

const product = (over: Record<string, unknown> = {}) => ({
  sku: `SKU-${Math.random().toString(36).slice(2, 10)}`,
  name: 'Green tea 500 ml',
  category: 'Beverages',
  unitCostCents: 120,
  unitPriceCents: 199,
  lowStockThreshold: 5,
  barcodes: [{ code: newGtin13() }],
  ...over,
});

describe('Catalogue API', () => {
  let t: TestApp;
  let admin: HttpClient;
  let manager: HttpClient;
  let auditor: HttpClient;
  beforeAll(async () => {
    t = await bootApp();
    const store = await createStore(t.em());
    admin = await signedIn(t.url, t.em(), 'admin');
    manager = await signedIn(t.url, t.em(), 'manager', [store.id]);
    auditor = await signedIn(t.url, t.em(), 'auditor');
  });
  afterAll(async () => { await t.close(); });

  it('creates a product with a pack barcode and reads it back', async () => {
    const gtin = newGtin13();
    const packBody = `1${gtin.slice(0, 12)}`;
    const { gs1CheckDigit } = await import('../../src/catalog/barcode-rules.js');
    const pack = packBody + gs1CheckDigit(packBody);
    const res = await admin.post('/api/products', product({ barcodes: [{ code: gtin }, { code: pack, kind: 'pack', multiplier: 12 }] }));
    expect(res.status).toBe(201);
    expect(res.body.barcodes).toEqual(expect.arrayContaining([{ code: pack, kind: 'pack', multiplier: 12 }, { code: gtin, kind: 'gtin', multiplier: 1 }]));
    const got = await auditor.get(`/api/products/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.sku).toBe(res.body.sku);
    const search = await manager.get(`/api/products?q=${gtin}`);
    expect(search.body.items.map((p: any) => p.id)).toEqual([res.body.id]);
  });

  it('refuses invalid products with typed errors and writes nothing', async () => {
    const sku = `SKU-bad-${Date.now()}`;
    const cases: Array<[unknown, number, string]> = [
      [product({ sku, unitCostCents: -1 }), 400, 'VALIDATION_FAILED'],
      [product({ sku, unknownField: true }), 400, 'VALIDATION_FAILED'],
      [product({ sku, unitCostCents: '12' }), 400, 'VALIDATION_FAILED'],
      [product({ sku, barcodes: [{ code: '4006381333932' }] }), 422, 'INVALID_BARCODE'],
      [product({ sku, barcodes: [{ code: newGtin13(), kind: 'pack', multiplier: 1 }] }), 422, 'INVALID_BARCODE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await admin.post('/api/products', body);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
    }
    expect((await admin.get(`/api/products?q=${sku}`)).body.total).toBe(0);
  });

  it('refuses a barcode that another product owns, and a duplicate SKU', async () => {
    const existing = await createProduct(t.em());
    const taken = await admin.post('/api/products', product({ barcodes: [{ code: existing.gtin }] }));
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'BARCODE_TAKEN', details: { code: existing.gtin, sku: existing.sku } });
    const dupSku = await admin.post('/api/products', product({ sku: existing.sku }));
    expect(dupSku.body.error.code).toBe('SKU_TAKEN');
    const addTaken = await admin.post(`/api/products/${(await createProduct(t.em())).id}/barcodes`, { code: existing.gtin });
    expect(addTaken.body.error.code).toBe('BARCODE_TAKEN');
  });

  it('lets only admins change the catalogue; everyone signed in may read it', async () => {
    expect((await manager.post('/api/products', product())).status).toBe(403);
    expect((await auditor.post('/api/products', product())).status).toBe(403);
    expect((await new HttpClient(t.url).post('/api/products', product())).status).toBe(401);
    expect((await new HttpClient(t.url).get('/api/products')).status).toBe(401);
    const p = await createProduct(t.em());
    expect((await manager.patch(`/api/products/${p.id}`, { lowStockThreshold: 9 })).status).toBe(403);
    const ok = await admin.patch(`/api/products/${p.id}`, { lowStockThreshold: 9 });
    expect(ok.body.lowStockThreshold).toBe(9);
    expect((await admin.get('/api/products/not-a-uuid')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await admin.get('/api/products/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
