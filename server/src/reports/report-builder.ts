import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ReportFormat } from '@stockfleet/shared';
import { UnrecoverableError } from 'bullmq';
import { parse } from 'csv-parse';
import { createReadStream, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AuditService } from '../audit/audit.service.js';
import { sql } from '../common/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { HashedFileWriter, type WrittenFile } from './render/hashed-file.js';
import { copyCsv, copyCsvCounted, queryRows, uuidLiteral, withPgClient } from './render/pg-raw.js';
import { money, pct, writeSummaryPdf, type Measures, type SummaryRow, type VarianceSummary } from './render/pdf.js';
import {
  DETAIL_BOOLEAN, DETAIL_COLUMNS, DETAIL_NUMERIC, FORCED_TILLS, LATE_MOVEMENTS, PART_COPY_SETTINGS, partDetailQuery, RECOUNTS, SLOW_MOVERS,
  SUMMARY_BY_CATEGORY, SUMMARY_BY_REGION, SUMMARY_BY_STORE, SUMMARY_TOTAL, UNCOUNTED,
} from './render/report-sql.js';
import { XlsxReport, type XlsxColumn } from './render/xlsx.js';
import { ReportEvents } from './report-events.js';
import { approvedStores, groupParts, partRowsOf, type ReportPart } from './report-parts.js';
import { ReportsRepository, type ReportRow } from './reports.repository.js';

const BOM = '\ufeff';
const num = (v: unknown) => Number(v ?? 0);
const isoOrEmpty = (v: unknown) => (v ? new Date(v as string).toISOString() : '');
export const slug = (s: string) => s.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 60) || 'report';

interface StoreCtx {
  store_id: string;
  code: string;
  name: string;
  status: string;
  approved_at: Date | null;
  lines: number | null;
}
interface VarianceCtx {
  st: any;
  stores: StoreCtx[];
  /** Fixed into every file (zip entries, PDF dates) so a rebuild is byte-identical. */
  at: Date;
  storeFilter: string | null;
  baseName: string;
}

/**
 * Builds report files. Everything a file contains comes from records that no longer change (the
 * stocktake's frozen lines, a ledger watermark), in a fixed order, with fixed dates: a job that runs
 * twice writes the same bytes, and the same SHA-256.
 */
@Injectable()
export class ReportBuilder {
  private readonly log = new Logger('Reports');

