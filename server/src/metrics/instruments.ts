import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Process-wide instruments, updated on hot paths (count ingestion, the barrier) by a plain function
 * call: no injection into the services that own those paths, nothing awaited, no I/O. They live in
 * their own registry, which /metrics renders next to the per-hub one (MetricsService). Several hubs
 * in one process (tests) share them, as they share the process.
 */
export const processRegistry = new Registry();

const COUNT_RESULTS = ['accepted', 'duplicate', 'rejected'] as const;
export type CountResult = (typeof COUNT_RESULTS)[number];

export const countEntries = new Counter({
  name: 'stockfleet_count_entries_total',
  help: 'Count entries tills delivered, by the verdict they were acknowledged with (accepted, duplicate of one already stored, rejected)',
  labelNames: ['result'],
  registers: [processRegistry],
});
for (const result of COUNT_RESULTS) countEntries.inc({ result }, 0);

export const countAckSeconds = new Histogram({
  name: 'stockfleet_count_ack_seconds',
  help: 'From a count batch reaching the hub to its acknowledgement (after its entries are committed)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [processRegistry],
});

export const barrierSeconds = new Histogram({
  name: 'stockfleet_barrier_duration_seconds',
  help: 'Per store: from the freeze (stocktake start) to counting (barrier passed), grace period included',
  buckets: [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 90, 120, 300, 600, 1800, 3600],
  registers: [processRegistry],
});

/** A count batch was acknowledged: its entries by verdict, and how long it took since `startedAt` (performance.now()). */
export function countBatchAcked(results: ReadonlyArray<{ status: CountResult }>, startedAt: number): void {
  const by: Record<CountResult, number> = { accepted: 0, duplicate: 0, rejected: 0 };
  for (const r of results) by[r.status]++;
  for (const result of COUNT_RESULTS) if (by[result]) countEntries.inc({ result }, by[result]);
  countAckSeconds.observe((performance.now() - startedAt) / 1000);
}

/** Stores passed their barrier now; `frozeAt` is when each was frozen (stocktake_store.freeze_at, the stocktake's start). */
export function barriersPassed(frozeAt: ReadonlyArray<Date | string | null | undefined>): void {
  const now = Date.now();
  for (const at of frozeAt) {
    const t = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : NaN;
    if (Number.isFinite(t)) barrierSeconds.observe(Math.max(0, now - t) / 1000);
  }
}

let defaultsOn = false;
/** Node/process metrics (CPU, memory, event loop lag, GC, handles) into the process registry, once per process. */
export function collectProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: processRegistry });
}
