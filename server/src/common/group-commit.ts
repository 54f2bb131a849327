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
 */
export class GroupCommit<T, R = void> {
  private queue: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly opts: { maxInFlight?: number; maxItems?: number } = {},
  ) {}

  /** Items waiting for a write (not yet in flight). */
  get queued(): number {
    return this.queue.length;
  }

  push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
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
          this.drain();
        });
    }
  }
}