  constructor(
    private readonly orm: MikroORM,
    private readonly repo: ReportsRepository,
    private readonly events: ReportEvents,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private em(): EntityManager {
    return this.orm.em.fork() as EntityManager;
  }

  private dir(reportId: string) {
    return join(this.config.reportsDir, reportId);
  }

  private partPath(reportId: string, storeId: string) {
    return join(this.dir(reportId), 'parts', `${storeId}.csv`);
  }

  private async pause() {
    if (this.config.reportStepDelayMs > 0) await new Promise((r) => setTimeout(r, this.config.reportStepDelayMs));
  }

  async load(reportId: string): Promise<ReportRow> {
    const r = await this.repo.get(this.em(), reportId);
    if (!r) throw new UnrecoverableError(`Report ${reportId} does not exist`);
    return r;
  }

  async progress(r: ReportRow, progress: number, persist = true) {
    if (persist) await this.repo.setProgress(this.em(), r.id, progress);
    await this.events.publish({ reportId: r.id, status: 'running', progress: Math.floor(progress), error: null, storeIds: r.store_scope });
  }

  async start(r: ReportRow): Promise<boolean> {
    const go = await this.repo.markRunning(this.em(), r.id);
    if (go) await this.events.publish({ reportId: r.id, status: 'running', progress: r.progress, error: null, storeIds: r.store_scope }, true);
    return go;
  }

  async failed(reportId: string, error: string) {
    const em = this.em();
    await this.repo.markFailed(em, reportId, error);
    const r = await this.repo.get(em, reportId);
    if (r) await this.events.publish({ reportId, status: 'failed', progress: r.progress, error, storeIds: r.store_scope }, true);
  }

  // ---- variance reports -----------------------------------------------------------------------

  private async varianceCtx(r: ReportRow): Promise<VarianceCtx> {
    const em = this.em();
    const [st] = await sql<any[]>(em, `select * from stocktake where id = ?`, [r.stocktake_id]);
    if (!st) throw new UnrecoverableError(`Stocktake ${r.stocktake_id} does not exist`);
    const stores = await sql<StoreCtx[]>(
      em,
      `select ss.store_id, s.code, s.name, ss.status, ss.approved_at, coalesce(ss.scope_products, 0) as lines from stocktake_store ss join store s on s.id = ss.store_id
        where ss.stocktake_id = ? and (?::uuid is null or ss.store_id = ?::uuid) order by s.code`,
      [st.id, r.store_id, r.store_id],
    );
    const at = r.store_id ? stores[0]?.approved_at : st.finished_at;
    if (!at) throw new UnrecoverableError('The count is not finished: nothing to report yet');
    const baseName = r.store_id ? `variance-${slug(st.name)}-${slug(stores[0].code)}` : `chain-variance-${slug(st.name)}`;
    return { st, stores, at: new Date(at), storeFilter: r.store_id, baseName };
  }

  /** A report's parts: its approved stores in code order, grouped as when its flow was queued. */
  private parts(r: ReportRow, approved: Array<{ store_id: string; code: string; lines: number | string | null }>): ReportPart[] {
    return groupParts(approved, partRowsOf(r.params));
  }

  /** A child job: the part that holds this store (its first store, for the flows the hub queues). */
  async buildPart(r: ReportRow, storeId: string): Promise<number> {
    const parts = this.parts(r, await approvedStores(this.em(), r.stocktake_id!, r.store_id));
    const part = parts.find((p) => p.storeIds.includes(storeId));
    if (!part) throw new UnrecoverableError(`Store ${storeId} is not an approved store of this report`);
    return this.buildPartOf(r, part, parts.length);
  }

  /**
   * A part's detail rows (a run of consecutive stores), straight out of PostgreSQL with one COPY, into a
   * part file (no header); the row count is the COPY's own. Done once: a part recorded with its file on
   * disk is not built again, and a part built twice (a job taken over) is the same bytes.
   */
  private async buildPartOf(r: ReportRow, part: ReportPart, partsTotal: number): Promise<number> {
    const done = await this.repo.part(this.em(), r.id, part.key);
    const path = this.partPath(r.id, part.key);
    if (done && existsSync(path)) return Number(done.rows);
    const out = await HashedFileWriter.open(path, { hash: false });
    let n: number;
    try {
      n = await withPgClient(this.em(), (client) => copyCsvCounted(client, partDetailQuery(r.stocktake_id!, part.storeIds), out, PART_COPY_SETTINGS));
      await out.commit();
    } catch (e) {
      await out.abort();
      throw e;
    }
    const parts = await this.repo.addPart(this.em(), r.id, part.key, n);
    await this.progress(r, (Math.min(parts, partsTotal) / Math.max(1, partsTotal)) * 50);
    return n;
  }

  /** The parent: joins the parts into the CSV, then writes the XLSX and the PDF summary. */
  async consolidate(r: ReportRow) {
    const ctx = await this.varianceCtx(r);
    const approved = ctx.stores.filter((s) => s.status === 'approved');
    const parts = this.parts(r, approved);
    let rows = 0;
    for (const part of parts) rows += await this.buildPartOf(r, part, parts.length);
    await this.progress(r, 50);
    await this.pause();

    // CSV: a BOM (so spreadsheet programs read UTF-8), the header, then every part's COPY output in store order.
    const csvPath = join(this.dir(r.id), `${ctx.baseName}.csv`);
    const csv = await HashedFileWriter.open(csvPath);
    try {
      csv.write(`${BOM}${DETAIL_COLUMNS.join(',')}\n`);
      for (const part of parts) await pipeline(createReadStream(this.partPath(r.id, part.key), { highWaterMark: 1 << 20 }), csv, { end: false });
      csv.end();
    } catch (e) {
      await csv.abort();
      throw e;
    }
    const csvFile = await csv.commit();
    await this.progress(r, 55);
    await this.pause();

    const summary = await this.summaries(ctx);
    const xlsxFile = await this.varianceXlsx(r, ctx, summary, parts, rows);
    await this.progress(r, 95);
    const pdf = await writeSummaryPdf(join(this.dir(r.id), `${ctx.baseName}.pdf`), { ...summary, detailSha256: csvFile.sha256 });

    await this.finish(r, [
      { format: 'csv', file: csvFile, rows },
      { format: 'xlsx', file: xlsxFile, rows },
      { format: 'pdf', file: pdf, rows: pdf.pages },
    ]);
    await rm(join(this.dir(r.id), 'parts'), { recursive: true, force: true });
  }

  private async summaries(ctx: VarianceCtx): Promise<Omit<VarianceSummary, 'detailSha256'>> {
    const em = this.em();
    const p = [ctx.st.id, ctx.storeFilter, ctx.storeFilter];
    const norm = <T extends Record<string, any>>(rows: T[]) => rows.map((x) => {
      const o: any = { ...x };
      for (const k of ['lines', 'counted_lines', 'uncounted_lines', 'over_threshold', 'expected_value_cents', 'counted_value_cents', 'net_variance_cents', 'shrinkage_cents', 'surplus_cents', 'late_sales_delta', 'during_freeze_delta', 'stores']) {
        if (k in o) o[k] = num(o[k]);
      }
      return o;
    });
    const byStore = norm(await sql<any[]>(em, SUMMARY_BY_STORE, p)) as SummaryRow[];
    const byRegion = norm(await sql<any[]>(em, SUMMARY_BY_REGION, p)) as SummaryRow[];
    const byCategory = norm(await sql<any[]>(em, SUMMARY_BY_CATEGORY, p)) as SummaryRow[];
    const [totals] = norm(await sql<any[]>(em, SUMMARY_TOTAL, p)) as Measures[];
    const forced = await sql<any[]>(em, FORCED_TILLS, p);
    const st = ctx.st;
    const store = ctx.storeFilter ? ctx.stores[0] : null;
    const scope = st.scope;
    const filter = scope.filter.kind === 'full' ? 'full count' : `partial count (${scope.filter.kind})`;
    const facts: Array<[string, string]> = [
      ['Stocktake', st.name],
      ['Stocktake id', st.id],
      ['Scope', `${scope.kind}, ${filter}${st.blind ? ', blind' : ''}`],
      ['Created by', st.created_by_name ?? ''],
      ['Started', isoOrEmpty(st.started_at)],
      ...(store
        ? ([['Store', `${store.code} ${store.name}`], ['Approved', `${isoOrEmpty(store.approved_at)} by ${byStore[0]?.approved_by ?? ''}`]] as Array<[string, string]>)
        : ([['Finished', isoOrEmpty(st.finished_at)], ['Stores', `${byStore.filter((s) => s.status === 'approved').length} approved, ${byStore.filter((s) => s.status === 'cancelled').length} cancelled`]] as Array<[string, string]>)),
      ['Thresholds', `±${st.thresholds.quantity} units, ${st.thresholds.percent} %, ${money(st.thresholds.valueCents)} value`],
    ];
    return {
      title: store ? `Variance report — ${store.code} ${store.name}` : 'Consolidated variance report',
      subtitle: st.name,
      practice: !!st.practice,
      facts,
      totals,
      byStore,
      byRegion,
      byCategory,
      forced,
      at: ctx.at,
    };
  }

  private async varianceXlsx(r: ReportRow, ctx: VarianceCtx, s: Omit<VarianceSummary, 'detailSha256'>, parts: ReportPart[], totalRows: number): Promise<WrittenFile> {
    const x = await XlsxReport.open(join(this.dir(r.id), `${ctx.baseName}.xlsx`), { title: s.title, creator: 'Stockfleet', at: ctx.at });
    try {
      const t = s.totals;
      await x.sheet('Summary', [{ header: 'Item', width: 34 }, { header: 'Value', width: 60 }], [
        ['Report', s.title],
        ...(s.practice ? [['Practice', 'yes — nothing was posted to the books']] : []),
        ...s.facts,
        ['Lines', t.lines], ['Counted lines', t.counted_lines], ['Uncounted lines', t.uncounted_lines], ['Over threshold', t.over_threshold],
        ['Book value (expected)', t.expected_value_cents / 100], ['Counted value', t.counted_value_cents / 100],
        ['Net variance value', t.net_variance_cents / 100], ['Shrinkage value', t.shrinkage_cents / 100],
        ['Shrinkage % of book value', pct(t.shrinkage_cents, t.expected_value_cents)], ['Surplus value', t.surplus_cents / 100],
        ['Late sales (units)', -t.late_sales_delta], ['Sold during freeze (units)', -t.during_freeze_delta],
      ]);
      const measureCols: XlsxColumn[] = [
        { header: 'Lines' }, { header: 'Counted' }, { header: 'Uncounted' }, { header: 'Over threshold' }, { header: 'Book value' }, { header: 'Counted value' },
        { header: 'Net variance' }, { header: 'Shrinkage' }, { header: 'Shrinkage %' }, { header: 'Surplus' }, { header: 'Late sales (units)' }, { header: 'Sold during freeze (units)' },
      ];
      const measures = (m: Measures) => [
        m.lines, m.counted_lines, m.uncounted_lines, m.over_threshold, m.expected_value_cents / 100, m.counted_value_cents / 100,
        m.net_variance_cents / 100, m.shrinkage_cents / 100, m.expected_value_cents ? Number(((m.shrinkage_cents / m.expected_value_cents) * 100).toFixed(2)) : 0,
        m.surplus_cents / 100, -m.late_sales_delta, -m.during_freeze_delta,
      ];
      await x.sheet('By store', [{ header: 'Store' }, { header: 'Name', width: 28 }, { header: 'Region', width: 20 }, { header: 'Status' }, { header: 'Approved at', width: 26 }, { header: 'Approved by', width: 24 }, ...measureCols],
        s.byStore.map((m) => [m.key, m.label, m.region ?? '', m.status ?? '', isoOrEmpty(m.approved_at), m.approved_by ?? '', ...measures(m)]));
      await x.sheet('By region', [{ header: 'Region', width: 24 }, { header: 'Stores' }, ...measureCols], s.byRegion.map((m) => [m.label, m.stores ?? 0, ...measures(m)]));
      await x.sheet('By category', [{ header: 'Category', width: 24 }, { header: 'Stores' }, ...measureCols], s.byCategory.map((m) => [m.label, m.stores ?? 0, ...measures(m)]));

      const kinds = DETAIL_COLUMNS.map((c) => (DETAIL_NUMERIC.has(c) ? 'n' : DETAIL_BOOLEAN.has(c) ? 'b' : 's'));
      const partsOf = this.partPath.bind(this);
      const reportId = r.id;
      async function* detail() {
        for (const part of parts) {
          const parser = createReadStream(partsOf(reportId, part.key), { highWaterMark: 1 << 20 }).pipe(parse({ relax_column_count: false }));
          for await (const rec of parser as AsyncIterable<string[]>) yield rec.map((v, i) => (kinds[i] === 'n' ? Number(v) : kinds[i] === 'b' ? v === 'true' : v));
        }
      }
      await x.table('Detail', DETAIL_COLUMNS.map((c) => ({ header: c })), detail(), (n) => void this.progress(r, 55 + (n / Math.max(1, totalRows)) * 38, false));

      await withPgClient(this.em(), async (client) => {
        const args = [ctx.st.id, ctx.storeFilter];
        await x.table('Late sales', ['store_code', 'movement_id', 'kind', 'sku', 'product', 'quantity', 'occurred_at', 'recorded_at', 'source', 'timing'].map((h) => ({ header: h })),
          map(queryRows(client, LATE_MOVEMENTS, args), (m) => [m.store_code, m.movement_id, m.kind, m.sku, m.product, m.quantity, isoOrEmpty(m.occurred_at), isoOrEmpty(m.recorded_at), m.source, m.timing]));
        await x.table('Uncounted', ['store_code', 'sku', 'product', 'category', 'expected', 'variance_value', 'posted'].map((h) => ({ header: h })),
          map(queryRows(client, UNCOUNTED, args), (u) => [u.store_code, u.sku, u.product, u.category, u.expected, Number(u.variance_value), u.posted]));
        await x.table('Recounts', ['store_code', 'sku', 'product', 'zone', 'round', 'status', 'requested_by', 'requested_at', 'counted_in_round'].map((h) => ({ header: h })),
          map(queryRows(client, RECOUNTS, args), (t) => [t.store_code, t.sku, t.product, t.zone, t.round, t.status, t.requested_by, isoOrEmpty(t.created_at), t.counted_in_round]));
      });
      await x.sheet('Forced tills', ['store_code', 'terminal_id', 'till', 'reason', 'by'].map((h) => ({ header: h })), s.forced.map((f: any) => [f.store_code, f.terminal_id, f.till, f.reason, f.by]));
      return await x.close();
    } catch (e) {
      await x.abort();
      throw e;
    }
  }

  // ---- slow movers ----------------------------------------------------------------------------

  async slowMovers(r: ReportRow) {
    const p = r.params as { storeIds: string[] | null; windowDays: number; maxUnitsSold: number; asOf: string; watermark: string };
    const asOf = new Date(p.asOf);
    const from = new Date(asOf.getTime() - p.windowDays * 86_400_000);
    if (!/^\d+$/.test(p.watermark)) throw new UnrecoverableError('bad watermark');
    const stores = p.storeIds === null ? 'null' : `array[${p.storeIds.map(uuidLiteral).join(',')}]::uuid[]`;
    // COPY binds nothing: every value below is checked (dates, integers, uuids) before it is written into the SQL.
    const inlined = SLOW_MOVERS.replaceAll('$1::timestamptz', `'${from.toISOString()}'::timestamptz`).replaceAll('$2::bigint', `${BigInt(p.watermark)}::bigint`)
      .replaceAll('$3::uuid[]', stores).replaceAll('$4', String(Math.trunc(Number(p.maxUnitsSold))));
    const base = `slow-movers-${asOf.toISOString().slice(0, 10)}`;
    const csv = await HashedFileWriter.open(join(this.dir(r.id), `${base}.csv`));
    csv.write(BOM);
    await withPgClient(this.em(), (client) => copyCsv(client, inlined, csv, { header: true, end: true }));
    const csvFile = await csv.commit();
    await this.progress(r, 40);
    await this.pause();

    const x = await XlsxReport.open(join(this.dir(r.id), `${base}.xlsx`), { title: r.title, creator: 'Stockfleet', at: asOf });
    let rows = 0;
    const perStore = new Map<string, { n: number; value: number }>();
    try {
      await withPgClient(this.em(), async (client) => {
        rows = await x.table('Slow movers', ['store_code', 'store_name', 'sku', 'product', 'category', 'on_hand', 'unit_cost', 'stock_value', 'units_sold', 'last_sold_at'].map((h) => ({ header: h })),
          map(queryRows(client, SLOW_MOVERS, [from.toISOString(), p.watermark, p.storeIds === null ? null : `{${p.storeIds.join(',')}}`, p.maxUnitsSold]), (m) => {
            const agg = perStore.get(m.store_code) ?? { n: 0, value: 0 };
            agg.n++;
            agg.value += Math.round(Number(m.stock_value) * 100);
            perStore.set(m.store_code, agg);
            return [m.store_code, m.store_name, m.sku, m.product, m.category, num(m.on_hand), Number(m.unit_cost), Number(m.stock_value), num(m.units_sold), isoOrEmpty(m.last_sold_at)];
          }));
      });
      await x.sheet('Summary', [{ header: 'Store' }, { header: 'Slow movers' }, { header: 'Stock value' }],
        [...perStore.entries()].map(([code, a]) => [code, a.n, a.value / 100]));
      const xlsxFile = await x.close();
      await this.finish(r, [{ format: 'csv', file: csvFile, rows }, { format: 'xlsx', file: xlsxFile, rows }]);
    } catch (e) {
      await x.abort();
      throw e;
    }
  }

  // ---- shared -------------------------------------------------------------------------------

  /** Records the files (hash to the audit log on first write) and marks the report done, in one transaction. */
  private async finish(r: ReportRow, files: Array<{ format: ReportFormat; file: WrittenFile; rows: number }>) {
    await this.em().transactional(async (tem) => {
      const locked = await this.repo.get(tem, r.id, true);
      if (!locked) throw new UnrecoverableError('report deleted');
      for (const f of files) {
        const fileName = f.file.path.split('/').pop()!;
        const { previous } = await this.repo.saveFile(tem, { reportId: r.id, format: f.format, fileName, path: relative(this.config.reportsDir, f.file.path), bytes: f.file.bytes, sha256: f.file.sha256, rows: f.rows });
        if (previous !== f.file.sha256) {
          await this.audit.record(tem, {
            actorType: 'system', actorName: 'report worker', action: previous ? 'report.file_rebuilt_different' : 'report.file_written',
            storeId: r.store_id, subject: r.id, details: { format: f.format, fileName, bytes: f.file.bytes, sha256: f.file.sha256, rows: f.rows, ...(previous ? { previousSha256: previous } : {}) },
          });
          if (previous) this.log.warn(`Report ${r.id} ${f.format} rebuilt with a different hash`);
        }
      }
      await this.repo.markDone(tem, r.id);
    });
    await this.events.publish({ reportId: r.id, status: 'done', progress: 100, error: null, storeIds: r.store_scope }, true);
  }
}

async function* map<T, U>(src: AsyncIterable<T>, fn: (t: T) => U): AsyncGenerator<U> {
  for await (const t of src) yield fn(t);
}
