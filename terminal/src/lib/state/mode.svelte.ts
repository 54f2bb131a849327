import type { TillDesired } from '@stockfleet/shared';
import { KV, type KvStore } from '../storage/db.js';
import { acceptDesired, reportedState, targetMode, type Applied } from './mode-logic.js';
import type { OutboxState } from './outbox.svelte.js';
import type { SaleState } from './sale.svelte.js';

export interface LocalLock {
  by: string | null;
  text: string | null;
  at: number;
}

/**
 * The till's mode: the hub's desired state (level-triggered, epoch-ordered, remembered for offline
 * restarts), a remote lock, and the freeze choreography — grace for the open sale, then park it,
 * flush the outbox, and only then report `frozen`.
 */
export class ModeState {
  desired = $state<TillDesired | null>(null);
  localLock = $state<LocalLock | null>(null);
  lastApplied = $state<Applied>({ mode: 'selling', epoch: 0 });
  graceDeadline = $state<number | null>(null);
  now = $state(Date.now());
  restoredAfterFreeze = $state(false);

  /** A basket parked by a freeze waits to come back (shown on the frozen screen). */
  readonly parkedByFreeze = $derived.by(() => this.sale.parked.some((p) => p.reason === 'freeze'));
  readonly target = $derived(targetMode(this.desired, this.localLock !== null));
  readonly graceActive = $derived(this.graceDeadline !== null && this.now < this.graceDeadline);
  readonly graceLeftS = $derived(this.graceDeadline === null ? 0 : Math.max(0, Math.ceil((this.graceDeadline - this.now) / 1000)));
  readonly reported = $derived.by(() =>
    reportedState({
      desired: this.desired,
      localLock: this.localLock !== null,
      saleInProgress: this.sale.open,
      pendingSales: this.outbox.loaded ? this.outbox.pendingSales : Number.POSITIVE_INFINITY,
      lastApplied: this.lastApplied,
    }),
  );

  #timer: ReturnType<typeof setInterval> | null = null;
  #busy = false;

  constructor(
    private readonly kv: KvStore,
    private readonly sale: SaleState,
    private readonly outbox: OutboxState,
  ) {}

  async load(): Promise<void> {
    const [desired, lock, applied] = await Promise.all([
      this.kv.get<TillDesired>(KV.desired),
      this.kv.get<LocalLock>(KV.localLock),
      this.kv.get<Applied>('lastApplied'),
    ]);
    this.desired = desired ?? null;
    this.localLock = lock ?? null;
    if (applied) this.lastApplied = applied;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.tick(), 250);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Applies a desired state from the hub; a lower epoch than the newest seen is ignored. */
  applyDesired(next: TillDesired): boolean {
    if (!acceptDesired(this.desired, next)) return false;
    this.desired = next;
    void this.kv.set(KV.desired, next);
    void this.tick();
    return true;
  }

  /** A new pairing starts a new epoch history (the old terminal's epochs mean nothing now). */
  async reset(): Promise<void> {
    this.desired = null;
    this.localLock = null;
    this.lastApplied = { mode: 'selling', epoch: 0 };
    await Promise.all([this.kv.delete(KV.desired), this.kv.delete(KV.localLock), this.kv.delete('lastApplied')]);
  }

  lock(by: string | null, text: string | null): void {
    this.localLock = { by, text, at: Date.now() };
    void this.kv.set(KV.localLock, this.localLock);
    void this.tick();
  }

  unlock(): void {
    this.localLock = null;
    void this.kv.delete(KV.localLock);
    void this.tick();
  }

  /** Runs four times a second and after every change: grace countdown, parking, restoring. */
  async tick(): Promise<void> {
    this.now = Date.now();
    if (this.#busy) return;
    this.#busy = true;
    try {
      await this.#step();
    } finally {
      this.#busy = false;
    }
  }

  async #step(): Promise<void> {
    const target = this.target;
    if (target === 'selling') {
      this.graceDeadline = null;
      // Also after a reboot during the freeze: the parked basket's reason is persisted with it.
      if (this.parkedByFreeze && !this.sale.open) this.restoredAfterFreeze = await this.sale.restoreAfterFreeze();
      else if (!this.sale.open) this.restoredAfterFreeze = false;
    } else if (this.sale.open) {
      if (this.graceDeadline === null) {
        // A remote lock parks at once; a stocktake freeze allows the configured grace.
        const grace = this.localLock || target === 'locked' ? 0 : (this.desired?.graceSeconds ?? 0);
        this.graceDeadline = this.now + grace * 1000;
      }
      if (this.now >= this.graceDeadline) {
        await this.sale.park('freeze');
      }
    }
    const r = this.reported;
    if (r.reached && (r.mode !== this.lastApplied.mode || r.epoch !== this.lastApplied.epoch)) {
      this.lastApplied = { mode: r.mode, epoch: r.epoch };
      void this.kv.set('lastApplied', this.lastApplied);
    }
  }
}
