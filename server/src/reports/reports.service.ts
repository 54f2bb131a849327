import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type CreateReportInput, type ReportDto, type ReportFormat } from '@stockfleet/shared';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { AuditService, fromUser } from '../audit/audit.service.js';
import { readableStoreIds, type UserActor } from '../common/actor.js';
import { DomainException, notFound } from '../common/domain-exception.js';
import { Outbox } from '../common/outbox/outbox.service.js';
import type { OutboxTopics } from '../common/outbox/outbox.types.js';
import { sql } from '../common/sql.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { JobsService } from '../jobs/jobs.service.js';
import { hashFile } from './render/hashed-file.js';
import { ReportEvents } from './report-events.js';
import { approvedStores, CHAIN_PART_ROWS, groupParts, partRowsOf } from './report-parts.js';
import { ReportsRepository, mapReport, type ReportRow } from './reports.repository.js';

export const reportJobId = (reportId: string) => `report-${reportId}`;
export const partJobId = (reportId: string, storeId: string) => `report-${reportId}-${storeId}`;

/**
 * Asking for, listing and downloading reports. Building happens in BullMQ workers, never in the request:
 * the request records the report, its audit entry and an outbox row in one transaction; the outbox
 * relays the job (and the "queued" event) to Redis after the commit, at once or when Redis is back.
 * No request waits on Redis.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly em: EntityManager,
    private readonly repo: ReportsRepository,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
    private readonly events: ReportEvents,
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    outbox.register('report.enqueue.v1', (p) => this.relay(p));
  }

  async request(input: CreateReportInput, actor: UserActor | null): Promise<ReportDto> {
    const em = this.em.fork();
    const row = await em.transactional((tem) => this.createInTx(tem, input, actor));
    if (row.created) await this.enqueueSoon(row.row);
    return mapReport(row.row, await this.repo.files(em, [row.row.id]));
  }

  /**
   * After the commit of `createInTx`: relays the report's outbox row now, in the background. Never
   * waits on Redis and never throws; if Redis is away the row goes when it is back.
   */
  async enqueueSoon(r: ReportRow): Promise<void> {
    this.outbox.kick(r.id);
  }

  /** The outbox's work for a report: tell admin apps it is queued, then queue its job(s). Safe to run again. */
  private async relay(p: OutboxTopics['report.enqueue.v1']) {
    const r = await this.repo.get(this.em.fork(), p.reportId);
    // Gone, or already finished (a row relayed again after its first relay went through): nothing to do.
    if (!r || r.status === 'done' || r.status === 'failed') return;
    if (r.status === 'queued') {
      if (p.replace) {
        // A retry: the failed run's jobs hold the report's job ids; a waiting or running job is kept.
        const job = await this.jobs.getJob('report.build.v1', reportJobId(r.id));
        const state = job ? await job.getState() : null;
        if (state === 'failed' || state === 'completed') await this.jobs.remove('report.build.v1', reportJobId(r.id));
      }
      // Other admin apps learn of the report before its job exists, so never after its first progress.
      await this.events.publish({ reportId: r.id, status: 'queued', progress: 0, error: null, storeIds: r.store_scope }, true);
    }
    await this.enqueue(r);
  }

  /** Records the report (and its audit entry) in the caller's transaction; call enqueueSoon after the commit. */
  async createInTx(tem: EntityManager, input: CreateReportInput, actor: UserActor | null): Promise<{ row: ReportRow; created: boolean }> {
    {
      const r = await this.describe(tem, input, actor);
      // A second click while the same variance report is being built returns that one. Once it is done, asking
      // again builds a fresh copy: the same bytes and SHA-256, which is how an auditor re-proves a file.
      if (r.kind !== 'slow_movers') {
        const [existing] = await sql<ReportRow[]>(tem, `select * from report where kind = ? and stocktake_id = ? and store_id is not distinct from ? and status in ('queued', 'running') order by created_at limit 1`, [r.kind, r.stocktake_id, r.store_id]);
        if (existing) return { row: existing, created: false };
      }
      await this.repo.insert(tem, r);
      await this.outbox.add(tem, 'report.enqueue.v1', { reportId: r.id, replace: false }, r.id);
      await this.audit.record(tem, actor ? { ...fromUser(actor), action: 'report.requested', storeId: r.store_id, subject: r.id, details: { kind: r.kind, stocktakeId: r.stocktake_id } }
        : { actorType: 'system', action: 'report.requested', storeId: r.store_id, subject: r.id, details: { kind: r.kind, stocktakeId: r.stocktake_id } });
      return { row: (await this.repo.get(tem, r.id))!, created: true };
    }
  }

  /** Checks the request against what exists and who asks; returns the row to insert. */
  private async describe(tem: EntityManager, input: CreateReportInput, actor: UserActor | null) {
    const base = { id: randomUUID(), requested_by: actor?.id ?? null, requested_by_name: actor?.name ?? 'system', parts_total: 0 };
    if (input.kind === 'slow_movers') {
      const scope = actor ? readableStoreIds(actor) : null;
      let storeIds: string[] | null = input.storeIds.length ? input.storeIds : scope;
      if (storeIds) {
        const known = await sql<any[]>(tem, `select id from store where id = any(?::uuid[])`, [`{${storeIds.join(',')}}`]);
        if (known.length !== new Set(storeIds).size) throw new DomainException(ErrorCode.UnknownStore, 'Some stores do not exist');
        storeIds = [...new Set(storeIds)].sort();
      }
      const [{ id: watermark }] = await sql<any[]>(tem, `select coalesce(max(id), 0)::text as id from stock_movement`);
      const asOf = new Date().toISOString();
      return {
        ...base, kind: input.kind, title: `Slow movers, ${input.windowDays} days to ${asOf.slice(0, 10)}`, stocktake_id: null, store_id: null,
        store_scope: storeIds, params: { storeIds, windowDays: input.windowDays, maxUnitsSold: input.maxUnitsSold, asOf, watermark },
      };
    }
    const [st] = await sql<any[]>(tem, `select id, name, status, scope from stocktake where id = ?`, [input.stocktakeId]);
    if (!st) throw notFound('Stocktake', input.stocktakeId);
    if (input.kind === 'store_variance') {
      const [ss] = await sql<any[]>(tem, `select ss.status, s.code, s.name from stocktake_store ss join store s on s.id = ss.store_id where ss.stocktake_id = ? and ss.store_id = ?`, [st.id, input.storeId]);
      if (!ss) throw notFound('Store in this stocktake', input.storeId);
      if (ss.status !== 'approved') throw new DomainException(ErrorCode.NotReady, `The count of ${ss.code} is ${ss.status}: a variance report needs it approved`);
      return { ...base, kind: input.kind, title: `Variance ${ss.code} ${ss.name} — ${st.name}`, stocktake_id: st.id, store_id: input.storeId, store_scope: [input.storeId], params: {} };
    }
    if (st.status !== 'done') throw new DomainException(ErrorCode.NotReady, `The stocktake is ${st.status}: the consolidated report runs when every store is approved or cancelled`);
    // One child job per part (runs of consecutive stores of about CHAIN_PART_ROWS lines); the part size is kept with the report.
    const parts = groupParts(await approvedStores(tem, st.id), CHAIN_PART_ROWS);
    return { ...base, kind: input.kind, title: `Consolidated variance — ${st.name}`, stocktake_id: st.id, store_id: null, store_scope: null, params: { partRows: CHAIN_PART_ROWS }, parts_total: parts.length };
  }

  /** Queues a report's job(s); safe to call again (job ids are the report's). */
  async enqueue(r: ReportRow) {
    if (r.kind !== 'chain_variance') {
      await this.jobs.add({ name: 'report.build.v1', reportId: r.id }, { jobId: reportJobId(r.id) });
      return;
    }
    // A part job names the part's first store (for a report queued before parts were grouped: its only store).
    const parts = groupParts(await approvedStores(this.em.fork(), r.stocktake_id!), partRowsOf(r.params));
    await this.jobs.addFlow(
      { payload: { name: 'report.consolidate.v1', reportId: r.id }, jobId: reportJobId(r.id) },
      parts.map((p) => ({ payload: { name: 'report.part.v1' as const, reportId: r.id, storeId: p.key }, jobId: partJobId(r.id, p.key) })),
    );
  }

  /** A failed report is built again from the start (the outbox drops its earlier jobs first). */
  async retry(id: string, actor: UserActor): Promise<ReportDto> {
    const r = await this.visible(id, actor);
    if (r.status !== 'failed') throw new DomainException(ErrorCode.IllegalTransition, `The report is ${r.status}; only a failed report is retried`);
    const em = this.em.fork();
    await em.transactional(async (tem) => {
      if (!(await this.repo.requeue(tem, id))) throw new DomainException(ErrorCode.Conflict, 'The report changed meanwhile');
      await sql(tem, `delete from report_part where report_id = ?`, [id]);
      await this.outbox.add(tem, 'report.enqueue.v1', { reportId: id, replace: true }, id);
      await this.audit.record(tem, { ...fromUser(actor), action: 'report.retried', storeId: r.store_id, subject: id });
    });
    const fresh = (await this.repo.get(em, id))!;
    await this.enqueueSoon(fresh);
    return mapReport(fresh, await this.repo.files(em, [id]));
  }

  async list(q: { stocktakeId?: string; kind?: string }, actor: UserActor): Promise<ReportDto[]> {
    const em = this.em.fork();
    const rows = await this.repo.list(em, { ...q, storeIds: readableStoreIds(actor), limit: 200 });
    const files = await this.repo.files(em, rows.map((r) => r.id));
    return rows.map((r) => mapReport(r, files));
  }

  async get(id: string, actor: UserActor): Promise<ReportDto> {
    const r = await this.visible(id, actor);
    return mapReport(r, await this.repo.files(this.em.fork(), [id]));
  }

  private async visible(id: string, actor: UserActor): Promise<ReportRow> {
    const r = await this.repo.get(this.em.fork(), id);
    if (!r) throw notFound('Report', id);
    const scope = readableStoreIds(actor);
    if (scope && (!r.store_scope || !r.store_scope.every((s) => scope.includes(s)))) throw notFound('Report', id);
    return r;
  }

  /**
   * A download: the file is hashed again and must match the SHA-256 recorded when it was written;
   * the download is audited before the first byte leaves.
   */
  async download(id: string, format: ReportFormat, actor: UserActor): Promise<{ stream: Readable; fileName: string; bytes: number; sha256: string; contentType: string }> {
    const r = await this.visible(id, actor);
    const em = this.em.fork();
    if (r.status !== 'done') throw new DomainException(ErrorCode.NotReady, `The report is ${r.status}: its files are not written yet`);
    const f = await this.repo.file(em, id, format);
    if (!f) throw notFound(`${format.toUpperCase()} file of report`, id);
    const root = resolve(this.config.reportsDir);
    const path = resolve(root, f.path);
    if (!path.startsWith(root + sep)) throw new DomainException(ErrorCode.IntegrityFailed, 'The stored path is outside the reports directory');
    const actual = await hashFile(path).catch(() => null);
    if (!actual || actual.sha256 !== f.sha256) {
      await em.transactional((tem) => this.audit.record(tem, { ...fromUser(actor), action: 'report.integrity_failed', storeId: r.store_id, subject: id, details: { format, expected: f.sha256, actual: actual?.sha256 ?? 'missing' } }));
      throw new DomainException(ErrorCode.IntegrityFailed, actual ? 'The file was altered after it was written: it is not served' : 'The file is missing', { expected: f.sha256, actual: actual?.sha256 ?? null });
    }
    await em.transactional((tem) => this.audit.record(tem, { ...fromUser(actor), action: 'report.downloaded', storeId: r.store_id, subject: id, details: { format, fileName: f.file_name, sha256: f.sha256, bytes: actual.bytes } }));
    const contentType = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', pdf: 'application/pdf' }[format];
    return { stream: createReadStream(path), fileName: f.file_name, bytes: actual.bytes, sha256: f.sha256, contentType };
  }

  /** Reports that are queued or running but whose job is not in Redis (lost enqueue, Redis without its data): queue again. */
  async reconcile(olderThanSeconds: number, onlyIds?: string[]): Promise<number> {
    const em = this.em.fork();
    let queued = 0;
    for (const r of await this.repo.unfinished(em, olderThanSeconds)) {
      if (onlyIds && !onlyIds.includes(r.id)) continue;
      const job = await this.jobs.getJob('report.build.v1', reportJobId(r.id));
      if (job) continue;
      await this.enqueue(r);
      queued++;
    }
    return queued;
  }
}
