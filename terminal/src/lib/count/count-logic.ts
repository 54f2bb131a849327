import type { Ack, CountEntry } from '@stockfleet/shared';
import type { ParsedScan } from '../barcode/scan-parse.js';
import type { CatalogIndex } from '../catalog/catalog-index.js';
import { isPermanentError } from '../outbox/ack-outcome.js';
import type { CountOutboxPayload, DeliveryOutcome, StoredOutboxEntry } from '../outbox/outbox-types.js';

/** Entries per `count.submit.v1` emit. */
export const COUNT_BATCH_MAX = 200;
export const MAX_QTY = 100_000;

/** What one scan / keyed code turns into, before it is written to the outbox. */
export type CountDecision =
  | {
      ok: true;
      productId: string | null;
      /** The code as scanned, sent when the catalogue does not know it (the hub resolves it). */
      code: string | null;
      epc: string | null;
      label: { name: string; sku: string } | null;
      /** Units: pack multiplier × keyed quantity when resolved here; the hub multiplies for `code`. */
      quantity: number;
    }
  | { ok: false; reason: 'invalid' | 'tooMany'; detail: string };

/**
 * A scan on the counting screen. Resolved from the local catalogue when it can be (pack barcodes
 * multiply); an unknown but well-formed code is still counted as `code` and the hub decides; an EPC
 * read counts one, however many were keyed.
 */
export function decideCount(parsed: ParsedScan, catalog: CatalogIndex | null, keyedQty: number): CountDecision {
  const qty = Math.max(1, Math.floor(keyedQty || 1));
  const hit = catalog?.resolve(parsed) ?? null;
  if (parsed.kind === 'epc') {
    return {
      ok: true,
      productId: hit?.product.id ?? null,
      code: null,
      epc: parsed.raw.toUpperCase(),
      label: hit ? { name: hit.product.name, sku: hit.product.sku } : null,
      quantity: 1,
    };
  }
  if (hit) {
    const units = qty * hit.multiplier * (parsed.quantity && parsed.quantity > 1 ? parsed.quantity : 1);
    if (units > MAX_QTY) return { ok: false, reason: 'tooMany', detail: String(units) };
    return { ok: true, productId: hit.product.id, code: null, epc: null, label: { name: hit.product.name, sku: hit.product.sku }, quantity: units };
  }
  if (!parsed.ok) return { ok: false, reason: 'invalid', detail: parsed.error?.reason ?? parsed.raw };
  if (parsed.raw.length > 64) return { ok: false, reason: 'invalid', detail: parsed.raw.slice(0, 64) };
  return { ok: true, productId: null, code: parsed.raw, epc: null, label: null, quantity: qty };
}

/** One count entry as the till shows it: delivered (journal), waiting (outbox) or refused (outbox). */
export interface CountRecord {
  id: string;
  localId: number | null;
  stocktakeId: string;
  zoneId: string;
  productId: string | null;
  code: string | null;
  epc: string | null;
  name: string | null;
  sku: string | null;
  quantity: number;
  seq: number;
  at: number;
  recountTaskId: string | null;
  status: 'sent' | 'pending' | 'rejected';
  rejection: { code: string; message: string } | null;
}

/** What is kept in `kv` per stocktake once the hub has an entry (accepted or duplicate). */
export type SentRecord = Omit<CountRecord, 'localId' | 'status' | 'rejection' | 'stocktakeId'>;

export function toSent(p: CountOutboxPayload): SentRecord {
  const e = p.entry;
  return {
    id: e.id,
    zoneId: e.zoneId,
    productId: e.productId ?? null,
    code: e.code ?? null,
    epc: e.epc ?? null,
    name: p.label?.name ?? null,
    sku: p.label?.sku ?? null,
    quantity: e.quantity,
    seq: e.seq,
    at: e.at,
    recountTaskId: e.recountTaskId ?? null,
  };
}

export function fromOutbox(o: StoredOutboxEntry<'count'>): CountRecord {
  return {
    ...toSent(o.payload),
    localId: o.localId,
    stocktakeId: o.payload.stocktakeId,
    status: o.status === 'rejected' ? 'rejected' : 'pending',
    rejection: o.rejection ? { code: String(o.rejection.code), message: o.rejection.message } : null,
  };
}

export function fromSent(stocktakeId: string, s: SentRecord): CountRecord {
  return { ...s, localId: null, stocktakeId, status: 'sent', rejection: null };
}

/** A line on the counting screen: every entry of one product (or unresolved code) in one zone and round. */
export interface CountLine {
  key: string;
  zoneId: string;
  productId: string | null;
  code: string | null;
  name: string | null;
  sku: string | null;
  recountTaskId: string | null;
  quantity: number;
  entries: number;
  pending: number;
  /** The newest entry not yet sent (what "−" on the line takes back), if any. */
  lastPendingLocalId: number | null;
  lastSeq: number;
}

/**
 * Sums the entries into lines (refused ones are not counted; they are listed apart). A record that is
 * both in the journal and still in the outbox (a crash between the two) is counted once, by its id.
 */
