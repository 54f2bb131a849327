import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { decodeSgtin96, ErrorCode, parseScan, type CountEntry, type StocktakeScope } from '@stockfleet/shared';
import { DomainException } from '../common/domain-exception.js';
import type { TerminalIdentity } from '../fleet/fleet.types.js';
import { sql } from '../common/sql.js';
import { countBatchAcked } from '../metrics/instruments.js';
import { scopeProductFilter } from './stocktake.repository.js';
import { StocktakeLive } from './stocktake-live.js';

type Result = { id: string; status: 'accepted' | 'duplicate' | 'rejected'; code?: string; reason?: string };

/** What a stocktake was created with and never changes afterwards: its product scope and its drill tills. */
interface StocktakeShape {
  scope: StocktakeScope;
  drill: string[];
}

/** One delivered batch, checked in memory and laid out as columns, waiting for its statement. */
interface Batch {
  till: TerminalIdentity;
  stocktakeId: string;
  shape: StocktakeShape;
  /** Entries that go to the database, by index into the delivered batch. */
  sent: number[];
  col: { id: string[]; zone: string[]; product: Array<string | null>; qty: number[]; mul: boolean[]; epc: Array<string | null>; task: Array<string | null>; seq: number[]; at: string[]; staff: Array<string | null> };
  /** Barcode forms to look up, per sent entry (1-based row), in order of preference. */
  look: { row: number[]; code: string[]; rank: number[] };
  queuedAt: number;
  done: (out: BatchOutcome) => void;
  failed: (err: unknown) => void;
}

/** The store's status (null: the store is not in the stocktake) and the sent entries not accepted (by 1-based row). */
interface BatchOutcome {
  status: string | null;
  /** `bad` null: a duplicate; else why it was rejected. */
  rows: Array<{ i: number; bad: string | null }>;
}

/** Statements in flight per hub node, entries per statement, and how long a batch may wait for its statement. */
const MAX_STATEMENTS = 4;
const MAX_ENTRIES_PER_STATEMENT = 10_000;
const MAX_QUEUE_WAIT_MS = 60_000;

/**
 * Count ingestion. Each delivered batch is checked in memory (codes and EPCs parsed, typed rejections),
 * then written by ONE SQL statement — its own transaction, one round trip, every value bound as a typed
 * array, no per-entry SQL. Under load the batches that queue up meanwhile (one per till, same
 * stocktake) share the next statement: a group commit, with at most MAX_STATEMENTS in flight per hub.
 * The statement takes a shared lock on each store's count row (counting cannot close under a batch
 * being written), resolves codes and EPCs to products (pack barcodes multiply the quantity), checks
 * zone, scope and recount task per entry, inserts with ON CONFLICT DO NOTHING on the till's UUID, its
 * sequence number and the EPC (a retry never counts twice; a tag counts once per store), closes the
 * recount tasks answered, and returns one verdict per entry. Tills hear the results only after commit.
 * Should a shared statement fail, each of its batches is retried alone, so one batch never fails another.
 */
