import { randomUUID } from 'node:crypto';
import { INT4_MAX } from '@stockfleet/shared';
import { bootApp, type TestApp } from '../utils/test-app';
import type { HttpClient } from '../utils/http';
import { createProduct, createStore, newGtin13, onHand, signedIn } from '../utils/factories';
import { enrolTill, TillClient } from '../utils/till-client';

const HEADER = 'sku,name,category,unit_cost_cents,unit_price_cents,uom,low_stock_threshold,barcode,barcode_kind,multiplier';

/** Text and number hygiene: what the outside attacker's fuzzing found, each refused as a typed 4xx, nothing stored. */
describe('Text and number hygiene', () => {
  let t: TestApp;
  let admin: HttpClient;
  let store: Awaited<ReturnType<typeof createStore>>;
  const tills: TillClient[] = [];
  beforeAll(async () => {
    t = await bootApp();
    admin = await signedIn(t.url, t.em(), 'admin');
    store = await createStore(t.em());
  });
  afterAll(async () => {
    tills.forEach((c) => c.close());
    await t.close();
  });

  const count = async (table: string, where: string, params: unknown[]) =>
    Number((await t.em().getConnection().execute<Array<{ n: string }>>(`select count(*) as n from ${table} where ${where}`, params))[0].n);

  async function connectedTill() {
    const e = await enrolTill(t.url, admin, store.id);
    const c = new TillClient(t.url, e.token);
    tills.push(c);
    await c.connected();
    return { ...e, c };
  }

  it('refuses NUL and lone surrogates in text with a 400 naming the field, and stores names NFC and trimmed', async () => {
    const sku = `HY-${randomUUID().slice(0, 8)}`;
    const nul = await admin.post('/api/products', { sku, name: 'Milk\u0000', category: 'Dairy', unitCostCents: 1 });
    expect(nul.status).toBe(400);
    expect(nul.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'name', message: expect.stringMatching(/control characters such as U\+0000/) }] });
    const surrogate = await admin.post('/api/users', { email: `hy-${randomUUID()}@test.stockfleet`, name: 'Jo\uD800', password: 'long-enough-pw', role: 'auditor' });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.error.details).toEqual([{ path: 'name', message: expect.stringMatching(/unpaired UTF-16 surrogate/) }]);
    expect(await count('product', 'sku = ?', [sku])).toBe(0);

    const ok = await admin.post('/api/products', { sku, name: '  Cre\u0300me brule\u0301e ', category: ' Dairy ', unitCostCents: 1 });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ name: 'Crème brulée', category: 'Dairy' });
  });

  it('explains the password rule', async () => {
    const email = `jane.doe.${randomUUID().slice(0, 6)}@test.stockfleet`;
    const digits = await admin.post('/api/users', { email, name: 'Jane', password: '1234567890', role: 'auditor' });
    expect(digits.status).toBe(400);
    expect(digits.body.error.details).toEqual([{ path: 'password', message: expect.stringMatching(/only digits.*at least 10 characters, at least 3 different characters/) }]);
    const ownName = await admin.post('/api/users', { email, name: 'Jane', password: `${email.split('@')[0]}!`, role: 'auditor' });
    expect(ownName.body.error.details[0].message).toMatch(/e-mail name/);
    expect(await count('app_user', 'email = ?', [email])).toBe(0);
    expect((await admin.post('/api/users', { email, name: 'Jane', password: 'Kassen-2026-Nord', role: 'auditor' })).status).toBe(201);
  });

  it('stores an adjustment note and a 100-character reference, and lists the note in the ledger', async () => {
    const p = await createProduct(t.em());
    const reference = 'R'.repeat(100);
    const receipt = await admin.post('/api/stock/receipts', { idempotencyKey: `hy-${randomUUID()}`, storeId: store.id, reference, lines: [{ productId: p.id, quantity: 5 }] });
    expect(receipt.status).toBe(201);
    expect(receipt.body.movements[0].reason).toBe(reference);
    const adj = await admin.post('/api/stock/adjustments', {
      idempotencyKey: `hy-${randomUUID()}`, storeId: store.id, reason: 'damage', note: ' Box dropped\r\nby the door ', lines: [{ productId: p.id, quantity: -2 }],
    });
    expect(adj.status).toBe(201);
    expect(adj.body.movements[0]).toMatchObject({ reason: 'damage', note: 'Box dropped\nby the door' });
    const ledger = await admin.get(`/api/stock/ledger/${p.id}?storeId=${store.id}`);
    expect(ledger.body.items.map((m: { kind: string; note: string | null }) => [m.kind, m.note])).toEqual([['adjustment', 'Box dropped\nby the door'], ['receipt', null]]);
  });

  it('refuses a receipt that would push on_hand past int4, storing nothing; the balance stays usable', async () => {
    const p = await createProduct(t.em());
    // One request of 2,200 lines × 1,000,000 of one product: each line is valid, their sum is not.
    const lines = Array.from({ length: 2200 }, () => ({ productId: p.id, quantity: 1_000_000 }));
    const tooMuch = await admin.post('/api/stock/receipts', { idempotencyKey: `hy-${randomUUID()}`, storeId: store.id, lines });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.error).toMatchObject({ code: 'OUT_OF_RANGE', details: { storeId: store.id, productId: p.id } });
    expect(await count('stock_movement', 'product_id = ?', [p.id])).toBe(0);

    // Two requests that each fit but together do not: the second is refused on the stored balance.
    const half = Array.from({ length: 2000 }, () => ({ productId: p.id, quantity: 1_000_000 }));
    expect((await admin.post('/api/stock/receipts', { idempotencyKey: `hy-${randomUUID()}`, storeId: store.id, lines: half })).status).toBe(201);
    const key = `hy-${randomUUID()}`;
    const second = await admin.post('/api/stock/receipts', { idempotencyKey: key, storeId: store.id, lines: half.slice(0, 200) });
    expect(second.status).toBe(422);
    expect(second.body.error.code).toBe('OUT_OF_RANGE');
    expect(await onHand(t.em(), store.id, p.id)).toBe(2_000_000_000);
    expect(await count('movement_batch', 'key = ?', [`api:${key}`])).toBe(0);
    expect(await count('stock_movement', 'product_id = ?', [p.id])).toBe(2000);
    // Up to the limit is fine.
    const rest = INT4_MAX - 2_000_000_000;
    const n = Math.ceil(rest / 1_000_000);
    const fill = Array.from({ length: n }, (_, i) => ({ productId: p.id, quantity: i < n - 1 ? 1_000_000 : rest - (n - 1) * 1_000_000 }));
    expect((await admin.post('/api/stock/receipts', { idempotencyKey: `hy-${randomUUID()}`, storeId: store.id, lines: fill })).status).toBe(201);
    expect(await onHand(t.em(), store.id, p.id)).toBe(INT4_MAX);
  });

  it('refuses an oversized sale over the socket as permanent, and stores nothing', async () => {
    const p = await createProduct(t.em());
    const { c, terminalId } = await connectedTill();
    const sale = { id: randomUUID(), kind: 'sale', storeId: store.id, seq: 1, at: Date.now(), tender: 'card', lines: [{ productId: p.id, quantity: 1_000_000, unitPriceCents: 100_000_000 }] };
    const ack = await c.emit('sale.submit.v1', sale);
    expect(ack).toEqual({ ok: false, error: { code: 'OUT_OF_RANGE', message: expect.stringMatching(/total of 100000000000000 cents/), details: { totalCents: 1e14 }, permanent: true } });
    // Sent again (as a till that did not know would): the same permanent refusal, still nothing stored.
    expect(await c.emit('sale.submit.v1', sale)).toMatchObject({ ok: false, error: { code: 'OUT_OF_RANGE', permanent: true } });
    expect(await count('sale', 'terminal_id = ?', [terminalId])).toBe(0);
    expect(await count('stock_movement', 'product_id = ?', [p.id])).toBe(0);
    expect(await count('movement_batch', 'key = ?', [`sale:${sale.id}`])).toBe(0);

    const at = await c.emit('sale.submit.v1', { ...sale, at: 8.64e15, lines: [{ productId: p.id, quantity: 1, unitPriceCents: 1 }] });
    expect(at).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', permanent: true, details: [{ path: 'at' }] } });
    const code = await c.emit('sale.submit.v1', { ...sale, lines: [{ productId: p.id, quantity: 1, unitPriceCents: 1, code: '\u0000' }] });
    expect(code).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED', permanent: true, details: [{ path: 'lines.0.code' }] } });
    expect(await count('sale', 'terminal_id = ?', [terminalId])).toBe(0);

    // A sale at the edge is fine; the till's sequence goes on.
    const edge = await c.emit('sale.submit.v1', { ...sale, lines: [{ productId: p.id, quantity: 21, unitPriceCents: 100_000_000 }, { productId: p.id, quantity: 1, unitPriceCents: 47_483_647 }] });
    expect(edge).toEqual({ ok: true, data: { saleId: sale.id, duplicate: false } });
    expect(await onHand(t.em(), store.id, p.id)).toBe(-22);
  });

  it('keeps the clock offset of a till that boots in 1970, and places its sales by it', async () => {
    const p = await createProduct(t.em());
    const { c, terminalId } = await connectedTill();
    // The till's clock reads 10 s after the epoch; the hub's reads now.
    const hb = await c.emit('till.heartbeat.v1', { sentAt: 10_000 });
    if (!hb.ok) throw new Error(JSON.stringify(hb.error));
    const hubAt = (hb.data as { hubAt: number }).hubAt;
    expect((await c.emit('till.heartbeat.v1', { sentAt: 10_020, previous: { sentAt: 10_000, hubAt, receivedAt: 10_020 } })).ok).toBe(true);
    const [row] = await t.em().getConnection().execute<Array<{ offset: string }>>(`select clock_offset_ms::text as offset from terminal where id = ?`, [terminalId]);
    expect(Math.abs(Number(row.offset) - (hubAt - 10_010))).toBeLessThan(2);
    expect(Number(row.offset)).toBeGreaterThan(INT4_MAX);
    const sold = await c.emit('sale.submit.v1', { id: randomUUID(), kind: 'sale', storeId: store.id, seq: 1, at: 10_030, tender: 'cash', lines: [{ productId: p.id, quantity: 1, unitPriceCents: 100 }] });
    expect(sold.ok).toBe(true);
    const [s] = await t.em().getConnection().execute<Array<{ corrected_at: Date }>>(`select corrected_at from sale where terminal_id = ?`, [terminalId]);
    expect(Math.abs(new Date(s.corrected_at).getTime() - hubAt)).toBeLessThan(1000);
    const fleet = await admin.get(`/api/terminals?storeId=${store.id}`);
    expect(fleet.body.find((x: { id: string }) => x.id === terminalId).clockOffsetMs).toBe(Number(row.offset));
  });

  it('applies the text rule to every row of a CSV import, with the line and column', async () => {
    const tag = randomUUID().slice(0, 8);
    const csv = [
      HEADER,
      `HYI-${tag}-1,Fine,Pantry,100,150,piece,1,${newGtin13()},gtin,1`,
      `HYI-${tag}-2,"Bad\u0000name",Pantry,100,150,piece,1,,,`,
      `HYI-${tag}-3,Fine,"Pan\u001Btry",100,150,piece,1,,,`,
      `HYI-${tag}-4,Fine,Pantry,100,150,piece,1,"AB\u0007C",internal,1`,
      `HYI-${tag}-5,"${'x'.repeat(201)}",Pantry,100,150,piece,1,,,`,
    ].join('\n');
    const res = await admin.request('POST', '/api/catalog/import', undefined, { raw: csv, contentType: 'text/csv' });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { line: 3, column: 'name', message: 'name must not contain control characters such as U+0000' },
      { line: 4, column: 'category', message: 'category must not contain control characters such as U+001B' },
      { line: 5, column: 'barcode', message: 'barcode must not contain control characters such as U+0007' },
      { line: 6, column: 'name', message: 'name: 1–200 characters' },
    ]);
    expect(await count('product', 'sku like ?', [`HYI-${tag}-%`])).toBe(0);
  });
});
