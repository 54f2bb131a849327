import 'fake-indexeddb/auto';
import { CountEntrySchema, CountSubmitV1, type TillCatalogDto } from '@stockfleet/shared';
import { parseScanned } from '../barcode/scan-parse.js';
import { CatalogIndex } from '../catalog/catalog-index.js';
import { IdbOutboxStore } from '../outbox/outbox-store.js';
import type { StoredOutboxEntry } from '../outbox/outbox-types.js';
import { openTillDb } from '../storage/db.js';
import { aggregate, buildEntry, COUNT_BATCH_MAX, decideCount, fromOutbox, fromSent, settleBatch, toSent, type CountDecision } from './count-logic.js';

const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';
const ZONE = '00000000-0000-4000-8000-0000000000a1';
const ZONE2 = '00000000-0000-4000-8000-0000000000b2';
const ST = '00000000-0000-4000-8000-0000000000cc';
const TASK = '00000000-0000-4000-8000-0000000000dd';

const catalog = new CatalogIndex({
  version: 'v1',
  products: [
    { id: P1, sku: 'WATER-500', name: 'Water 500 ml', category: 'drinks', unitPriceCents: 99, uom: 'piece' },
    { id: P2, sku: 'COLA-330', name: 'Cola 330 ml', category: 'drinks', unitPriceCents: 149, uom: 'piece' },
  ],
  barcodes: [
    { code: '4006381333931', productId: P1, multiplier: 1 },
    { code: '14006381333938', productId: P1, multiplier: 6 },
  ],
  staff: [],
  zones: [],
} as TillCatalogDto);

const ok = (d: CountDecision) => {
  if (!d.ok) throw new Error(`refused: ${d.reason}`);
  return d;
};

let n = 0;
function stored(id: string, decision: CountDecision, extra: Partial<StoredOutboxEntry<'count'>> = {}): StoredOutboxEntry<'count'> {
  const seq = ++n;
  return {
    localId: seq,
    kind: 'count',
    clientId: id,
    seq,
    payload: { stocktakeId: ST, entry: buildEntry({ id, zoneId: ZONE, decision: ok(decision), at: 1, seq, staffId: null, recountTaskId: null }), label: ok(decision).label },
    status: 'pending',
    createdAt: 1,
    attempts: 0,
    lastError: null,
    rejection: null,
    ...extra,
  };
}

