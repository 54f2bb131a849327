import { classifyAck } from './ack-outcome.js';
import { OutboxPump, type PumpEvent } from './outbox-pump.js';
import type { DeliveryOutcome, OutboxRejection, OutboxStoreLike, StoredOutboxEntry } from './outbox-types.js';

class MemoryStore implements OutboxStoreLike {
  entries: StoredOutboxEntry[] = [];
  #next = 1;

  add(clientId: string): StoredOutboxEntry {
    const e: StoredOutboxEntry = {
      localId: this.#next++,
      kind: 'sale',
      clientId,
      seq: this.#next - 1,
      payload: {} as never,
      status: 'pending',
      createdAt: 0,
      attempts: 0,
      lastError: null,
      rejection: null,
    };
    this.entries.push(e);
    return e;
  }
  async firstPending() {
    return this.entries.find((e) => e.status === 'pending');
  }
  async remove(localId: number) {
    this.entries = this.entries.filter((e) => e.localId !== localId);
  }
  async markRejected(localId: number, rejection: OutboxRejection) {
    const e = this.entries.find((x) => x.localId === localId)!;
    e.status = 'rejected';
    e.rejection = rejection;
  }
  async noteAttempt(localId: number, error: string) {
    const e = this.entries.find((x) => x.localId === localId)!;
    e.attempts++;
    e.lastError = error;
    return e.attempts;
  }
}

