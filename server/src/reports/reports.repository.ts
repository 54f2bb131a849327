import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { ReportDto, ReportFormat, ReportKind, ReportStatus } from '@stockfleet/shared';
import { sql } from '../common/sql.js';

const iso = (v: string | Date | null | undefined) => (v ? new Date(v).toISOString() : null);

export interface ReportRow {
  id: string;
  kind: ReportKind;
  title: string;
  stocktake_id: string | null;
  store_id: string | null;
  store_scope: string[] | null;
  params: Record<string, any>;
  status: ReportStatus;
  progress: number;
  parts_total: number;
  error: string | null;
  attempts: number;
  requested_by: string | null;
  requested_by_name: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface ReportFileRow {
  report_id: string;
  format: ReportFormat;
  file_name: string;
  path: string;
  bytes: string | number;
  sha256: string;
  rows: string | number;
}

/** All SQL of the reports feature that is not a report's own content. */
@Injectable()
export class ReportsRepository {
  async insert(em: EntityManager, r: Omit<ReportRow, 'status' | 'progress' | 'error' | 'attempts' | 'created_at' | 'started_at' | 'finished_at'>) {
    await sql(
      em,
      `insert into report (id, kind, title, stocktake_id, store_id, store_scope, params, parts_total, requested_by, requested_by_name)
       values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)`,
      [r.id, r.kind, r.title, r.stocktake_id, r.store_id, r.store_scope === null ? null : JSON.stringify(r.store_scope), JSON.stringify(r.params), r.parts_total, r.requested_by, r.requested_by_name],
    );
  }

  async get(em: EntityManager, id: string, lock = false): Promise<ReportRow | undefined> {
    const [row] = await sql<ReportRow[]>(em, `select * from report where id = ?${lock ? ' for update' : ''}`, [id]);
    return row;
  }

  /** Reports a reader may see: null scope = all; a manager sees reports confined to their stores. */
  async list(em: EntityManager, q: { stocktakeId?: string; kind?: string; storeIds: string[] | null; limit: number }): Promise<ReportRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.stocktakeId) { where.push('stocktake_id = ?'); params.push(q.stocktakeId); }
    if (q.kind) { where.push('kind = ?'); params.push(q.kind); }
    if (q.storeIds) { where.push(`store_scope is not null and store_scope <@ ?::jsonb`); params.push(JSON.stringify(q.storeIds)); }
    return sql<ReportRow[]>(em, `select * from report ${where.length ? `where ${where.join(' and ')}` : ''} order by created_at desc, id limit ?`, [...params, q.limit]);
  }

  async files(em: EntityManager, ids: string[]): Promise<ReportFileRow[]> {
    if (!ids.length) return [];
    return sql<ReportFileRow[]>(em, `select * from report_file where report_id = any(?::uuid[]) order by report_id, array_position(array['csv','xlsx','pdf']::text[], format::text)`, [`{${ids.join(',')}}`]);
  }

  async file(em: EntityManager, id: string, format: ReportFormat): Promise<ReportFileRow | undefined> {
    const [row] = await sql<ReportFileRow[]>(em, `select * from report_file where report_id = ? and format = ?`, [id, format]);
    return row;
  }

  /** queued → running (counts the attempt); returns false when the report is already done or gone. */
  async markRunning(em: EntityManager, id: string): Promise<boolean> {
    const rows = await sql(em, `update report set status = 'running', started_at = coalesce(started_at, now()), attempts = attempts + 1, error = null
                                 where id = ? and status <> 'done' returning id`, [id]);
    return rows.length > 0;
  }

  async setProgress(em: EntityManager, id: string, progress: number) {
    await sql(em, `update report set progress = greatest(progress, ?) where id = ? and status = 'running'`, [Math.floor(progress), id]);
  }

  async markFailed(em: EntityManager, id: string, error: string) {
    await sql(em, `update report set status = 'failed', error = ?, finished_at = now() where id = ? and status <> 'done'`, [error.slice(0, 2000), id]);
  }

  async requeue(em: EntityManager, id: string) {
    const rows = await sql(em, `update report set status = 'queued', error = null, progress = 0, finished_at = null where id = ? and status = 'failed' returning id`, [id]);
    return rows.length > 0;
  }

  /** Records a store part once; returns how many parts exist now. */
  async addPart(em: EntityManager, reportId: string, storeId: string, rows: number): Promise<number> {
    await sql(em, `insert into report_part (report_id, store_id, rows) values (?, ?, ?) on conflict do nothing`, [reportId, storeId, rows]);
    const [r] = await sql<any[]>(em, `select count(*)::int as n from report_part where report_id = ?`, [reportId]);
    return r.n;
  }

  async part(em: EntityManager, reportId: string, storeId: string) {
    const [row] = await sql<any[]>(em, `select rows from report_part where report_id = ? and store_id = ?`, [reportId, storeId]);
    return row as { rows: string } | undefined;
  }

  /**
   * Stores a written file. Returns the previous hash when the file was built before (a retried job),
   * so the caller can audit a first write, and flag a rebuild that came out different.
   */
  async saveFile(em: EntityManager, f: { reportId: string; format: ReportFormat; fileName: string; path: string; bytes: number; sha256: string; rows: number }): Promise<{ previous: string | null }> {
    const [prior] = await sql<any[]>(em, `select sha256 from report_file where report_id = ? and format = ?`, [f.reportId, f.format]);
    await sql(
      em,
      `insert into report_file (report_id, format, file_name, path, bytes, sha256, rows) values (?, ?, ?, ?, ?, ?, ?)
       on conflict (report_id, format) do update set file_name = excluded.file_name, path = excluded.path, bytes = excluded.bytes, sha256 = excluded.sha256, rows = excluded.rows`,
      [f.reportId, f.format, f.fileName, f.path, f.bytes, f.sha256, f.rows],
    );
    return { previous: prior?.sha256 ?? null };
  }

  async markDone(em: EntityManager, id: string) {
    await sql(em, `update report set status = 'done', progress = 100, error = null, finished_at = now() where id = ?`, [id]);
  }

  /** Reports that should be in the queue but may not be (a lost enqueue, a Redis that lost its data). */
  async unfinished(em: EntityManager, olderThanSeconds: number): Promise<ReportRow[]> {
    return sql<ReportRow[]>(em, `select * from report where status in ('queued', 'running') and created_at < now() - make_interval(secs => ?) order by created_at limit 100`, [olderThanSeconds]);
  }
}

export function mapReport(r: ReportRow, files: ReportFileRow[]): ReportDto {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    stocktakeId: r.stocktake_id,
    storeId: r.store_id,
    params: r.params ?? {},
    status: r.status,
    progress: r.progress,
    error: r.error,
    requestedBy: r.requested_by_name,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    files: files.filter((f) => f.report_id === r.id).map((f) => ({
      format: f.format,
      fileName: f.file_name,
      bytes: Number(f.bytes),
      sha256: f.sha256,
      rows: Number(f.rows),
      url: `/api/reports/${r.id}/files/${f.format}`,
    })),
  };
}
