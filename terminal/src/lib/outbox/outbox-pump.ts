import { backoffMs } from './ack-outcome.js';
import type { DeliveryOutcome, OutboxStoreLike, StoredOutboxEntry } from './outbox-types.js';

export interface OutboxPumpOptions {
  store: OutboxStoreLike;
  /** Sends one entry and says what happened; should not throw (a throw counts as a retry). */
  deliver: (entry: StoredOutboxEntry) => Promise<DeliveryOutcome>;
  /** False while there is no link to the hub: the pump waits for the next kick(). */
  canDeliver: () => boolean;
  /** Called after every change of the store (for depth counters and lists). */
  onChange?: (event: PumpEvent) => void;
  backoff?: (attempt: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export type PumpEvent =
  | { type: 'delivered'; entry: StoredOutboxEntry; duplicate: boolean }
  | { type: 'rejected'; entry: StoredOutboxEntry; code: string; message: string }
  | { type: 'retry'; entry: StoredOutboxEntry; reason: string; attempts: number; delayMs: number };

/**
 * Delivers the outbox strictly in order, one entry in flight at a time. The head entry is removed
 * only on an ok ack (the hub acks after commit); a business refusal parks it as `rejected` and the
 * pump moves on; a transport failure keeps it at the head and retries after a backoff.
 */
export class OutboxPump {
  #running = false;
  #again = false;
  #stopped = false;
  #timer: unknown = null;
  readonly #o: Required<Omit<OutboxPumpOptions, 'onChange'>> & Pick<OutboxPumpOptions, 'onChange'>;

  constructor(options: OutboxPumpOptions) {
    this.#o = {
      backoff: backoffMs,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  get busy(): boolean {
    return this.#running;
  }

  /** Starts draining now (cancels a pending backoff). Safe to call at any time, any number of times. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#timer !== null) {
      this.#o.clearTimer(this.#timer);
      this.#timer = null;
    }
    if (this.#running) {
      this.#again = true;
      return;
    }
    void this.#drain();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) this.#o.clearTimer(this.#timer);
    this.#timer = null;
  }

  /** Resolves once the pump is idle (used by tests and by "flush before freeze"). */
  async idle(): Promise<void> {
    while (this.#running) await new Promise((r) => setTimeout(r, 5));
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      do {
        this.#again = false;
        await this.#drainOnce();
        // A kick() that arrived meanwhile (new entry, link back up) runs another round at once.
      } while (this.#again && !this.#stopped);
    } finally {
      this.#running = false;
    }
  }

  /** Returns true when draining must pause (offline, or waiting for a backoff timer). */
  async #drainOnce(): Promise<boolean> {
    const { store } = this.#o;
    while (!this.#stopped && this.#o.canDeliver()) {
      const entry = await store.firstPending();
      if (!entry) return false;
      let outcome: DeliveryOutcome;
      try {
        outcome = await this.#o.deliver(entry);
      } catch (err) {
        outcome = { type: 'retry', reason: err instanceof Error ? err.message : String(err) };
      }
      if (outcome.type === 'delivered') {
        await store.remove(entry.localId);
        this.#o.onChange?.({ type: 'delivered', entry, duplicate: outcome.duplicate });
      } else if (outcome.type === 'rejected') {
        await store.markRejected(entry.localId, { code: outcome.code, message: outcome.message, at: Date.now() });
        this.#o.onChange?.({ type: 'rejected', entry, code: outcome.code, message: outcome.message });
      } else {
        const attempts = await store.noteAttempt(entry.localId, outcome.reason);
        const delayMs = this.#o.backoff(attempts);
        this.#o.onChange?.({ type: 'retry', entry, reason: outcome.reason, attempts, delayMs });
        if (!this.#stopped) {
          this.#timer = this.#o.setTimer(() => {
            this.#timer = null;
            this.kick();
          }, delayMs);
        }
        return true;
      }
    }
    return true;
  }
}
