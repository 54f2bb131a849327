import { OutboxPump, type PumpEvent } from '../outbox/outbox-pump.js';
import { IdbOutboxStore } from '../outbox/outbox-store.js';
import type { DeliveryOutcome, OutboxKind, OutboxPayloads, StoredOutboxEntry } from '../outbox/outbox-types.js';
import type { TillDatabase } from '../storage/db.js';

export type Deliverer = (entry: StoredOutboxEntry) => Promise<DeliveryOutcome>;

/**
 * Reactive face of the outbox: depth for the status bar, the list for settings, and the pump that
 * delivers in order whenever the hub link is up.
 */
export class OutboxState {
  pending = $state(0);
  rejected = $state(0);
  pendingSales = $state(0);
  pendingCounts = $state(0);
  /** Bumped on every change of the store: views of the outbox (count lines) reload on it. */
  version = $state(0);
  lastSaleSeq = $state(0);
  entries = $state<StoredOutboxEntry[]>([]);
  lastEvent = $state<PumpEvent | null>(null);
  /** Set once the first counts are read: until then the freeze logic must not claim "flushed". */
  loaded = $state(false);

  readonly store: IdbOutboxStore;
  readonly #pump: OutboxPump;
  readonly #deliverers = new Map<OutboxKind, Deliverer>();
  #online = false;

  constructor(db: Promise<TillDatabase>) {
    this.store = new IdbOutboxStore(db);
    this.#pump = new OutboxPump({
      store: this.store,
      canDeliver: () => this.#online,
      deliver: (entry) => {
        const d = this.#deliverers.get(entry.kind);
        return d ? d(entry) : Promise.resolve({ type: 'retry', reason: `no deliverer for ${entry.kind}` });
      },
      onChange: (ev) => {
        this.lastEvent = ev;
        void this.refresh();
      },
    });
  }

  register<K extends OutboxKind>(kind: K, deliver: Deliverer): void {
    this.#deliverers.set(kind, deliver);
  }

  setOnline(online: boolean): void {
    this.#online = online;
    if (online) this.#pump.kick();
  }

  async enqueue<K extends OutboxKind>(kind: K, clientId: string, build: (seq: number) => OutboxPayloads[K]): Promise<StoredOutboxEntry<K>> {
    const { entry } = await this.store.enqueue(kind, clientId, build);
    await this.refresh();
    this.#pump.kick();
    return entry;
  }

  async requeue(localId: number): Promise<void> {
    await this.store.requeue(localId);
    await this.refresh();
    this.#pump.kick();
  }

  kick(): void {
    this.#pump.kick();
  }

  async refresh(): Promise<void> {
    const [counts, lastSaleSeq] = await Promise.all([this.store.counts(), this.store.lastSeq('sale')]);
    this.pending = counts.pending;
    this.rejected = counts.rejected;
    this.pendingSales = counts.pendingByKind.sale;
    this.pendingCounts = counts.pendingByKind.count;
    this.version++;
    this.lastSaleSeq = lastSaleSeq;
    this.loaded = true;
  }

  /** Loads the full list (settings screen): pending first in delivery order, then rejected. */
  async loadEntries(): Promise<void> {
    this.entries = await this.store.list();
  }

  stop(): void {
    this.#pump.stop();
  }
}
