import { StocktakeTasksV1, uuidv7, type StocktakeTasks } from '@stockfleet/shared';
import { parseScanned } from '../barcode/scan-parse.js';
import type { CatalogIndex } from '../catalog/catalog-index.js';
import {
  aggregate,
  buildEntry,
  COUNT_BATCH_MAX,
  decideCount,
  fromOutbox,
  fromSent,
  settleBatch,
  toSent,
  type CountLine,
  type CountRecord,
  type SentRecord,
} from '../count/count-logic.js';
import type { DeliveryOutcome, StoredOutboxEntry } from '../outbox/outbox-types.js';
import type { TillEmitter } from '../realtime/till-socket.js';
import type { KvStore } from '../storage/db.js';
import type { OutboxState } from './outbox.svelte.js';

export type RecountTask = StocktakeTasks['recounts'][number];

export type CountNotice =
  | { kind: 'counted'; name: string; quantity: number }
  | { kind: 'unresolved'; code: string }
  | { kind: 'refused'; reason: 'invalid' | 'tooMany' | 'noZone' | 'closed' | 'epcAgain'; code: string; detail?: string }
  | { kind: 'undone' }
  | { kind: 'undoRefused' };

export interface CountContext {
  stocktakeId(): string | null;
  catalog(): CatalogIndex | null;
  staffId(): string | null;
  emitter(): TillEmitter | null;
}

const SENT_KEY = (stocktakeId: string) => `countSent:${stocktakeId}`;
const TASKS_KEY = 'countTasks';
const ZONE_KEY = 'countZone';
const RECOUNT_KEY = 'countRecount';

/** Time-ordered (UUIDv7): the hub's primary key index grows at its right edge. */
function uuid(): string {
  return uuidv7();
}

/**
 * The counting screen's state. Every scan is written to the outbox at once as its own count entry
 * (nothing is held back on screen, so nothing is lost); the lines are the entries summed per product
 * and zone. Entries leave in order, up to 200 per emit, and are removed only after the hub's ack;
 * then they move (in the same transaction) to a journal in `kv`, which the lines keep showing.
 */
export class CountState {
  tasks = $state<StocktakeTasks | null>(null);
  zoneId = $state<string | null>(null);
  /** The recount task the next scans of its product are for (kept even once the hub has marked it done). */
  recount = $state<RecountTask | null>(null);
  keyedQty = $state(1);
  notice = $state<CountNotice | null>(null);
  records = $state.raw<CountRecord[]>([]);
  inFlight = $state(0);

