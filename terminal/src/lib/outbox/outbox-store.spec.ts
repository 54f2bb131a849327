import 'fake-indexeddb/auto';
import { SaleSchema, type SaleInput } from '@stockfleet/shared';
import { openTillDb } from '../storage/db.js';
import { classifyAck } from './ack-outcome.js';
import { OutboxPump } from './outbox-pump.js';
import { IdbOutboxStore } from './outbox-store.js';

let dbSeq = 0;
function freshStore() {
  const name = `till-test-${++dbSeq}`;
  const db = openTillDb(name);
  return { sut: new IdbOutboxStore(db), db, name };
}

const STORE = '7b0f1c3e-2b7a-4d8e-9a51-0c7f4a2d9e11';
const PRODUCT = '0d3f7e5a-91c2-4b6f-8e2d-5a4c3b2a1f00';

function sale(id: string, seq: number): SaleInput {
  return { id, kind: 'sale', storeId: STORE, seq, at: 1_700_000_000_000 + seq, tender: 'cash', lines: [{ productId: PRODUCT, quantity: 1, unitPriceCents: 199 }] };
}

describe(IdbOutboxStore.name, () => {
  it('allocates the per-kind sequence in the write transaction, starting at 1, without gaps', async () => {
    const { sut } = freshStore();
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { entry } = await sut.enqueue('sale', crypto.randomUUID(), (seq) => sale(crypto.randomUUID(), seq));
      seqs.push(entry.seq);
      expect(entry.payload.seq).toBe(entry.seq);
      expect(SaleSchema.safeParse(entry.payload).success).toBe(true);
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(await sut.lastSeq('sale')).toBe(5);
    expect(await sut.lastSeq('count')).toBe(0);
  });

  it('allocates distinct sequence numbers to concurrent writes', async () => {
    const { sut } = freshStore();
    const entries = await Promise.all(
      Array.from({ length: 20 }, () => sut.enqueue('sale', crypto.randomUUID(), (seq) => sale(crypto.randomUUID(), seq))),
    );
    const seqs = entries.map((e) => e.entry.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('hands out the oldest pending entry first and skips rejected ones', async () => {
    const { sut } = freshStore();
    const a = (await sut.enqueue('sale', 'a', (s) => sale(crypto.randomUUID(), s))).entry;
    const b = (await sut.enqueue('count', 'b', () => ({ zone: 'A1' }) as never)).entry;
    expect((await sut.firstPending())?.clientId).toBe('a');
    await sut.markRejected(a.localId, { code: 'UNKNOWN_PRODUCT', message: 'gone', at: 1 });
    expect((await sut.firstPending())?.clientId).toBe('b');
    expect(await sut.counts()).toEqual({ pending: 1, rejected: 1, pendingByKind: { sale: 0, count: 1 } });
    await sut.remove(b.localId);
    expect(await sut.firstPending()).toBeUndefined();
    const list = await sut.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ clientId: 'a', status: 'rejected', rejection: { code: 'UNKNOWN_PRODUCT', message: 'gone' } });
  });

  it('requeues a rejected entry at its original place in line', async () => {
    const { sut } = freshStore();
    const a = (await sut.enqueue('sale', 'a', (s) => sale(crypto.randomUUID(), s))).entry;
    await sut.enqueue('sale', 'b', (s) => sale(crypto.randomUUID(), s));
    await sut.markRejected(a.localId, { code: 'UNKNOWN_PRODUCT', message: 'gone', at: 1 });
    await sut.requeue(a.localId);
    expect((await sut.firstPending())?.clientId).toBe('a');
  });

  it('records attempts on transport failures', async () => {
    const { sut } = freshStore();
    const a = (await sut.enqueue('sale', 'a', (s) => sale(crypto.randomUUID(), s))).entry;
    expect(await sut.noteAttempt(a.localId, 'timeout')).toBe(1);
    expect(await sut.noteAttempt(a.localId, 'timeout')).toBe(2);
    expect(await sut.firstPending()).toMatchObject({ attempts: 2, lastError: 'timeout', status: 'pending' });
  });

  it('survives a reopen of the database (a till reboot)', async () => {
    const { sut, db, name } = freshStore();
    await sut.enqueue('sale', 'a', (s) => sale(crypto.randomUUID(), s));
    (await db).close();
    const reopened = new IdbOutboxStore(openTillDb(name));
    expect((await reopened.firstPending())?.clientId).toBe('a');
    const next = await reopened.enqueue('sale', 'b', (s) => sale(crypto.randomUUID(), s));
    expect(next.entry.seq).toBe(2);
  });

  it('drains through the pump in order with acks as the hub sends them', async () => {
    const { sut } = freshStore();
    for (const id of ['a', 'b', 'c', 'd']) await sut.enqueue('sale', id, (s) => sale(crypto.randomUUID(), s));
    const seen: string[] = [];
    let first = true;
    const pump = new OutboxPump({
      store: sut,
      canDeliver: () => true,
      setTimer: (fn) => {
        queueMicrotask(fn);
        return 0;
      },
      deliver: async (e) => {
        seen.push(e.clientId);
        if (e.clientId === 'b' && first) {
          first = false;
          return classifyAck(null, new Error('operation has timed out'));
        }
        if (e.clientId === 'c') return classifyAck({ ok: false, error: { code: 'UNKNOWN_PRODUCT', message: 'unknown' } });
        return classifyAck({ ok: true, data: { saleId: e.clientId, duplicate: e.clientId === 'd' } });
      },
    });
    pump.kick();
    for (let i = 0; i < 50 && (await sut.counts()).pending > 0; i++) await new Promise((r) => setTimeout(r, 5));
    await pump.idle();
    expect(seen).toEqual(['a', 'b', 'b', 'c', 'd']);
    expect(await sut.counts()).toEqual({ pending: 0, rejected: 1, pendingByKind: { sale: 0, count: 0 } });
  });
});
