import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { DesiredReason, TerminalStatus, TillDesired, TillMode, TillState } from '@stockfleet/shared';
import { sql } from '../common/sql.js';
import { mapTerminalRow, TERMINAL_COLUMNS } from './fleet.types.js';


/** All SQL about tills lives here. */
@Injectable()
export class FleetRepository {
  constructor(private readonly em: EntityManager) {}

  async byTokenHash(hash: string) {
    const [row] = await sql(this.em, `select ${TERMINAL_COLUMNS} from terminal t where t.token_hash = ?`, [hash]);
    return row as any | undefined;
  }

  async list(storeIds: string[] | null, storeId?: string): Promise<TerminalStatus[]> {
    const where: string[] = ['true'];
    const params: unknown[] = [];
    if (storeIds) { where.push('t.store_id = any(?::uuid[])'); params.push(`{${storeIds.join(',')}}`); }
    if (storeId) { where.push('t.store_id = ?'); params.push(storeId); }
    const rows = await sql(this.em, `select ${TERMINAL_COLUMNS} from terminal t where ${where.join(' and ')} order by t.name`, params);
    return rows.map(mapTerminalRow);
  }

  async get(em: EntityManager, id: string, forUpdate = false) {
    const [row] = await sql(em, `select ${TERMINAL_COLUMNS} from terminal t where t.id = ? ${forUpdate ? 'for update' : ''}`, [id]);
    return row as any | undefined;
  }

  async status(ids: string[]): Promise<TerminalStatus[]> {
    if (!ids.length) return [];
    const rows = await sql(this.em, `select ${TERMINAL_COLUMNS} from terminal t where t.id = any(?::uuid[])`, [`{${ids.join(',')}}`]);
    return rows.map(mapTerminalRow);
  }

  desiredFromRow(r: any): TillDesired {
    return {
      terminalId: r.id,
      mode: r.desired_mode,
      epoch: Number(r.desired_epoch),
      since: new Date(r.desired_since).toISOString(),
      reason: r.desired_reason,
      graceSeconds: r.desired_reason?.graceSeconds ?? 0,
    };
  }

  /** Moves tills to a mode with a fresh epoch; returns their new desired states. Runs in the caller's transaction. */
  async setDesired(em: EntityManager, ids: string[], mode: TillMode, reason: DesiredReason & { graceSeconds?: number }, remoteLocked?: boolean): Promise<TillDesired[]> {
    if (!ids.length) return [];
    const rows = await sql(
      em,
      `update terminal set desired_mode = ?, desired_epoch = desired_epoch + 1, desired_reason = ?::jsonb, desired_since = now()
         ${remoteLocked === undefined ? '' : ', remote_locked = ' + (remoteLocked ? 'true' : 'false')}
        where id = any(?::uuid[]) returning id, desired_mode, desired_epoch, desired_reason, desired_since`,
      [mode, JSON.stringify(reason), `{${ids.join(',')}}`],
    );
    return rows.map((r: any) => this.desiredFromRow(r));
  }

  async markConnected(id: string, online: boolean) {
    await sql(this.em, `update terminal set online = ?, last_seen_at = now() where id = ?`, [online, id]);
  }

  async saveReported(id: string, s: TillState) {
    await sql(this.em, `update terminal set reported_mode = ?, reported_epoch = ?, reported_state = ?::jsonb, last_seen_at = now(), online = true where id = ?`, [
      s.mode, s.epoch, JSON.stringify(s), id,
    ]);
  }

  async saveClock(id: string, offsetMs: number | null, rttMs: number | null) {
    await sql(
      this.em,
      `update terminal set last_seen_at = now(), online = true ${offsetMs === null ? '' : ', clock_offset_ms = ?, rtt_ms = ?'} where id = ?`,
      offsetMs === null ? [id] : [offsetMs, rttMs, id],
    );
  }
}
