/**
 * Group commit: items that arrive while a write is in flight share the next write. The first item of
 * a quiet period is written at once (no timer, no added latency); under load, one statement carries
 * everything that queued meanwhile. Each caller's promise settles when the write that carried its item
 * has committed (or failed), so an acknowledgement sent after it is never ahead of the database.
 */
export class GroupCommit<T> {
  private queue: Array<{ item: T; resolve: () => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly opts: { maxInFlight?: number; maxItems?: number } = {},
  ) {}

  push(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
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
      this.write(batch.map((b) => b.item))
        .then(() => batch.forEach((b) => b.resolve()), (e) => batch.forEach((b) => b.reject(e)))
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }
}