describe('decideCount', () => {
  it('resolves a product from the catalogue and multiplies pack barcodes by the keyed quantity', () => {
    expect(decideCount(parseScanned('4006381333931'), catalog, 1)).toMatchObject({ ok: true, productId: P1, quantity: 1, code: null });
    expect(decideCount(parseScanned('14006381333938'), catalog, 2)).toMatchObject({ ok: true, productId: P1, quantity: 12 });
  });

  it('sends an unknown but valid code for the hub to resolve, and refuses an invalid one', () => {
    expect(decideCount(parseScanned('4006381333948'), catalog, 3)).toMatchObject({ ok: true, productId: null, code: '4006381333948', quantity: 3 });
    expect(decideCount(parseScanned('4006381333932'), catalog, 1)).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('counts an EPC read as one, whatever quantity was keyed', () => {
    const d = decideCount(parseScanned('3074257bf7194e4000001a85'), catalog, 5);
    expect(d).toMatchObject({ ok: true, epc: '3074257BF7194E4000001A85', quantity: 1 });
  });

  it('builds entries the hub schema accepts (productId, or code, or epc)', () => {
    for (const raw of ['4006381333931', '4006381333948', '3074257bf7194e4000001a85']) {
      const entry = buildEntry({ id: crypto.randomUUID(), zoneId: ZONE, decision: ok(decideCount(parseScanned(raw), catalog, 1)), at: 5, seq: 1, staffId: null, recountTaskId: TASK });
      expect(CountEntrySchema.safeParse(entry).success).toBe(true);
    }
    const batch = Array.from({ length: COUNT_BATCH_MAX }, (_, i) =>
      buildEntry({ id: crypto.randomUUID(), zoneId: ZONE, decision: ok(decideCount(parseScanned('4006381333931'), catalog, 1)), at: 5, seq: i + 1, staffId: null, recountTaskId: null }),
    );
    expect(CountSubmitV1.safeParse({ stocktakeId: ST, entries: batch }).success).toBe(true);
  });
});

describe('aggregate', () => {
  it('sums entries per zone, product and recount task; counts a record that is in both journal and outbox once; skips refused', () => {
    const a = stored(crypto.randomUUID(), decideCount(parseScanned('4006381333931'), catalog, 1));
    const b = stored(crypto.randomUUID(), decideCount(parseScanned('14006381333938'), catalog, 1));
    const c = stored(crypto.randomUUID(), decideCount(parseScanned('4006381333931'), catalog, 1), { status: 'rejected', rejection: { code: 'OUT_OF_SCOPE', message: 'x', at: 1 } });
    const d = stored(crypto.randomUUID(), decideCount(parseScanned('4006381333931'), catalog, 1));
    d.payload.entry.zoneId = ZONE2;
    const records = [fromSent(ST, toSent(a.payload)), fromOutbox(a), fromOutbox(b), fromOutbox(c), fromOutbox(d)];
    const lines = aggregate(records);
    const z1 = lines.find((l) => l.zoneId === ZONE)!;
    expect(z1).toMatchObject({ productId: P1, quantity: 7, entries: 2, lastPendingLocalId: b.localId });
    expect(lines.find((l) => l.zoneId === ZONE2)).toMatchObject({ quantity: 1 });
    expect(lines).toHaveLength(2);
  });
});

describe('settleBatch', () => {
  const batch = () => [stored(crypto.randomUUID(), decideCount(parseScanned('4006381333931'), catalog, 1)), stored(crypto.randomUUID(), decideCount(parseScanned('4006381333948'), catalog, 1))];

  it('delivers accepted and duplicate entries and parks rejected ones with their code', () => {
    const [a, b] = batch();
    const s = settleBatch([a, b], {
      ok: true,
      data: { results: [{ id: a.payload.entry.id, status: 'duplicate' }, { id: b.payload.entry.id, status: 'rejected', code: 'UNKNOWN_BARCODE', reason: 'No product' }] },
    });
    expect(s.delivered).toEqual([a]);
    expect(s.rejected).toEqual([{ entry: b, code: 'UNKNOWN_BARCODE', message: 'No product' }]);
    expect(s.head).toEqual({ type: 'delivered', duplicate: true });
  });

  it('keeps everything on a timeout or a transient error, and refuses the batch on a business error', () => {
    const [a, b] = batch();
    expect(settleBatch([a, b], null, new Error('operation has timed out'))).toMatchObject({ delivered: [], rejected: [], unanswered: [a, b], head: { type: 'retry' } });
    expect(settleBatch([a, b], { ok: false, error: { code: 'INTERNAL', message: 'db' } })).toMatchObject({ delivered: [], head: { type: 'retry' } });
    const refused = settleBatch([a, b], { ok: false, error: { code: 'NOT_COUNTING', message: 'The store is review' } });
    expect(refused.rejected.map((r) => r.code)).toEqual(['NOT_COUNTING', 'NOT_COUNTING']);
    expect(refused.head).toMatchObject({ type: 'rejected', code: 'NOT_COUNTING' });
  });

  it('keeps an entry the ack says nothing about', () => {
    const [a, b] = batch();
    const s = settleBatch([a, b], { ok: true, data: { results: [{ id: b.payload.entry.id, status: 'accepted' }] } });
    expect(s.unanswered).toEqual([a]);
    expect(s.head.type).toBe('retry');
  });
});

describe('count outbox in IndexedDB', () => {
  it('batches the pending count entries behind the head, stopping at a sale, and settles atomically with the journal', async () => {
    const store = new IdbOutboxStore(openTillDb(`count-test-${Date.now()}`));
    const d = ok(decideCount(parseScanned('4006381333931'), catalog, 1));
    const add = (stocktakeId = ST) =>
      store.enqueue('count', crypto.randomUUID(), (seq) => {
        const id = crypto.randomUUID();
        return { stocktakeId, entry: buildEntry({ id, zoneId: ZONE, decision: d, at: 1, seq, staffId: null, recountTaskId: null }), label: d.label };
      });
    const e1 = (await add()).entry;
    const e2 = (await add()).entry;
    await store.markRejected((await add()).entry.localId, { code: 'X', message: 'x', at: 1 });
    const e4 = (await add()).entry;
    await add('00000000-0000-4000-8000-0000000000ee');
    const run = await store.pendingRun(e1.localId, 'count', 200, (e) => e.payload.stocktakeId === ST);
    expect(run.map((e) => e.localId)).toEqual([e1.localId, e2.localId, e4.localId]);
    expect((await store.pendingRun(e1.localId, 'count', 2)).length).toBe(2);

    await store.settle([e1.localId, e2.localId], 'countSent:test', (cur) => [...((cur as unknown[]) ?? []), 'a', 'b']);
    expect((await store.list()).map((e) => e.localId)).not.toContain(e1.localId);
    expect(await (await openTillDb(`count-test-x`)).get('kv', 'countSent:test')).toBeUndefined();
    expect(await store.removeIfPending(e4.localId)).toBe(true);
    expect(await store.removeIfPending(e4.localId)).toBe(false);
    expect((await store.counts()).pendingByKind.count).toBe(1);
  });
});