export function aggregate(records: readonly CountRecord[]): CountLine[] {
  const seen = new Set<string>();
  const lines = new Map<string, CountLine>();
  for (const r of [...records].sort((a, b) => a.seq - b.seq)) {
    if (seen.has(r.id) || r.status === 'rejected') continue;
    seen.add(r.id);
    const key = `${r.zoneId}|${r.productId ?? `code:${r.code ?? r.epc}`}|${r.recountTaskId ?? ''}`;
    let line = lines.get(key);
    if (!line) {
      line = {
        key,
        zoneId: r.zoneId,
        productId: r.productId,
        code: r.productId ? null : (r.code ?? r.epc),
        name: r.name,
        sku: r.sku,
        recountTaskId: r.recountTaskId,
        quantity: 0,
        entries: 0,
        pending: 0,
        lastPendingLocalId: null,
        lastSeq: 0,
      };
      lines.set(key, line);
    }
    line.quantity += r.quantity;
    line.entries++;
    line.lastSeq = Math.max(line.lastSeq, r.seq);
    if (r.status === 'pending') {
      line.pending++;
      line.lastPendingLocalId = r.localId;
    }
  }
  // Newest activity first: the line just scanned is on top.
  return [...lines.values()].sort((a, b) => b.lastSeq - a.lastSeq);
}

/** What to do with a delivered batch, entry by entry. */
export interface BatchSettlement {
  delivered: StoredOutboxEntry<'count'>[];
  rejected: Array<{ entry: StoredOutboxEntry<'count'>; code: string; message: string }>;
  /** Entries the ack said nothing about: they stay first in line. */
  unanswered: StoredOutboxEntry<'count'>[];
  /** The outcome for the head entry, as the generic pump expects it. */
  head: DeliveryOutcome;
}

type CountAck = Ack<{ results: Array<{ id: string; status: 'accepted' | 'duplicate' | 'rejected'; code?: string; reason?: string }> }>;

/**
 * Classifies the hub's answer to one batch. Only an ok ack removes anything: accepted and duplicate
 * are delivered, rejected entries are parked with their code; an error ack with a transient code (or
 * no ack) keeps the whole batch for a retry; any other error code refuses the whole batch.
 */
export function settleBatch(batch: StoredOutboxEntry<'count'>[], ack: CountAck | null | undefined, thrown?: unknown): BatchSettlement {
  const none: BatchSettlement = { delivered: [], rejected: [], unanswered: batch, head: { type: 'retry', reason: 'no answer' } };
  if (thrown !== undefined && thrown !== null) {
    return { ...none, head: { type: 'retry', reason: thrown instanceof Error ? thrown.message : String(thrown) } };
  }
  if (!ack || typeof ack !== 'object' || typeof (ack as { ok?: unknown }).ok !== 'boolean') return { ...none, head: { type: 'retry', reason: 'malformed ack' } };
  if (!ack.ok) {
    const code = String(ack.error?.code ?? 'INTERNAL');
    const message = String(ack.error?.message ?? code);
    if (!isPermanentError(ack.error)) return { ...none, head: { type: 'retry', reason: `${code}: ${message}` } };
    return { delivered: [], rejected: batch.map((entry) => ({ entry, code, message })), unanswered: [], head: { type: 'rejected', code, message } };
  }
  const byId = new Map((ack.data?.results ?? []).map((r) => [r.id, r]));
  const out: BatchSettlement = { delivered: [], rejected: [], unanswered: [], head: { type: 'retry', reason: 'no result for the entry' } };
  batch.forEach((entry, i) => {
    const r = byId.get(entry.payload.entry.id);
    let outcome: DeliveryOutcome;
    if (!r) {
      out.unanswered.push(entry);
      outcome = { type: 'retry', reason: 'no result for the entry' };
    } else if (r.status === 'rejected') {
      const code = r.code ?? 'REJECTED';
      const message = r.reason ?? code;
      out.rejected.push({ entry, code, message });
      outcome = { type: 'rejected', code, message };
    } else {
      out.delivered.push(entry);
      outcome = { type: 'delivered', duplicate: r.status === 'duplicate' };
    }
    if (i === 0) out.head = outcome;
  });
  return out;
}

/** The wire entry for one scan (strict: only the schema's fields). */
export function buildEntry(input: {
  id: string;
  zoneId: string;
  decision: Extract<CountDecision, { ok: true }>;
  at: number;
  seq: number;
  staffId: string | null;
  recountTaskId: string | null;
}): CountEntry {
  const d = input.decision;
  const entry: CountEntry = {
    id: input.id,
    zoneId: input.zoneId,
    quantity: d.quantity,
    at: input.at,
    seq: input.seq,
    staffId: input.staffId,
    recountTaskId: input.recountTaskId,
  };
  if (d.productId) entry.productId = d.productId;
  else if (d.code) entry.code = d.code;
  if (d.epc) entry.epc = d.epc;
  return entry;
}