@Injectable()
export class CountService {
  /** Scope and drill tills per stocktake: written once at creation, never updated, so safe to keep. */
  private readonly shapes = new Map<string, Promise<StocktakeShape | null>>();
  private readonly queue: Batch[] = [];
  private running = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly live: StocktakeLive,
  ) {}

  async submit(till: TerminalIdentity, stocktakeId: string, entries: CountEntry[]): Promise<{ results: Result[] }> {
    const startedAt = performance.now();
    const shape = await this.shape(stocktakeId);
    if (!shape || (shape.drill.length && !shape.drill.includes(till.terminalId))) throw notInStocktake();

    const results: Array<Result | undefined> = new Array(entries.length);
    const batch = this.prepare(till, stocktakeId, shape, entries, results);
    const outcome = await new Promise<BatchOutcome>((done, failed) => {
      Object.assign(batch, { done, failed });
      this.queue.push(batch);
      this.pump();
    });
    if (!outcome.status) throw notInStocktake();
    if (outcome.status !== 'counting') throw new DomainException(ErrorCode.NotCounting, `The store is ${outcome.status}, not counting`);
    for (const k of batch.sent) results[k] = { id: entries[k].id, status: 'accepted' };
    for (const r of outcome.rows) {
      const k = batch.sent[r.i - 1];
      const e = entries[k];
      if (r.bad === null) results[k] = { id: e.id, status: 'duplicate' };
      else if (r.bad === 'unknown') results[k] = { id: e.id, status: 'rejected', code: ErrorCode.UnknownBarcode, reason: `No product has the code ${e.code ?? e.epc}` };
      else if (r.bad === 'zone') results[k] = { id: e.id, status: 'rejected', code: ErrorCode.OutOfScope, reason: 'That zone is not in this store' };
      else if (r.bad === 'scope') results[k] = { id: e.id, status: 'rejected', code: ErrorCode.OutOfScope, reason: 'That product is not in this count' };
      else results[k] = { id: e.id, status: 'rejected', code: ErrorCode.ValidationFailed, reason: 'That recount task is for another product' };
    }
    this.live.changed(stocktakeId, till.storeId, 'counts');
    countBatchAcked(results as Result[], startedAt); // metrics: entries by verdict, time to acknowledgement
    return { results: results as Result[] };
  }

  /** Per entry, in memory: parse codes and EPCs (typed rejections), and lay the batch out as columns. */
  private prepare(till: TerminalIdentity, stocktakeId: string, shape: StocktakeShape, entries: CountEntry[], results: Array<Result | undefined>): Batch {
    const b: Batch = {
      till, stocktakeId, shape, sent: [], queuedAt: Date.now(), done: () => {}, failed: () => {},
      col: { id: [], zone: [], product: [], qty: [], mul: [], epc: [], task: [], seq: [], at: [], staff: [] },
      look: { row: [], code: [], rank: [] },
    };
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k];
      let lookup: string | null = null;
      if (!e.productId) {
        if (e.epc) {
          try {
            lookup = decodeSgtin96(e.epc).gtin;
          } catch (err) {
            results[k] = { id: e.id, status: 'rejected', code: ErrorCode.InvalidBarcode, reason: `EPC ${e.epc}: ${(err as Error).message}` };
            continue;
          }
        } else {
          const scan = parseScan(e.code!);
          if (!scan.ok) { results[k] = { id: e.id, status: 'rejected', code: ErrorCode.InvalidBarcode, reason: scan.reason }; continue; }
          lookup = scan.kind === 'internal' ? scan.code : scan.kind === 'rcn' ? scan.itemKey : scan.gtin14;
        }
      }
      b.sent.push(k);
      const row = b.sent.length;
      if (lookup !== null) variants(lookup).forEach((v, rank) => { b.look.row.push(row); b.look.code.push(v); b.look.rank.push(rank); });
      b.col.id.push(e.id);
      b.col.zone.push(e.zoneId);
      b.col.product.push(e.productId ?? null);
      b.col.qty.push(e.epc ? 1 : e.quantity);
      b.col.mul.push(!e.productId && !e.epc); // a scanned code: the barcode's pack multiplier applies
      b.col.epc.push(e.epc?.toUpperCase() ?? null);
      b.col.task.push(e.recountTaskId);
      b.col.seq.push(e.seq);
      b.col.at.push(new Date(e.at).toISOString());
      b.col.staff.push(e.staffId);
    }
    return b;
  }

  /** Starts statements while there is room: each takes the oldest batch and the queued batches it can share with. */
  private pump() {
    // An overloaded database: batches that waited too long go back to their tills, which send them again later.
    const stale = Date.now() - MAX_QUEUE_WAIT_MS;
    for (let k = 0; k < this.queue.length; k++) {
      if (this.queue[k].queuedAt < stale) this.queue.splice(k--, 1)[0].failed(new DomainException(ErrorCode.RateLimited, 'The hub is busy; send these lines again later'));
    }
    while (this.running < MAX_STATEMENTS && this.queue.length) {
      const head = this.queue[0];
      const group: Batch[] = [];
      const tills = new Set<string>();
      let size = 0;
      for (let k = 0; k < this.queue.length; k++) {
        const b = this.queue[k];
        // Same stocktake (one scope), one batch per till (its retries and sequence numbers stay apart).
        if (b.stocktakeId !== head.stocktakeId || tills.has(b.till.terminalId)) continue;
        if (group.length && size + b.sent.length > MAX_ENTRIES_PER_STATEMENT) break;
        group.push(b);
        tills.add(b.till.terminalId);
        size += b.sent.length;
        this.queue.splice(k--, 1);
      }
      this.running++;
      void this.run(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(group: Batch[]) {
    try {
      const outcomes = await this.write(group);
      group.forEach((b, g) => b.done(outcomes[g]));
    } catch (err) {
      if (group.length === 1) return group[0].failed(err);
      for (const b of group) {
        try {
          b.done((await this.write([b]))[0]);
        } catch (e) {
          b.failed(e);
        }
      }
    }
  }

  /** The one statement: lock, resolve, check, insert, close recount tasks, report — for every batch of the group. */
  private async write(group: Batch[]): Promise<BatchOutcome[]> {
    const { stocktakeId, shape } = group[0];
    const cat = <T>(pick: (b: Batch) => T[]) => group.flatMap(pick);
    const f = scopeProductFilter(shape.scope);
    const knex = this.em.getConnection().getKnex();
    const { rows } = await knex.raw(
      `with gr as (select * from unnest(?::uuid[], ?::uuid[]) with ordinality as gr(store_id, terminal_id, g)),
            st as (select ss.store_id, ss.status from stocktake_store ss
                    where ss.stocktake_id = ? and ss.store_id in (select store_id from gr) order by ss.store_id for share),
            x as (select * from unnest(?::int[], ?::int[], ?::uuid[], ?::uuid[], ?::uuid[], ?::int[], ?::boolean[], ?::text[], ?::uuid[], ?::bigint[], ?::timestamptz[], ?::uuid[])
                    as x(g, i, id, zone_id, product_id, quantity, mul, epc, recount_task_id, seq, counted_at, staff_id)),
            lk as (select distinct on (v.g, v.i) v.g, v.i, b.product_id, b.multiplier
                     from unnest(?::int[], ?::int[], ?::text[], ?::int[]) as v(g, i, code, rank) join barcode b on b.code = v.code
                    order by v.g, v.i, v.rank),
            r as (select x.g, x.i, x.id, gr.store_id, gr.terminal_id, x.zone_id, x.epc, x.recount_task_id, x.seq, x.counted_at, x.staff_id, t.round, t.zone_id as recount_zone_id,
                         coalesce(x.product_id, lk.product_id) as product_id,
                         case when x.mul then x.quantity * lk.multiplier else x.quantity end as quantity,
                         case when coalesce(x.product_id, lk.product_id) is null then 'unknown'
                              when z.id is null then 'zone'
                              when p.id is null then 'scope'
                              when x.recount_task_id is not null and (t.id is null or t.product_id <> coalesce(x.product_id, lk.product_id)) then 'task'
                         end as bad
                    from x
                    join gr on gr.g = x.g
                    left join lk on lk.g = x.g and lk.i = x.i
                    left join zone z on z.id = x.zone_id and z.store_id = gr.store_id
                    left join product p on p.id = coalesce(x.product_id, lk.product_id) and (${f.sql})
                    left join recount_task t on t.id = x.recount_task_id and t.stocktake_id = ? and t.store_id = gr.store_id),
            ok as (select * from r where bad is null and store_id = any(array(select store_id from st where status = 'counting'))),
            ins as (insert into count_entry (id, stocktake_id, store_id, terminal_id, staff_id, zone_id, product_id, quantity, epc, round, recount_zone_id, recount_task_id, seq, counted_at, received_at)
                    select id, ?, store_id, terminal_id, staff_id, zone_id, product_id, quantity, epc, coalesce(round, 0), recount_zone_id, recount_task_id, seq, counted_at, now()
                      from ok
                    on conflict do nothing returning id, terminal_id),
            done as (update recount_task set status = 'done'
                      where id in (select recount_task_id from ok where recount_task_id is not null) and status = 'open')
       -- One row per batch (its store's status), then only the entries not accepted: rejected or duplicate.
       select gr.g, st.status, null::bigint as i, null::text as bad from gr left join st on st.store_id = gr.store_id
       union all
       select r.g, null, r.i, r.bad from r left join ins on ins.id = r.id and ins.terminal_id = r.terminal_id where r.bad is not null or ins.id is null`,
      [
        uuids(group.map((b) => b.till.storeId)), uuids(group.map((b) => b.till.terminalId)),
        stocktakeId,
        list(group.flatMap((b, g) => b.sent.map(() => g + 1))), list(group.flatMap((b) => b.sent.map((_, i) => i + 1))),
        uuids(cat((b) => b.col.id)), uuids(cat((b) => b.col.zone)), uuids(cat((b) => b.col.product)), list(cat((b) => b.col.qty)), list(cat((b) => b.col.mul)),
        list(cat((b) => b.col.epc)), uuids(cat((b) => b.col.task)), list(cat((b) => b.col.seq)), list(cat((b) => b.col.at)), uuids(cat((b) => b.col.staff)),
        list(group.flatMap((b, g) => b.look.row.map(() => g + 1))), list(cat((b) => b.look.row)), texts(cat((b) => b.look.code)), list(cat((b) => b.look.rank)),
        ...f.params, stocktakeId,
        stocktakeId,
      ] as any[],
    );
    const out: BatchOutcome[] = group.map(() => ({ status: null, rows: [] }));
    for (const r of rows) {
      const o = out[Number(r.g) - 1];
      if (r.i === null) o.status = r.status ?? null;
      else o.rows.push({ i: Number(r.i), bad: r.bad });
    }
    return out;
  }

  private shape(stocktakeId: string): Promise<StocktakeShape | null> {
    let known = this.shapes.get(stocktakeId);
    if (!known) {
      known = sql<any[]>(this.em.fork(), `select scope, practice_terminal_ids from stocktake where id = ?`, [stocktakeId])
        .then(([row]) => (row ? { scope: row.scope as StocktakeScope, drill: (row.practice_terminal_ids ?? []) as string[] } : null));
      if (this.shapes.size >= 1000) this.shapes.delete(this.shapes.keys().next().value!);
      this.shapes.set(stocktakeId, known);
      // Only a stocktake that exists is remembered (one may be created later with an id a till guessed).
      known.then((s) => { if (!s) this.shapes.delete(stocktakeId); }, () => this.shapes.delete(stocktakeId));
    }
    return known;
  }
}

const notInStocktake = () => new DomainException(ErrorCode.OutOfScope, 'This till is not part of that stocktake');

/**
 * PostgreSQL array literals, built here rather than by the driver: uuid, number, boolean, ISO time and
 * EPC values cannot hold a character that needs quoting (the shared schemas check them); text is quoted.
 */
const list = (xs: Array<string | number | boolean | null>) => `{${xs.map((x) => (x === null ? 'NULL' : x === true ? 't' : x === false ? 'f' : x)).join(',')}}`;
const uuids = list as (xs: Array<string | null>) => string;
const texts = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

/** A GTIN-14 may be on file as GTIN-13, -12 or -8: try each form. */
function variants(code: string): string[] {
  if (!/^\d{14}$/.test(code)) return [code];
  const out = [code];
  for (const len of [13, 12, 8]) if (code.slice(0, 14 - len).split('').every((c) => c === '0')) out.push(code.slice(14 - len));
  return out;
}
