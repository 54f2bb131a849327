import { randomUUID } from 'node:crypto';
import {
  backoffDelay,
  isPermanentRefusal,
  StateReporter,
  TILL_RECONNECT,
  TILL_RECONNECT_BACKOFF,
  TILL_STATE_RESEND,
  type Ack,
  type ReportOutcome,
  type StocktakeTasks,
  type TillDesired,
  type TillModeEpoch,
  type TillState,
} from '@stockfleet/shared';
import { TillClient } from './till-client';

/** The kiosk's heartbeat interval (terminal HEARTBEAT_MS). */
const HEARTBEAT_MS = 10_000;
const FATAL_CONNECT_CODES = new Set(['TERMINAL_REVOKED', 'DEVICE_TOKEN_INVALID']);

/**
 * A till that behaves as the kiosk does: it applies each desired state it is sent and reports the
 * state it is really in (frozen only once its outbox of sales is empty), sells, and counts. As the
 * kiosk: the kiosk's reconnect policy (TILL_RECONNECT), a report kept pending until the hub acks it
 * stored and sent again with the kiosk's backoff (the shared StateReporter), the state sent again when
 * told a desired state it has already applied, and heartbeats carrying the applied mode and epoch.
 */
export class SimTill extends TillClient {
  mode: TillDesired['mode'] = 'selling';
  epoch = 0;
  seq = 0;
  countSeq = 0;
  tasks: StocktakeTasks | null = null;
  readonly outbox: any[] = [];
  /** Every till.state.v1 answer the hub sent, in order. */
  readonly stateAcks: Array<Ack<TillModeEpoch>> = [];

  private reportSeq = 0;
  private reportWaiters: Array<{ seq: number; resolve: (ack: Ack<TillModeEpoch>) => void }> = [];
  private closed = false;
  private retries = 0;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly reporter = new StateReporter<TillState>({
    connected: () => this.socket.connected && !this.closed,
    send: (state) => this.sendState(state),
  });

  constructor(base: string, token: string, readonly storeId: string, readonly terminalId: string) {
    super(base, token, TILL_RECONNECT);
    this.socket.on('till.desired.v1', (d) => {
      // Told again what it has already applied: the hub may not have the report; send it again.
      const latest = this.reporter.latest;
      if (latest && d.epoch <= latest.epoch && d.epoch <= this.epoch) this.reporter.resend();
      void this.apply(d).catch(() => {}); // a dropped link: the next connect reports again
    });
    this.socket.on('stocktake.tasks.v1', (t) => { this.tasks = t; });
    this.socket.on('connect', () => {
      this.retries = 0;
      this.reporter.connectedNow();
      this.startHeartbeat();
      void this.flush().then(() => this.report()).catch(() => {});
    });
    this.socket.on('disconnect', (reason) => {
      this.stopHeartbeat();
      this.reporter.disconnectedNow();
      // Dropped by the hub on purpose: socket.io does not retry by itself then; the kiosk does.
      if (reason === 'io server disconnect') this.retryLater();
    });
    this.socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      if (err.data?.code && FATAL_CONNECT_CODES.has(err.data.code)) return;
      if (!this.socket.active) this.retryLater();
    });
  }

  private async apply(d: TillDesired) {
    if (d.epoch < this.epoch) return;
    await this.flush();
    this.mode = d.mode;
    this.epoch = d.epoch;
    await this.report();
  }

  /** The state the till is in now. */
  state(): TillState {
    return {
      mode: this.mode, epoch: this.epoch, appVersion: 'sim-1', scanner: { kind: 'simulated', status: 'ready' },
      outboxDepth: this.outbox.length, lastSaleSeq: this.seq, saleInProgress: false, staffId: null, locale: 'en',
    };
  }

  /**
   * Reports the state the till is in; resolves with the hub's answer once it is stored (or refused for
   * good, or replaced by a newer report that was) — sent again meanwhile, as the kiosk does.
   */
  report(): Promise<Ack<unknown>> {
    const seq = ++this.reportSeq;
    const answered = new Promise<Ack<TillModeEpoch>>((resolve) => this.reportWaiters.push({ seq, resolve }));
    this.reporter.report(this.state());
    // Nothing new to send (the same state is stored already): answered by the last ack.
    if (!this.reporter.pending) this.settleReports(seq, this.stateAcks.at(-1) ?? { ok: true, data: { mode: this.mode, epoch: this.epoch } });
    return answered;
  }

  private async sendState(state: TillState): Promise<ReportOutcome> {
    const key = JSON.stringify(state);
    let ack: Ack<TillModeEpoch>;
    try {
      ack = await this.socket.timeout(TILL_STATE_RESEND.ackTimeoutMs).emitWithAck('till.state.v1', state);
    } catch {
      return 'retry'; // no answer (hub gone, link dropped)
    }
    this.stateAcks.push(ack);
    const outcome: ReportOutcome = ack.ok ? 'stored' : (ack.error.permanent ?? isPermanentRefusal(ack.error.code)) ? 'permanent' : 'retry';
    // Answers every report made so far of this same state (later ones of a newer state wait for theirs).
    if (outcome !== 'retry' && JSON.stringify(this.reporter.latest) === key) this.settleReports(this.reportSeq, ack);
    return outcome;
  }

  private settleReports(upTo: number, ack: Ack<TillModeEpoch>) {
    this.reportWaiters = this.reportWaiters.filter((w) => (w.seq <= upTo ? (w.resolve(ack), false) : true));
  }

  /** One heartbeat as the kiosk sends it (clock reading and the applied mode and epoch). */
  heartbeat(): Promise<Ack<unknown>> {
    const latest = this.reporter.latest;
    return this.emit('till.heartbeat.v1', { sentAt: Date.now(), ...(latest ? { state: { mode: latest.mode, epoch: latest.epoch } } : {}) });
  }

  private startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat().catch(() => {}), HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat() {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private retryLater() {
    if (this.closed) return;
    setTimeout(() => {
      if (!this.closed && !this.socket.connected) this.socket.connect();
    }, backoffDelay(this.retries++, TILL_RECONNECT_BACKOFF)).unref();
  }

  override close() {
    this.closed = true;
    this.stopHeartbeat();
    this.reporter.stop();
    super.close();
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
