import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { decodeSgtin96, ErrorCode, parseScan, type CountEntry } from '@stockfleet/shared';
import { DomainException } from '../common/domain-exception.js';
import type { TerminalIdentity } from '../fleet/fleet.types.js';
import { sql } from '../common/sql.js';
import { StocktakeRepository } from './stocktake.repository.js';
import { StocktakeLive } from './stocktake-live.js';

type Result = { id: string; status: 'accepted' | 'duplicate' | 'rejected'; code?: string; reason?: string };

/**
 * Count ingestion: one transaction per delivered batch, one multi-row insert, ON CONFLICT DO NOTHING
 * on the till's UUID (a retry never counts twice) and on the EPC (a tag counts once per store).
 * The till hears the results only after commit.
 */
@Injectable()
export class CountService {
  constructor(
    private readonly em: EntityManager,
    private readonly live: StocktakeLive,
    private readonly repo: StocktakeRepository,
  ) {}

  async submit(till: TerminalIdentity, stocktakeId: string, entries: CountEntry[]): Promise<{ results: Result[] }> {
    const results = new Map<string, Result>();
    const reject = (id: string, code: string, reason: string) => results.set(id, { id, status: 'rejected', code, reason });
    await this.em.fork().transactional(async (tem) => {
      // A shared lock on the count row: counting cannot close under a batch being written.
      const [store] = await sql<any[]>(tem,
        `select ss.status, s.practice_terminal_ids, s.scope from stocktake_store ss join stocktake s on s.id = ss.stocktake_id
          where ss.stocktake_id = ? and ss.store_id = ? for share of ss`, [stocktakeId, till.storeId]);
      const drill: string[] = store?.practice_terminal_ids ?? [];
      if (!store || (drill.length && !drill.includes(till.terminalId))) throw new DomainException(ErrorCode.OutOfScope, 'This till is not part of that stocktake');
      if (store.status !== 'counting') throw new DomainException(ErrorCode.NotCounting, `The store is ${store.status}, not counting`);

      // Resolve codes and EPCs to products (pack barcodes multiply the quantity).
      const gtins = new Map<string, string>(); // entry id → lookup code
      for (const e of entries) {
        if (e.productId) continue;
        if (e.epc) {
          try {
            gtins.set(e.id, decodeSgtin96(e.epc).gtin);
          } catch (err) {
            reject(e.id, ErrorCode.InvalidBarcode, `EPC ${e.epc}: ${(err as Error).message}`);
          }
          continue;
        }
        const scan = parseScan(e.code!);
        if (!scan.ok) reject(e.id, ErrorCode.InvalidBarcode, scan.reason);
        else if (scan.kind === 'internal') gtins.set(e.id, scan.code);
        else if (scan.kind === 'rcn') gtins.set(e.id, scan.itemKey);
        else gtins.set(e.id, scan.gtin14);
      }
      const lookups = [...new Set([...gtins.values()].flatMap((c) => variants(c)))];
      const codes = lookups.length
        ? await sql<any[]>(tem, `select code, product_id, multiplier from barcode where code = any(?::text[])`, [`{${lookups.join(',')}}`])
        : [];
      const byCode = new Map(codes.map((c) => [c.code, c]));
      // Sequential: a transaction is one connection, and pg runs one query at a time on it.
      const zonesRows = await sql<any[]>(tem, `select id from zone where store_id = ?`, [till.storeId]);
      const inScope = await this.repo.productsInScope(tem, store.scope, [...new Set([...entries.map((e) => e.productId!).filter(Boolean), ...codes.map((c) => c.product_id as string)])]);
      const taskRows = await sql<any[]>(tem, `select id, product_id, zone_id, round, status from recount_task where stocktake_id = ? and store_id = ?`, [stocktakeId, till.storeId]);
      const zones = new Set(zonesRows.map((z) => z.id));
      const tasks = new Map(taskRows.map((t) => [t.id, t]));

      const rows: any[] = [];
      const doneTasks = new Set<string>();
      for (const e of entries) {
        if (results.has(e.id)) continue;
        let productId = e.productId;
        let quantity = e.epc ? 1 : e.quantity;
        if (!productId) {
          const hit = variants(gtins.get(e.id)!).map((v) => byCode.get(v)).find(Boolean);
          if (!hit) { reject(e.id, ErrorCode.UnknownBarcode, `No product has the code ${e.code ?? e.epc}`); continue; }
          productId = hit.product_id;
          if (!e.epc) quantity *= hit.multiplier;
        }
        if (!zones.has(e.zoneId)) { reject(e.id, ErrorCode.OutOfScope, 'That zone is not in this store'); continue; }
        if (!inScope.has(productId!)) { reject(e.id, ErrorCode.OutOfScope, 'That product is not in this count'); continue; }
        let round = 0;
        let recountZoneId: string | null = null;
        if (e.recountTaskId) {
          const task = tasks.get(e.recountTaskId);
          if (!task || task.product_id !== productId) { reject(e.id, ErrorCode.ValidationFailed, 'That recount task is for another product'); continue; }
          round = task.round;
          recountZoneId = task.zone_id;
          doneTasks.add(task.id);
        }
        rows.push({ id: e.id, terminal_id: till.terminalId, staff_id: e.staffId, zone_id: e.zoneId, product_id: productId, quantity,
          epc: e.epc?.toUpperCase() ?? null, round, recount_zone_id: recountZoneId, recount_task_id: e.recountTaskId, seq: e.seq, counted_at: new Date(e.at).toISOString() });
      }
      if (rows.length) {
        const inserted = await sql<any[]>(tem,
          `insert into count_entry (id, stocktake_id, store_id, terminal_id, staff_id, zone_id, product_id, quantity, epc, round, recount_zone_id, recount_task_id, seq, counted_at, received_at)
           select id, ?, ?, terminal_id, staff_id, zone_id, product_id, quantity, epc, round, recount_zone_id, recount_task_id, seq, counted_at, now()
             from jsonb_to_recordset(?::jsonb) as x(id uuid, terminal_id uuid, staff_id uuid, zone_id uuid, product_id uuid, quantity int, epc text,
                  round int, recount_zone_id uuid, recount_task_id uuid, seq bigint, counted_at timestamptz)
           on conflict do nothing returning id`,
          [stocktakeId, till.storeId, JSON.stringify(rows)]);
        const ok = new Set(inserted.map((r) => r.id));
        for (const r of rows) results.set(r.id, { id: r.id, status: ok.has(r.id) ? 'accepted' : 'duplicate' });
      }
      if (doneTasks.size) await sql(tem, `update recount_task set status = 'done' where id = any(?::uuid[]) and status = 'open'`, [`{${[...doneTasks].join(',')}}`]);
    });
    this.live.changed(stocktakeId, till.storeId);
    return { results: entries.map((e) => results.get(e.id)!) };
  }
}

/** A GTIN-14 may be on file as GTIN-13, -12 or -8: try each form. */
function variants(code: string): string[] {
  if (!/^\d{14}$/.test(code)) return [code];
  const out = [code];
  for (const len of [13, 12, 8]) if (code.slice(0, 14 - len).split('').every((c) => c === '0')) out.push(code.slice(14 - len));
  return out;
}
