import { bootApp, type TestApp } from '../utils/test-app';
import { HttpClient } from '../utils/http';
import { createProduct, createStore, newGtin13, signedIn } from '../utils/factories';

const HEADER = 'sku,name,category,unit_cost_cents,unit_price_cents,uom,low_stock_threshold,barcode,barcode_kind,multiplier';

describe('Catalogue CSV import', () => {
  let t: TestApp;
  let admin: HttpClient;
  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
  });
  afterAll(async () => { await t.close(); });

  const upload = (client: HttpClient, csv: string) => client.request('POST', '/api/catalog/import', undefined, { raw: csv, contentType: 'text/csv' });

  it('imports products and their barcodes, and updates on re-import', async () => {
    const tag = Date.now().toString(36);
    const [g1, g2, g3] = [newGtin13(), newGtin13(), newGtin13()];
    const csv = [HEADER, `IMP-${tag}-1,Rice 1kg,Pantry,150,250,piece,4,${g1},gtin,1`, `IMP-${tag}-1,Rice 1kg,Pantry,150,250,piece,4,${g2},internal,1`, `IMP-${tag}-2,"Soap, lavender",Household,90,,piece,,${g3},gtin,`].join('\n');
    const res = await upload(admin, csv);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ rows: 3, productsCreated: 2, productsUpdated: 0, barcodesCreated: 3 });
    const found = await admin.get(`/api/products?q=IMP-${tag}-2`);
    expect(found.body.items[0]).toMatchObject({ name: 'Soap, lavender', unitPriceCents: 0 });
    const again = await upload(admin, [HEADER, `IMP-${tag}-2,Soap lavender 2,Household,95,140,piece,2,${g3},gtin,1`].join('\n'));
    expect(again.body).toMatchObject({ productsCreated: 0, productsUpdated: 1, barcodesCreated: 0 });
  });

  it('reports every broken row with its line number and imports nothing', async () => {
    const tag = Date.now().toString(36);
    const owned = await createProduct(t.em());
    const good = newGtin13();
    const csv = [
      HEADER,
      `BAD-${tag}-1,Fine,Pantry,100,150,piece,1,${good},gtin,1`,
      `BAD-${tag}-2,,Pantry,100,150,piece,1,,,`,
      `BAD-${tag}-3,Neg,Pantry,-5,150,piece,1,,,`,
      `BAD-${tag}-4,Bad code,Pantry,100,150,piece,1,4006381333932,gtin,1`,
      `BAD-${tag}-5,Dup code,Pantry,100,150,piece,1,${good},gtin,1`,
    ].join('\n');
    const res = await upload(admin, csv);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('IMPORT_FAILED');
    expect(res.body.error.details.map((d: any) => [d.line, d.column])).toEqual([[3, 'name'], [4, 'unit_cost_cents'], [5, 'barcode'], [6, 'barcode']]);
    expect((await admin.get(`/api/products?q=BAD-${tag}`)).body.total).toBe(0);

    const stolen = await upload(admin, [HEADER, `BAD-${tag}-9,Thief,Pantry,1,1,piece,0,${owned.gtin},gtin,1`].join('\n'));
    expect(stolen.body.error.details).toEqual([{ line: 2, column: 'barcode', message: `barcode ${owned.gtin} belongs to ${owned.sku}` }]);
    expect((await admin.get(`/api/products?q=BAD-${tag}-9`)).body.total).toBe(0);
  });

  it('refuses a wrong header, broken CSV and non-CSV bodies', async () => {
    expect((await upload(admin, 'sku,nom\nA,B')).body.error).toMatchObject({ code: 'IMPORT_FAILED', details: expect.arrayContaining([{ line: 1, column: 'nom', message: 'unknown column' }]) });
    expect((await upload(admin, `${HEADER}\n"unterminated,1`)).body.error.code).toBe('IMPORT_FAILED');
    expect((await admin.post('/api/catalog/import', { not: 'csv' })).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('is for admins only', async () => {
    const store = await createStore(t.em());
    const manager = await signedIn(t.url, t.em(), 'manager', [store.id]);
    const auditor = await signedIn(t.url, t.em(), 'auditor');
    expect((await upload(manager, HEADER)).status).toBe(403);
    expect((await upload(auditor, HEADER)).status).toBe(403);
    expect((await upload(new HttpClient(t.url), HEADER)).status).toBe(401);
  });
});
