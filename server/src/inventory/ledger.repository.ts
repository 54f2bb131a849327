import { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode, fitsInt4, INT4_MAX, INT4_MIN, type MovementDto, type MovementKind } from '@stockfleet/shared';
import { type AlertChange, evaluateBalances } from '../alerts/alerts.repository.js';
import { DomainException } from '../common/domain-exception.js';
import { sql } from '../common/sql.js';

export interface MovementLine {
  storeId: string;
  productId: string;
  kind: MovementKind;
  quantity: number;
  reason?: string | null;
  note?: string | null;
  source: string;
  occurredAt?: Date;
  actor?: string | null;
}

export interface PostResult {
  applied: boolean;
  movements: MovementDto[];
  /** Low-stock alerts this post raised or cleared; empty when nothing changed (always on a retry). Push them after commit. */
  alerts: AlertChange[];
}

export function mapMovementRow(r: any): MovementDto {
  return {
    id: String(r.id),
    storeId: r.store_id,
    productId: r.product_id,
    kind: r.kind,
    quantity: r.quantity,
    reason: r.reason,
    note: r.note ?? null,
    source: r.source,
    idempotencyKey: r.idempotency_key,
    occurredAt: new Date(r.occurred_at).toISOString(),
    recordedAt: new Date(r.recorded_at).toISOString(),
    actor: r.actor,
  };
}

export const MOVEMENT_COLUMNS = 'id, store_id, product_id, kind, quantity, reason, note, source, idempotency_key, occurred_at, recorded_at, actor';

/**
 * Appends movements to the ledger and maintains balances, inside the caller's transaction.
 * The batch key makes the whole request idempotent: a retry returns what the first call wrote.
 */
export async function postMovements(
  em: EntityManager,
  batch: { key: string; kind: string; requestHash: string },
  lines: MovementLine[],
): Promise<PostResult> {
  if (!em.isInTransaction()) throw new Error('postMovements must run inside a transaction');
  const inserted = await sql<{ key: string }[]>(
    em,
    `insert into movement_batch (key, request_hash, kind) values (?, ?, ?) on conflict (key) do nothing returning key`,
    [batch.key, batch.requestHash, batch.kind],
  );
  if (inserted.length === 0) {
    const [prior] = await sql<{ request_hash: string; kind: string }[]>(em, `select request_hash, kind from movement_batch where key = ?`, [batch.key]);
    if (prior.request_hash !== batch.requestHash || prior.kind !== batch.kind) {
      throw new DomainException(ErrorCode.IdempotencyConflict, `Idempotency key ${batch.key} was already used for a different request`);
    }
    const rows = await sql(em, `select ${MOVEMENT_COLUMNS} from stock_movement where batch_key = ? order by id`, [batch.key]);
    return { applied: false, movements: rows.map(mapMovementRow), alerts: [] };
  }

  // A stocktake snapshot takes this lock exclusively: every movement is either in a snapshot or after it.
  for (const storeId of [...new Set(lines.map((l) => l.storeId))].sort()) {
    await sql(em, `select pg_advisory_xact_lock_shared(hashtext(?))`, [`ledger:${storeId}`]);
  }
  const productIds = [...new Set(lines.map((l) => l.productId))];
  const missing = await sql<{ id: string }[]>(
    em,
    `select x.id from unnest(?::uuid[]) as x(id) where not exists (select 1 from product p where p.id = x.id)`,
    [`{${productIds.join(',')}}`],
  );
  if (missing.length) {
    throw new DomainException(ErrorCode.UnknownProduct, `Unknown product ${missing[0].id}`, { productIds: missing.map((m) => m.id) });
  }
  const storeIds = [...new Set(lines.map((l) => l.storeId))];
  const missingStores = await sql<{ id: string }[]>(
    em,
    `select x.id from unnest(?::uuid[]) as x(id) where not exists (select 1 from store s where s.id = x.id)`,
    [`{${storeIds.join(',')}}`],
  );
  if (missingStores.length) throw new DomainException(ErrorCode.UnknownStore, `Unknown store ${missingStores[0].id}`);

  // Balances first: a post that would carry a balance past int4 is refused before any movement is written.
  const touched = await applyToBalances(em, lines);
  const now = new Date().toISOString();
  const payload = lines.map((l, i) => ({
    store_id: l.storeId,
    product_id: l.productId,
    kind: l.kind,
    quantity: l.quantity,
    reason: l.reason ?? null,
    note: l.note ?? null,
    source: l.source,
    idempotency_key: `${batch.key}#${i}`,
    batch_key: batch.key,
    occurred_at: (l.occurredAt ?? new Date()).toISOString(),
    actor: l.actor ?? null,
    ord: i,
  }));
  const rows = await sql(
    em,
    `insert into stock_movement (store_id, product_id, kind, quantity, reason, note, source, idempotency_key, batch_key, occurred_at, recorded_at, actor)
     select store_id, product_id, kind, quantity, reason, note, source, idempotency_key, batch_key, occurred_at, ?::timestamptz, actor
       from jsonb_to_recordset(?::jsonb) as x(store_id uuid, product_id uuid, kind text, quantity int, reason text, note text, source text,
            idempotency_key text, batch_key text, occurred_at timestamptz, actor text, ord int)
      order by ord
     returning ${MOVEMENT_COLUMNS}`,
    [now, JSON.stringify(payload)],
  );
  // Same transaction, after the balances: the rows are locked by us, so the evaluation sees the final on-hand.
  const alerts = await evaluateBalances(em, touched);
  return { applied: true, movements: rows.map(mapMovementRow).sort((a, b) => Number(a.id) - Number(b.id)), alerts };
}