  readonly stocktakeId: string | null = $derived.by(() => this.#ctx().stocktakeId());
  /** Tasks of the stocktake this till is counting for (a stale push of an older one is ignored). */
  readonly currentTasks = $derived(this.tasks && this.tasks.stocktakeId === this.stocktakeId ? this.tasks : null);
  readonly lines: CountLine[] = $derived(aggregate(this.records));
  readonly zoneLines: CountLine[] = $derived(this.lines.filter((l) => l.zoneId === this.zoneId));
  readonly refused: CountRecord[] = $derived(this.records.filter((r) => r.status === 'rejected').sort((a, b) => b.seq - a.seq));
  /** Recount tasks this till has already sent (or queued) entries for. */
  readonly recountedTaskIds: Set<string> = $derived(new Set(this.records.filter((r) => r.recountTaskId && r.status !== 'rejected').map((r) => r.recountTaskId!)));
  readonly openRecounts: RecountTask[] = $derived((this.currentTasks?.recounts ?? []).filter((t) => !this.recountedTaskIds.has(t.id)));
  /** Counting closed for review with nothing left to recount: the store waits for approval. */
  readonly done = $derived(this.currentTasks?.storeStatus === 'review' && (this.currentTasks?.recounts.length ?? 0) === 0);
  /** Counting is closed (review) while recounts may still be open at other tills' ends: no new scans. */
  readonly closed = $derived(this.currentTasks?.storeStatus === 'review' || this.currentTasks?.storeStatus === 'approved' || this.currentTasks?.storeStatus === 'cancelled');

  #lock: Promise<void> = Promise.resolve();
  #ctx = () => this.ctx;
  #inFlightIds = new Set<string>();
  #epcs = new Set<string>();

  constructor(
    private readonly kv: KvStore,
    private readonly outbox: OutboxState,
    private readonly ctx: CountContext,
  ) {}

  async load(): Promise<void> {
    const [tasks, zone, recount] = await Promise.all([
      this.kv.get<StocktakeTasks>(TASKS_KEY),
      this.kv.get<{ stocktakeId: string; zoneId: string }>(ZONE_KEY),
      this.kv.get<{ stocktakeId: string; task: RecountTask }>(RECOUNT_KEY),
    ]);
    this.tasks = tasks ?? null;
    this.#zoneFor = zone ?? null;
    this.#recountFor = recount ?? null;
    await this.reload();
  }

  #zoneFor: { stocktakeId: string; zoneId: string } | null = null;
  #recountFor: { stocktakeId: string; task: RecountTask } | null = null;
  #loadedFor: string | null = null;

  /** Re-reads journal and outbox for the current stocktake (after any outbox change). */
  async reload(): Promise<void> {
    const st = this.ctx.stocktakeId();
    if (!st) {
      this.records = [];
      return;
    }
    if (this.#loadedFor !== st) {
      this.#loadedFor = st;
      this.zoneId = this.#zoneFor?.stocktakeId === st ? this.#zoneFor.zoneId : null;
      this.recount = this.#recountFor?.stocktakeId === st ? this.#recountFor.task : null;
      this.notice = null;
    }
    const [sent, all] = await Promise.all([this.kv.get<SentRecord[]>(SENT_KEY(st)), this.outbox.store.list()]);
    const queued = all.filter((e): e is StoredOutboxEntry<'count'> => e.kind === 'count' && (e.payload as { stocktakeId?: string }).stocktakeId === st);
    const records = [...(sent ?? []).map((s) => fromSent(st, s)), ...queued.map(fromOutbox)];
    this.#epcs = new Set(records.filter((r) => r.epc).map((r) => r.epc!.toUpperCase()));
    if (this.ctx.stocktakeId() === st) this.records = records;
  }

  onTasks(payload: unknown): void {
    const parsed = StocktakeTasksV1.safeParse(payload);
    if (!parsed.success) {
      console.warn('[count] malformed stocktake.tasks.v1', parsed.error.issues);
      return;
    }
    this.tasks = parsed.data;
    void this.kv.set(TASKS_KEY, parsed.data);
  }

  pickZone(zoneId: string): void {
    const st = this.ctx.stocktakeId();
    this.zoneId = zoneId;
    this.notice = null;
    if (st) {
      this.#zoneFor = { stocktakeId: st, zoneId };
      void this.kv.set(ZONE_KEY, this.#zoneFor);
    }
  }

  chooseRecount(task: RecountTask | null): void {
    const st = this.ctx.stocktakeId();
    this.recount = task;
    if (task?.zoneId) this.pickZone(task.zoneId);
    this.#recountFor = st && task ? { stocktakeId: st, task } : null;
    void (this.#recountFor ? this.kv.set(RECOUNT_KEY, this.#recountFor) : this.kv.delete(RECOUNT_KEY));
  }

  /** A scan or a keyed code on the counting screen. Returns true when an entry was written. */
  async scan(raw: string, keyedQty = this.keyedQty): Promise<boolean> {
    const st = this.ctx.stocktakeId();
    const code = raw.trim();
    if (!st || !code) return false;
    if (!this.zoneId) {
      this.notice = { kind: 'refused', reason: 'noZone', code };
      return false;
    }
    if (this.closed) {
      this.notice = { kind: 'refused', reason: 'closed', code };
      return false;
    }
    const catalog = this.ctx.catalog();
    const parsed = parseScanned(code, { rcnLayouts: catalog?.rcnLayouts });
    const decision = decideCount(parsed, catalog, keyedQty);
    if (!decision.ok) {
      this.notice = { kind: 'refused', reason: decision.reason, code, detail: decision.detail };
      return false;
    }
    if (decision.epc) {
      // One count per tag: a reader reports the same tag many times (the hub dedupes across tills).
      if (this.#epcs.has(decision.epc)) {
        this.notice = { kind: 'refused', reason: 'epcAgain', code };
        return false;
      }
      this.#epcs.add(decision.epc);
    }
    const zoneId = this.zoneId;
    const recountTaskId = this.recount && decision.productId === this.recount.productId ? this.recount.id : null;
    const id = uuid();
    const at = Date.now();
    await this.outbox.enqueue('count', id, (seq) => ({
      stocktakeId: st,
      entry: buildEntry({ id, zoneId, decision, at, seq, staffId: this.ctx.staffId(), recountTaskId }),
      label: decision.label,
    }));
    this.keyedQty = 1;
    this.notice = decision.label
      ? { kind: 'counted', name: decision.label.name, quantity: decision.quantity }
      : { kind: 'unresolved', code: decision.epc ?? code };
    await this.reload();
    return true;
  }

  /** Adds one more of a line's product (the same as scanning it once more, without a pack). */
  async addOne(line: CountLine): Promise<boolean> {
    const st = this.ctx.stocktakeId();
    if (!st || !line.productId || this.closed) return false;
    const id = uuid();
    const at = Date.now();
    await this.outbox.enqueue('count', id, (seq) => ({
      stocktakeId: st,
      entry: buildEntry({
        id,
        zoneId: line.zoneId,
        decision: { ok: true, productId: line.productId, code: null, epc: null, label: null, quantity: 1 },
        at,
        seq,
        staffId: this.ctx.staffId(),
        recountTaskId: line.recountTaskId,
      }),
      label: line.name && line.sku ? { name: line.name, sku: line.sku } : null,
    }));
    await this.reload();
    return true;
  }

  /** Takes back an entry not yet sent. An entry on its way to the hub (or delivered) cannot be undone. */
  async undo(localId: number | null): Promise<boolean> {
    if (localId === null) {
      this.notice = { kind: 'undoRefused' };
      return false;
    }
    let ok = false;
    await this.#exclusive(async () => {
      const rec = this.records.find((r) => r.localId === localId);
      if (!rec || this.#inFlightIds.has(rec.id)) return;
      ok = await this.outbox.store.removeIfPending(localId);
      if (ok && rec.epc) this.#epcs.delete(rec.epc.toUpperCase());
    });
    this.notice = ok ? { kind: 'undone' } : { kind: 'undoRefused' };
    await this.outbox.refresh();
    await this.reload();
    return ok;
  }

  /** The newest unsent entry in the current zone (the "undo last" button). */
  get lastUndoable(): number | null {
    let best: CountRecord | null = null;
    for (const r of this.records) {
      if (r.status === 'pending' && r.zoneId === this.zoneId && r.localId !== null && (!best || r.seq > best.seq)) best = r;
    }
    return best?.localId ?? null;
  }

  /**
   * The outbox deliverer for kind `count`: sends the head entry together with the pending count
   * entries right behind it (same stocktake, up to 200) in one emit, and settles each by its result.
   */
  async deliver(head: StoredOutboxEntry): Promise<DeliveryOutcome> {
    const emitter = this.ctx.emitter();
    if (!emitter?.connected) return { type: 'retry', reason: 'offline' };
    const stocktakeId = (head as StoredOutboxEntry<'count'>).payload.stocktakeId;
    let batch: StoredOutboxEntry<'count'>[] = [];
    await this.#exclusive(async () => {
      batch = await this.outbox.store.pendingRun(head.localId, 'count', COUNT_BATCH_MAX, (e) => e.payload.stocktakeId === stocktakeId);
      for (const e of batch) this.#inFlightIds.add(e.payload.entry.id);
      this.inFlight = this.#inFlightIds.size;
    });
    if (batch.length === 0) return { type: 'retry', reason: 'the entry was taken back' };
    try {
      let settled;
      try {
        const ack = await emitter.submitCount({ stocktakeId, entries: batch.map((e) => e.payload.entry) });
        settled = settleBatch(batch, ack);
      } catch (err) {
        settled = settleBatch(batch, null, err ?? 'error');
      }
      const delivered = settled.delivered;
      if (delivered.length) {
        const add = delivered.map((e) => toSent(e.payload));
        await this.outbox.store.settle(
          delivered.map((e) => e.localId),
          SENT_KEY(stocktakeId),
          (current) => {
            const list = Array.isArray(current) ? (current as SentRecord[]) : [];
            const have = new Set(list.map((s) => s.id));
            return [...list, ...add.filter((s) => !have.has(s.id))];
          },
        );
      }
      for (const r of settled.rejected) {
        // The head's refusal is recorded by the pump itself (same effect).
        if (r.entry.localId !== head.localId) await this.outbox.store.markRejected(r.entry.localId, { code: r.code, message: r.message, at: Date.now() });
      }
      return settled.head;
    } finally {
      for (const e of batch) this.#inFlightIds.delete(e.payload.entry.id);
      this.inFlight = this.#inFlightIds.size;
    }
  }

  async #exclusive(fn: () => Promise<void>): Promise<void> {
    const prev = this.#lock;
    let release!: () => void;
    this.#lock = new Promise((r) => (release = r));
    try {
      await prev;
      await fn();
    } finally {
      release();
    }
  }
}
