import type { CountEntry, ErrorCode, SaleInput } from '@stockfleet/shared';

/**
 * What the outbox can carry, by kind. One IndexedDB store holds every kind, ordered by a local
 * auto-increment id, so a sale and a later count line leave the till in the order they were made.
 * Add a kind here (e.g. `count: CountLineInput`) and register a deliverer for it.
 */
export interface OutboxPayloads {
  sale: SaleInput;
  count: CountOutboxPayload;
}

/** One count entry waiting for the hub, with what the till shows for it (never sent). */
export interface CountOutboxPayload {
  stocktakeId: string;
  /** Exactly what goes over `count.submit.v1` (CountEntrySchema). */
  entry: CountEntry;
  /** Display only: the product as the till's catalogue knows it (null when the hub must resolve `code`). */
  label: { name: string; sku: string } | null;
}
export type OutboxKind = keyof OutboxPayloads;

export type OutboxStatus = 'pending' | 'rejected';

export interface OutboxRejection {
  code: ErrorCode | string;
  message: string;
  at: number;
}

export interface OutboxEntry<K extends OutboxKind = OutboxKind> {
  /** Local auto-increment key: the delivery order. Absent only before the first write. */
  localId?: number;
  kind: K;
  /** Client-made id of the payload (sale id, count line id): the hub's idempotency key. */
  clientId: string;
  /** Per-kind sequence number allocated in the same transaction as the write. */
  seq: number;
  payload: OutboxPayloads[K];
  status: OutboxStatus;
  createdAt: number;
  attempts: number;
  lastError: string | null;
  rejection: OutboxRejection | null;
}

export type StoredOutboxEntry<K extends OutboxKind = OutboxKind> = OutboxEntry<K> & { localId: number };

export interface OutboxCounts {
  pending: number;
  rejected: number;
  pendingByKind: Record<OutboxKind, number>;
}

/** The store the delivery pump works against (IndexedDB in the app, in-memory in tests). */
export interface OutboxStoreLike {
  firstPending(): Promise<StoredOutboxEntry | undefined>;
  remove(localId: number): Promise<void>;
  markRejected(localId: number, rejection: OutboxRejection): Promise<void>;
  noteAttempt(localId: number, error: string): Promise<number>;
}

export type DeliveryOutcome =
  | { type: 'delivered'; duplicate: boolean }
  | { type: 'rejected'; code: string; message: string }
  | { type: 'retry'; reason: string };