function harness(outcomes: (clientId: string, call: number) => DeliveryOutcome, online = true) {
  const store = new MemoryStore();
  const sent: string[] = [];
  const events: PumpEvent[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const state = { online };
  const sut = new OutboxPump({
    store,
    canDeliver: () => state.online,
    deliver: async (e) => {
      sent.push(e.clientId);
      return outcomes(e.clientId, sent.length);
    },
    onChange: (ev) => events.push(ev),
    backoff: (attempt) => attempt * 1000,
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => undefined,
  });
  return { sut, store, sent, events, timers, state };
}

const delivered: DeliveryOutcome = { type: 'delivered', duplicate: false };

describe(OutboxPump.name, () => {
  it('delivers every entry once, in local order, and removes each only after its ack', async () => {
    const h = harness(() => delivered);
    for (const id of ['a', 'b', 'c']) h.store.add(id);
    h.sut.kick();
    await h.sut.idle();
    expect(h.sent).toEqual(['a', 'b', 'c']);
    expect(h.store.entries).toHaveLength(0);
  });

  it('counts a duplicate ack as delivered', async () => {
    const h = harness(() => ({ type: 'delivered', duplicate: true }));
    h.store.add('a');
    h.sut.kick();
    await h.sut.idle();
    expect(h.store.entries).toHaveLength(0);
    expect(h.events[0]).toMatchObject({ type: 'delivered', duplicate: true });
  });

  it('marks a business refusal rejected, keeps it visible and moves on to the next entry', async () => {
    const h = harness((id) => (id === 'b' ? { type: 'rejected', code: 'UNKNOWN_PRODUCT', message: 'no such product' } : delivered));
    for (const id of ['a', 'b', 'c']) h.store.add(id);
    h.sut.kick();
    await h.sut.idle();
    expect(h.sent).toEqual(['a', 'b', 'c']);
    expect(h.store.entries).toHaveLength(1);
    expect(h.store.entries[0]).toMatchObject({ clientId: 'b', status: 'rejected', rejection: { code: 'UNKNOWN_PRODUCT' } });
  });

  it('moves a sale the hub refuses as permanent (a total that can never be stored) to rejected and never sends it again', async () => {
    const h = harness((id) =>
      id === 'huge'
        ? classifyAck({ ok: false, error: { code: 'OUT_OF_RANGE', message: 'The sale total is more than a sale can hold', permanent: true } })
        : classifyAck({ ok: true, data: { saleId: id, duplicate: false } }),
    );
    for (const id of ['a', 'huge', 'c']) h.store.add(id);
    h.sut.kick();
    await h.sut.idle();
    h.sut.kick();
    await h.sut.idle();
    expect(h.sent).toEqual(['a', 'huge', 'c']);
    expect(h.timers).toEqual([]);
    expect(h.store.entries).toEqual([expect.objectContaining({ clientId: 'huge', status: 'rejected', attempts: 0, rejection: expect.objectContaining({ code: 'OUT_OF_RANGE' }) })]);
    expect(h.events.filter((e) => e.type === 'rejected')).toHaveLength(1);
  });

  it('keeps retrying what the hub says is not permanent (INTERNAL: the hub may be failing)', async () => {
    const h = harness(() => classifyAck({ ok: false, error: { code: 'INTERNAL', message: 'database down', permanent: false } }));
    h.store.add('a');
    h.sut.kick();
    await h.sut.idle();
    expect(h.store.entries[0]).toMatchObject({ status: 'pending', attempts: 1 });
    expect(h.timers).toHaveLength(1);
  });

  it('keeps the head entry on a transport failure, waits for the backoff and never overtakes it', async () => {
    const h = harness((_id, call) => (call <= 2 ? { type: 'retry', reason: 'timeout' } : delivered));
    for (const id of ['a', 'b']) h.store.add(id);
    h.sut.kick();
    await h.sut.idle();
    expect(h.sent).toEqual(['a']);
    expect(h.timers.map((t) => t.ms)).toEqual([1000]);
    h.timers[0].fn();
    await h.sut.idle();
    expect(h.sent).toEqual(['a', 'a']);
    expect(h.timers.map((t) => t.ms)).toEqual([1000, 2000]);
    h.timers[1].fn();
    await h.sut.idle();
    expect(h.sent).toEqual(['a', 'a', 'a', 'b']);
    expect(h.store.entries).toHaveLength(0);
  });

  it('treats a throwing deliverer as a transport failure', async () => {
    const h = harness(() => {
      throw new Error('socket gone');
    });
    h.store.add('a');
    h.sut.kick();
    await h.sut.idle();
    expect(h.store.entries[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'socket gone' });
  });

  it('sends nothing while offline and resumes on the next kick', async () => {
    const h = harness(() => delivered, false);
    h.store.add('a');
    h.sut.kick();
    await h.sut.idle();
    expect(h.sent).toEqual([]);
    h.state.online = true;
    h.sut.kick();
    await h.sut.idle();
    expect(h.sent).toEqual(['a']);
  });

  it('picks up entries added while it is draining', async () => {
    const h = harness(() => delivered);
    h.store.add('a');
    let added = false;
    h.sut.kick();
    if (!added) {
      h.store.add('b');
      added = true;
      h.sut.kick();
    }
    await h.sut.idle();
    expect(h.sent).toEqual(['a', 'b']);
  });

  it('has one delivery in flight at a time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const store = new MemoryStore();
    for (const id of ['a', 'b', 'c', 'd']) store.add(id);
    const sut = new OutboxPump({
      store,
      canDeliver: () => true,
      deliver: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return delivered;
      },
    });
    sut.kick();
    sut.kick();
    sut.kick();
    await new Promise((r) => setTimeout(r, 1));
    sut.kick();
    await sut.idle();
    expect(maxInFlight).toBe(1);
    expect(store.entries).toHaveLength(0);
  });

  it('a kick that arrives while a failing delivery is in flight is not lost', async () => {
    let release!: () => void;
    let calls = 0;
    const store = new MemoryStore();
    store.add('a');
    const sut = new OutboxPump({
      store,
      canDeliver: () => true,
      setTimer: () => 1, // the backoff timer never fires in this test
      clearTimer: () => undefined,
      deliver: async () => {
        calls++;
        if (calls === 1) {
          await new Promise<void>((r) => (release = r));
          return { type: 'retry', reason: 'timeout' };
        }
        return delivered;
      },
    });
    sut.kick();
    await new Promise((r) => setTimeout(r, 1));
    sut.kick(); // e.g. the link came back up
    release();
    await new Promise((r) => setTimeout(r, 1));
    await sut.idle();
    expect(calls).toBe(2);
    expect(store.entries).toHaveLength(0);
  });
});
