import { randomUUID } from 'node:crypto';
import type { StocktakeTasks, TillDesired } from '@stockfleet/shared';
import { TillClient } from './till-client';

/**
 * A till that behaves as the kiosk does: it applies each desired state it is sent and reports the
 * state it is really in (frozen only once its outbox of sales is empty), sells, and counts.
 */
export class SimTill extends TillClient {
  mode: TillDesired['mode'] = 'selling';
  epoch = 0;
  seq = 0;
  countSeq = 0;
  tasks: StocktakeTasks | null = null;
  readonly outbox: any[] = [];

  constructor(base: string, token: string, readonly storeId: string, readonly terminalId: string) {
    super(base, token);
    this.socket.on('till.desired.v1', (d) => void this.apply(d).catch(() => {})); // a dropped link: the next connect reports again
    this.socket.on('stocktake.tasks.v1', (t) => { this.tasks = t; });
    this.socket.on('connect', () => void this.flush().then(() => this.report()).catch(() => {}));
  }

  private async apply(d: TillDesired) {
    if (d.epoch < this.epoch) return;
    await this.flush();
    this.mode = d.mode;
    this.epoch = d.epoch;
    await this.report();
  }

  report() {
    return this.emit('till.state.v1', {
      mode: this.mode, epoch: this.epoch, appVersion: 'sim-1', scanner: { kind: 'simulated', status: 'ready' },
      outboxDepth: this.outbox.length, lastSaleSeq: this.seq,
    });
  }

  /** Sells (offline too: the sale waits in the outbox). */
  async sell(productId: string, quantity: number, at = Date.now(), kind: 'sale' | 'return' = 'sale') {
    this.outbox.push({ id: randomUUID(), kind, storeId: this.storeId, seq: ++this.seq, at, tender: 'card', lines: [{ productId, quantity, unitPriceCents: 100 }] });
    if (this.socket.connected) await this.flush();
  }

  async flush() {
    while (this.outbox.length && this.socket.connected) {
      const ack = await this.emit('sale.submit.v1', this.outbox[0]);
      if (!ack.ok) throw new Error(`sale refused: ${JSON.stringify(ack.error)}`);
      this.outbox.shift();
    }
  }

  /** Counting as the kiosk does: lines wait in an outbox until the hub acknowledges them after commit. */
  readonly countOutbox: any[] = [];
  readonly acked = new Map<string, { quantity: number; status: string }>();
  private pumping = false;

  queueCounts(stocktakeId: string, entries: Array<Record<string, unknown>>) {
    for (const e of entries) this.countOutbox.push({ stocktakeId, entry: { id: randomUUID(), seq: ++this.countSeq, at: Date.now(), quantity: 1, ...e } });
    void this.pump();
  }

  async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.countOutbox.length) {
        if (!this.socket.connected) { await new Promise((r) => setTimeout(r, 50)); continue; }
        const batch = this.countOutbox.slice(0, 50);
        let ack: any;
        try {
          ack = await (this.socket as any).timeout(3000).emitWithAck('count.submit.v1', { stocktakeId: batch[0].stocktakeId, entries: batch.map((b) => b.entry) });
        } catch {
          continue; // no answer (hub gone): keep the lines, try again
        }
        if (!ack.ok) { await new Promise((r) => setTimeout(r, 100)); continue; }
        for (const r of ack.data.results) {
          const item = batch.find((b) => b.entry.id === r.id)!;
          this.acked.set(r.id, { quantity: item.entry.quantity, status: r.status });
        }
        this.countOutbox.splice(0, batch.length);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Sends count lines; returns the per-entry results. */
  async count(stocktakeId: string, entries: Array<Record<string, unknown>>) {
    const withIds = entries.map((e) => ({ id: randomUUID(), seq: ++this.countSeq, at: Date.now(), quantity: 1, ...e }));
    const ack = await this.emit('count.submit.v1', { stocktakeId, entries: withIds });
    return { ack, entries: withIds };
  }
}
