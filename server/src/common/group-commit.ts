/**
 * Group commit: items that arrive while a write is in flight share the next write. The first item of
 * a quiet period is written at once (no timer, no added latency); under load, one statement carries
 * everything that queued meanwhile. Each caller's promise settles when the write that carried its item
 * has committed (or failed), so an acknowledgement sent after it is never ahead of the database.
 *
 * When a write fails, every caller whose item it carried is rejected with that error (none of them
 * may believe it was stored), and the next write goes on with what queued meanwhile. `write` may
 * return one result per item, in order (e.g. the rows it read back); each caller gets its own.
 *
 * `maxInFlight` bounds the concurrent writes, so a burst (10,000 tills reconnecting) waits here in
 * memory instead of taking every connection of the database pool.
 *
 * `lingerMs`: the first item of a quiet period waits that long for company before it is written. Without
 * it a storm that arrives as a steady trickle (a few hundred tills a second, each write taking a few
 * milliseconds) is written almost one item at a time: a hub restart with 1,000 tills made ~850 token
 * lookups and ~790 connection set-ups, each a round trip that wakes PostgreSQL on a busy machine.
 */
export class GroupCommit<T, R = void> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;
  private lingering: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly opts: { maxInFlight?: number; maxItems?: number; lingerMs?: number } = {},
  ) {}

  /** Items waiting for a write (not yet in flight). */
  get queued(): number {
    return this.queue.length;
  }

  push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      const linger = this.opts.lingerMs ?? 0;
      if (linger > 0 && this.queue.length < (this.opts.maxItems ?? 2000)) {
        this.lingering ??= setTimeout(() => {
          this.lingering = null;
          this.drain();
        }, linger);
        return;
      }
      this.drain();
    });
  }

  private drain() {
    const maxInFlight = this.opts.maxInFlight ?? 2;
    const maxItems = this.opts.maxItems ?? 2000;
    while (this.queue.length && this.inFlight < maxInFlight) {
      const batch = this.queue.splice(0, maxItems);
      this.inFlight++;
      // A write that throws synchronously fails its batch like one that rejects (never a stuck slot).
      let written: Promise<R[] | void>;
      try {
        written = this.write(batch.map((b) => b.item));
      } catch (e) {
        written = Promise.reject(e);
      }
      written
        .then(
          (results) => batch.forEach((b, i) => b.resolve((results ? results[i] : undefined) as R)),
          (e: unknown) => batch.forEach((b) => b.reject(e)),
        )
        .finally(() => {
          this.inFlight--;
          if (!this.lingering) this.drain(); // else the lingering timer writes what queued meanwhile
        });
    }
  }
}
