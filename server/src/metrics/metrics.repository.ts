import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { sql } from '../common/sql.js';

/** One group of active (paired, not revoked) tills: reported mode × desired mode × online. */
export interface TillGroupRow {
  /** The mode the till last reported; null when it never has. */
  reported_mode: string | null;
  desired_mode: string;
  online: boolean;
  tills: number;
  /** Tills whose reported state is behind or beside their desired one (older epoch, other mode, none reported). */
  diverged: number;
  /** Sum and maximum of the outbox depths the tills last reported. */
  outbox_sum: number;
  outbox_max: number;
  /** Tills whose last report had something in the outbox. */
  outbox_backlogged: number;
}

/** The SQL behind the scrape-time gauges of /metrics: one grouped read of the till table. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * The fleet in a handful of rows. "Online" as the fleet board says it (socket open and a heartbeat in
   * the last 45 s: a killed hub leaves stale flags). One sequential pass over `terminal`, no locks.
   */
  async tillGroups(): Promise<TillGroupRow[]> {
    const rows = await sql<Array<Record<keyof TillGroupRow, unknown>>>(
      this.em.fork(),
      `select t.reported_mode, t.desired_mode,
              (t.online and t.last_seen_at > now() - interval '45 seconds') as online,
              count(*)::int as tills,
              count(*) filter (where t.reported_epoch is null or t.reported_epoch < t.desired_epoch
                                  or t.reported_mode is distinct from t.desired_mode)::int as diverged,
              coalesce(sum(d.depth), 0)::float8 as outbox_sum,
              coalesce(max(d.depth), 0)::float8 as outbox_max,
              count(*) filter (where d.depth > 0)::int as outbox_backlogged
         from terminal t
         cross join lateral (select case when jsonb_typeof(t.reported_state -> 'outboxDepth') = 'number'
                                         then (t.reported_state ->> 'outboxDepth')::numeric end as depth) d
        where t.token_hash is not null and t.revoked_at is null
        group by 1, 2, 3`,
    );
    return rows.map((r) => ({
      reported_mode: typeof r.reported_mode === 'string' ? r.reported_mode : null,
      desired_mode: String(r.desired_mode),
      online: r.online === true,
      tills: Number(r.tills),
      diverged: Number(r.diverged),
      outbox_sum: Number(r.outbox_sum),
      outbox_max: Number(r.outbox_max),
      outbox_backlogged: Number(r.outbox_backlogged),
    }));
  }
}
