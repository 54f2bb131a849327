import type { TillDatabase } from '../storage/db.js';
import { KV } from '../storage/db.js';
import type {
  OutboxCounts,
  OutboxEntry,
  OutboxKind,
  OutboxPayloads,
  OutboxRejection,
  OutboxStoreLike,
  StoredOutboxEntry,
} from './outbox-types.js';

export interface EnqueueResult<K extends OutboxKind> {
  entry: StoredOutboxEntry<K>;
}

/**
 * The IndexedDB outbox. Writes are durable before the caller is told "done": the UI completes a
 * sale only after enqueue() resolved. The per-kind sequence counter lives in the same database and
 * is advanced in the same transaction as the write, so a crash can never reuse or skip a number.
 */
export class IdbOutboxStore implements OutboxStoreLike {
  constructor(private readonly db: Promise<TillDatabase>) {}

  async enqueue<K extends OutboxKind>(
    kind: K,
    clientId: string,
    build: (seq: number) => OutboxPayloads[K],
    now: number = Date.now(),
  ): Promise<EnqueueResult<K>> {
    const db = await this.db;
    const tx = db.transaction(['kv', 'outbox'], 'readwrite');
    const kv = tx.objectStore('kv');
    const outbox = tx.objectStore('outbox');
    const seqKey = KV.seqPrefix + kind;
    const seq = (((await kv.get(seqKey)) as number | undefined) ?? 0) + 1;
    const payload = build(seq);
    const entry: OutboxEntry<K> = {
      kind,
      clientId,
      seq,
      payload,
      status: 'pending',
      createdAt: now,
      attempts: 0,
      lastError: null,
      rejection: null,
    };
    await kv.put(seq, seqKey);
    const localId = (await outbox.add(entry as OutboxEntry)) as number;
    await tx.done;
    return { entry: { ...entry, localId } };
  }

  /** The last sequence number allocated for a kind (0 when none). */
  async lastSeq(kind: OutboxKind): Promise<number> {
    return (((await (await this.db).get('kv', KV.seqPrefix + kind)) as number | undefined) ?? 0);
  }

  async firstPending(): Promise<StoredOutboxEntry | undefined> {
    const db = await this.db;
    let cursor = await db.transaction('outbox').store.openCursor();
    while (cursor) {
      if (cursor.value.status === 'pending') return cursor.value as StoredOutboxEntry;
      cursor = await cursor.continue();
    }
    return undefined;
  }

  async remove(localId: number): Promise<void> {
    await (await this.db).delete('outbox', localId);
  }

  async markRejected(localId: number, rejection: OutboxRejection): Promise<void> {
    await this.#update(localId, (e) => ({ ...e, status: 'rejected', rejection, attempts: e.attempts + 1 }));
  }

  async noteAttempt(localId: number, error: string): Promise<number> {
    const e = await this.#update(localId, (e) => ({ ...e, attempts: e.attempts + 1, lastError: error }));
    return e?.attempts ?? 1;
  }

  /** Puts a rejected entry back in line (at its original place), e.g. after the catalogue was fixed. */
  async requeue(localId: number): Promise<void> {
    await this.#update(localId, (e) => ({ ...e, status: 'pending', rejection: null, attempts: 0, lastError: null }));
  }

  /**
   * The pending entries of `kind` that follow `fromLocalId` (inclusive) in delivery order and match
   * `same`, up to `max`: a batch that can go in one emit. Stops at the first pending entry of another
   * kind (order between kinds is kept); rejected entries are skipped.
   */
  async pendingRun<K extends OutboxKind>(
    fromLocalId: number,
    kind: K,
    max: number,
    same: (e: StoredOutboxEntry<K>) => boolean = () => true,
  ): Promise<StoredOutboxEntry<K>[]> {
    const db = await this.db;
    const out: StoredOutboxEntry<K>[] = [];
    let cursor = await db.transaction('outbox').store.openCursor(IDBKeyRange.lowerBound(fromLocalId));
    while (cursor && out.length < max) {
      const e = cursor.value as StoredOutboxEntry;
      if (e.status === 'pending') {
        if (e.kind !== kind || !same(e as StoredOutboxEntry<K>)) break;
        out.push(e as StoredOutboxEntry<K>);
      }
      cursor = await cursor.continue();
    }
    return out;
  }

  /**
   * Removes delivered entries and, in the same transaction, lets `journal` record them in `kv`
   * (e.g. the list of count lines the hub has): a crash can never drop one without the other.
   */
  async settle(localIds: number[], journalKey: string | null, journal: (current: unknown) => unknown): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['kv', 'outbox'], 'readwrite');
    if (journalKey) {
      const kv = tx.objectStore('kv');
      await kv.put(journal(await kv.get(journalKey)), journalKey);
    }
    const outbox = tx.objectStore('outbox');
    for (const id of localIds) await outbox.delete(id);
    await tx.done;
  }

  /** Deletes an entry only while it is still waiting (undo of a count line not yet sent). */
  async removeIfPending(localId: number): Promise<boolean> {
    const db = await this.db;
    const tx = db.transaction('outbox', 'readwrite');
    const current = await tx.store.get(localId);
    if (!current || current.status !== 'pending') {
      await tx.done;
      return false;
    }
    await tx.store.delete(localId);
    await tx.done;
    return true;
  }

  async list(): Promise<StoredOutboxEntry[]> {
    return (await (await this.db).getAll('outbox')) as StoredOutboxEntry[];
  }

  async counts(): Promise<OutboxCounts> {
    const db = await this.db;
    const [pending, rejected, sale, count] = await Promise.all([
      db.countFromIndex('outbox', 'status', 'pending'),
      db.countFromIndex('outbox', 'status', 'rejected'),
      db.countFromIndex('outbox', 'kindStatus', ['sale', 'pending']),
      db.countFromIndex('outbox', 'kindStatus', ['count', 'pending']),
    ]);
    return { pending, rejected, pendingByKind: { sale, count } };
  }

  async #update(localId: number, fn: (e: OutboxEntry) => OutboxEntry): Promise<OutboxEntry | undefined> {
    const db = await this.db;
    const tx = db.transaction('outbox', 'readwrite');
    const current = await tx.store.get(localId);
    if (!current) {
      await tx.done;
      return undefined;
    }
    const next = fn(current);
    await tx.store.put(next);
    await tx.done;
    return next;
  }
}
