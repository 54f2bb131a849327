import type { TillApp } from './state/till.svelte.js';

/** Read-only view of the till for Playwright tests and support staff (`window.__stockfleet`). */
export interface StockfleetTestApi {
  /** Feeds a raw string through the simulated scanner, exactly as a hardware scan arrives. */
  scan(raw: string): void;
  /** A plain snapshot of everything below, in one call. */
  snapshot(): StockfleetSnapshot;
  readonly ready: boolean;
  readonly screen: string;
  /** The mode the till reports (till.state.v1). */
  readonly mode: string;
  /** The epoch the till reports as applied. */
  readonly epoch: number;
  readonly desiredMode: string | null;
  readonly desiredEpoch: number | null;
  readonly online: boolean;
  readonly link: string;
  readonly outboxDepth: number;
  readonly outboxRejected: number;
  readonly lastSaleSeq: number;
  readonly saleInProgress: boolean;
  readonly basketLines: number;
  readonly basketTotalCents: number;
  readonly parked: number;
  readonly staff: string | null;
  readonly paired: boolean;
  readonly terminalId: string | null;
  readonly locale: string;
  readonly scanner: { kind: string; status: string };
  readonly lastScan: { raw: string; kind: string; ok: boolean; gtin14: string | null; source: string; at: number } | null;
  readonly clockOffsetMs: number | null;
  /** The stocktake the till is counting for (desired mode `counting`), else null. */
  readonly stocktakeId: string | null;
  /** The zone picked on the counting screen. */
  readonly zoneId: string | null;
  /** This till's count lines for the stocktake, all zones (entries summed per zone/product/recount). */
  readonly countLines: Array<{ zoneId: string; productId: string | null; code: string | null; quantity: number; entries: number; pending: number; recountTaskId: string | null }>;
  /** Count entries waiting for the hub (pending; refused ones are in `countRefused`). */
  readonly countOutboxDepth: number;
  readonly countRefused: Array<{ id: string; code: string | null; rejection: string | null }>;
  /** Recount tasks pushed by the hub (open at the hub's last push), and the one being recounted. */
  readonly recounts: Array<{ id: string; productId: string; sku: string; zoneId: string | null; recountedHere: boolean }>;
  readonly recountTaskId: string | null;
  /** Store status of the stocktake as last pushed (stocktake.tasks.v1), and the till's "done" state. */
  readonly storeStatus: string | null;
  readonly countDone: boolean;
  readonly countProgress: { countedProducts: number; scopeProducts: number; entries: number } | null;
}

export type StockfleetSnapshot = Omit<StockfleetTestApi, 'scan' | 'snapshot'>;

export function installTestHooks(app: TillApp): () => void {
  const view = {
    ready: () => app.ready,
    screen: () => app.screen,
    mode: () => app.tillState.mode,
    epoch: () => app.tillState.epoch,
    desiredMode: () => app.mode.desired?.mode ?? null,
    desiredEpoch: () => app.mode.desired?.epoch ?? null,
    online: () => app.link.online,
    link: () => app.link.status,
    outboxDepth: () => app.outbox.pending,
    outboxRejected: () => app.outbox.rejected,
    lastSaleSeq: () => app.outbox.lastSaleSeq,
    saleInProgress: () => app.sale.open,
    basketLines: () => app.sale.basket.lines.length,
    basketTotalCents: () => app.sale.total,
    parked: () => app.sale.parked.length,
    staff: () => app.staff.current?.name ?? null,
    paired: () => app.device.paired,
    terminalId: () => app.device.device?.terminalId ?? null,
    locale: () => app.i18n.locale,
    scanner: () => ({ kind: app.scanner.kind, status: app.scanner.status }),
    lastScan: () => {
      const s = app.scanner.lastScan;
      return s ? { raw: s.raw, kind: s.parsed.kind, ok: s.parsed.ok, gtin14: s.parsed.gtin14, source: s.source, at: s.at } : null;
    },
    clockOffsetMs: () => app.link.offsetMs,
    stocktakeId: () => app.count.stocktakeId,
    zoneId: () => app.count.zoneId,
    countLines: () =>
      app.count.lines.map((l) => ({
        zoneId: l.zoneId,
        productId: l.productId,
        code: l.code,
        quantity: l.quantity,
        entries: l.entries,
        pending: l.pending,
        recountTaskId: l.recountTaskId,
      })),
    countOutboxDepth: () => app.outbox.pendingCounts,
    countRefused: () => app.count.refused.map((r) => ({ id: r.id, code: r.rejection?.code ?? null, rejection: r.rejection?.message ?? null })),
    recounts: () =>
      (app.count.currentTasks?.recounts ?? []).map((r) => ({
        id: r.id,
        productId: r.productId,
        sku: r.sku,
        zoneId: r.zoneId,
        recountedHere: app.count.recountedTaskIds.has(r.id),
      })),
    recountTaskId: () => app.count.recount?.id ?? null,
    storeStatus: () => app.count.currentTasks?.storeStatus ?? null,
    countDone: () => app.count.done,
    countProgress: () => (app.count.currentTasks ? { ...app.count.currentTasks.progress } : null),
  } satisfies { [K in keyof StockfleetSnapshot]: () => StockfleetSnapshot[K] };

  const api = {
    scan: (raw: string) => app.scanner.inject(String(raw)),
    snapshot: () => Object.fromEntries(Object.entries(view).map(([k, f]) => [k, f()])) as StockfleetSnapshot,
  } as StockfleetTestApi;
  for (const [k, f] of Object.entries(view)) Object.defineProperty(api, k, { get: f, enumerable: true });
  Object.freeze(api);
  Object.defineProperty(window, '__stockfleet', { value: api, configurable: true, writable: false });
  return () => {
    delete (window as { __stockfleet?: unknown }).__stockfleet;
  };
}