const outOfRange = (message: string, details: { storeId: string; productId: string }) =>
  new DomainException(ErrorCode.OutOfRange, message, details);

/**
 * Adds signed deltas to the maintained balances; rows are touched in key order so concurrent posts cannot deadlock.
 * Returns the distinct store × product pairs it touched. Balances are int4: a delta, or a balance it
 * would produce, outside int4 is refused with OUT_OF_RANGE and nothing of it is written (the caller's
 * transaction rolls back). The balance check sits in the upsert itself, on the locked current row, so
 * it holds under concurrent posts too.
 */
export async function applyToBalances(
  em: EntityManager,
  lines: Array<{ storeId: string; productId: string; quantity: number }>,
): Promise<Array<{ storeId: string; productId: string }>> {
  const deltas = new Map<string, { store_id: string; product_id: string; delta: number }>();
  for (const l of lines) {
    const where = { storeId: l.storeId, productId: l.productId };
    if (!fitsInt4(l.quantity)) throw outOfRange(`A movement of ${l.quantity} is more than a stock quantity can hold`, where);
    const k = `${l.storeId}|${l.productId}`;
    const d = deltas.get(k) ?? { store_id: l.storeId, product_id: l.productId, delta: 0 };
    d.delta += l.quantity;
    if (!fitsInt4(d.delta)) throw outOfRange(`The lines for product ${l.productId} add up to more than a stock quantity can hold`, where);
    deltas.set(k, d);
  }
  const sorted = [...deltas.values()].sort((a, b) => (a.store_id + a.product_id < b.store_id + b.product_id ? -1 : 1));
  const applied = await sql<{ store_id: string; product_id: string }[]>(
    em,
    `insert into stock_balance (store_id, product_id, on_hand, updated_at)
     select store_id, product_id, delta, now() from jsonb_to_recordset(?::jsonb) as x(store_id uuid, product_id uuid, delta int)
      order by store_id, product_id
     on conflict (store_id, product_id) do update set on_hand = stock_balance.on_hand + excluded.on_hand, updated_at = now()
      where stock_balance.on_hand::bigint + excluded.on_hand between ${INT4_MIN} and ${INT4_MAX}
     returning store_id, product_id`,
    [JSON.stringify(sorted)],
  );
  if (applied.length < sorted.length) {
    const done = new Set(applied.map((r) => `${r.store_id}|${r.product_id}`));
    const over = sorted.find((d) => !done.has(`${d.store_id}|${d.product_id}`))!;
    throw outOfRange(`This would take the stock of product ${over.product_id} past what a balance can hold (${INT4_MIN} to ${INT4_MAX}); nothing was posted`,
      { storeId: over.store_id, productId: over.product_id });
  }
  return sorted.map((d) => ({ storeId: d.store_id, productId: d.product_id }));
}

/** Blocks movements of a store until the caller's transaction ends; returns the last movement id now visible. */
export async function lockStoreLedger(em: EntityManager, storeId: string): Promise<string> {
  await sql(em, `select pg_advisory_xact_lock(hashtext(?))`, [`ledger:${storeId}`]);
  const [row] = await sql<{ id: string | null }[]>(em, `select max(id)::text as id from stock_movement`);
  return row.id ?? '0';
}

/**
 * The same for many stores at once (a chain-wide barrier): the locks are taken in the order movements
 * take theirs (sorted store ids), in one round trip; returns the last movement id then visible.
 */
export async function lockStoreLedgers(em: EntityManager, storeIds: string[]): Promise<string> {
  const sorted = [...new Set(storeIds)].sort();
  await sql(em, `select count(pg_advisory_xact_lock(hashtext('ledger:' || s))) from (select s from unnest(?::text[]) with ordinality as q(s, n) order by n) o`, [`{${sorted.join(',')}}`]);
  const [row] = await sql<{ id: string | null }[]>(em, `select max(id)::text as id from stock_movement`);
  return row.id ?? '0';
}
