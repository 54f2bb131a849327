import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { DesiredReason, TerminalStatus, TillDesired, TillMode, TillState } from '@stockfleet/shared';
import { sql } from '../common/sql.js';
import { mapTerminalRow, TERMINAL_COLUMNS } from './fleet.types.js';


export interface StaffRow {
  id: string;
  name: string;
}

/** What the handshake needs of a till, looked up by the hash of its device token. */
export interface TillIdentityRow {
  id: string;
  store_id: string;
  name: string;
  token_hash: string;
  revoked_at: Date | null;
}

/** A till's desired state as stored (what `desiredFromRow` turns into till.desired.v1). */
export interface TillDesiredRow {
  id: string;
  desired_mode: TillMode;
  desired_epoch: string | number;
  desired_reason: DesiredReason & { graceSeconds?: number };
  desired_since: Date | string;
}

/** A connecting till: its desired state and the clock offset last measured. */
export interface TillConnectRow extends TillDesiredRow {
  clock_offset_ms: number | null;
}

/** A heartbeat's write: the desired state and what was last stored of the till's reports. */
export interface TillHeartbeatRow extends TillDesiredRow {
  reported_mode: TillMode | null;
  reported_epoch: string | number | null;
  reported_state: Partial<TillState> | null;
}

/** A stored report, as stored. */
export interface TillReportedRow {
  id: string;
  reported_mode: TillMode;
  reported_epoch: string | number;
}

const DESIRED_COLUMNS = 't.id, t.desired_mode, t.desired_epoch, t.desired_reason, t.desired_since';
const uuidArray = (ids: string[]) => `{${ids.join(',')}}`;

/** All SQL about tills lives here. */
@Injectable()
export class FleetRepository {
  constructor(private readonly em: EntityManager) {}

  async byTokenHash(hash: string) {
    const [row] = await sql(this.em, `select ${TERMINAL_COLUMNS} from terminal t where t.token_hash = ?`, [hash]);
    return row as any | undefined;
  }

  /** The tills whose device tokens hash to these (one statement for a whole burst of handshakes). */
  byTokenHashes(hashes: string[]): Promise<TillIdentityRow[]> {
    if (!hashes.length) return Promise.resolve([]);
    return sql<TillIdentityRow[]>(this.em, `select t.id, t.store_id, t.name, t.token_hash, t.revoked_at from terminal t where t.token_hash = any(?::text[])`,
      [`{${hashes.join(',')}}`]);
  }

  /** The enabled staff member of this store whose PIN or badge hashes to `hash`. */
  async staffByCredential(storeId: string, kind: 'pin' | 'badge', hash: string): Promise<StaffRow | undefined> {
    const column = kind === 'pin' ? 'pin_hash' : 'badge_hash';
    const [row] = await sql<StaffRow[]>(this.em, `select id, name from staff_member where store_id = ? and ${column} = ? and disabled_at is null`, [storeId, hash]);
    return row;
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

  /** These tills' statuses (only those of `storeIds`, when given). */
  async status(ids: string[], storeIds: string[] | null = null): Promise<TerminalStatus[]> {
    if (!ids.length || storeIds?.length === 0) return [];
    const rows = await sql(this.em, `select ${TERMINAL_COLUMNS} from terminal t where t.id = any(?::uuid[]) ${storeIds ? 'and t.store_id = any(?::uuid[])' : ''}`,
      [`{${ids.join(',')}}`, ...(storeIds ? [`{${storeIds.join(',')}}`] : [])]);
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
  setDesired(em: EntityManager, ids: string[], mode: TillMode, reason: DesiredReason & { graceSeconds?: number }, remoteLocked?: boolean): Promise<TillDesired[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.updateDesired(em, `select id from terminal where id = any(?::uuid[])`, [`{${ids.join(',')}}`], mode, reason, remoteLocked);
  }

  /**
   * Moves every active till of these stores (or only the drill tills of a practice count) to a mode with
   * a fresh epoch, in one statement. Runs in the caller's transaction.
   */
  steerStores(em: EntityManager, storeIds: string[], onlyTills: string[], mode: TillMode, reason: DesiredReason & { graceSeconds?: number }): Promise<TillDesired[]> {
    if (!storeIds.length) return Promise.resolve([]);
    const only = onlyTills.length ? 'and id = any(?::uuid[])' : '';
    return this.updateDesired(em, `select id from terminal where store_id = any(?::uuid[]) and token_hash is not null and revoked_at is null ${only}`,
      [`{${storeIds.join(',')}}`, ...(onlyTills.length ? [`{${onlyTills.join(',')}}`] : [])], mode, reason);
  }

  /** The tills `select` picks, locked in id order (as every multi-till write), get the new desired state. */
  private async updateDesired(em: EntityManager, select: string, params: unknown[], mode: TillMode, reason: DesiredReason & { graceSeconds?: number }, remoteLocked?: boolean): Promise<TillDesired[]> {
    const rows = await sql(
      em,
      `with l as (${select} order by id for update)
       update terminal set desired_mode = ?, desired_epoch = desired_epoch + 1, desired_reason = ?::jsonb, desired_since = now()
         ${remoteLocked === undefined ? '' : ', remote_locked = ' + (remoteLocked ? 'true' : 'false')}
        where id in (select id from l) returning id, desired_epoch, desired_since`, // desired_since: now(), one value for all
      [...params, mode, JSON.stringify(reason)],
    );
    // Mode, reason and time (now() of the transaction) are the same for every till: not read back 10,000 times.
    if (!rows.length) return [];
    const since = new Date(rows[0].desired_since).toISOString();
    const graceSeconds = reason.graceSeconds ?? 0;
    return rows.map((r: any): TillDesired => ({ terminalId: r.id, mode, epoch: Number(r.desired_epoch), since, reason, graceSeconds }));
  }

  async markConnected(id: string, online: boolean) {
    await sql(this.em, `update terminal set online = ?, last_seen_at = now() where id = ?`, [online, id]);
  }

  /**
   * Tills that just connected, in one statement: marked online, and their desired states read back
   * (what the hub pushes on connect). Rows are locked in id order, as every multi-till write does.
   */
  markConnectedMany(ids: string[]): Promise<TillConnectRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return sql<TillConnectRow[]>(
      this.em,
      `with l as (select id from terminal where id = any(?::uuid[]) order by id for update)
       update terminal t set online = true, last_seen_at = now() where t.id in (select id from l)
       returning ${DESIRED_COLUMNS}, t.clock_offset_ms::float8 as clock_offset_ms`,
      [uuidArray([...new Set(ids)])],
    );
  }

  /** Tills whose last socket closed, in one statement. */
  async markDisconnectedMany(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await sql(
      this.em,
      `with l as (select id from terminal where id = any(?::uuid[]) order by id for update)
       update terminal t set online = false, last_seen_at = now() where t.id in (select id from l)`,
      [uuidArray([...new Set(ids)])],
    );
  }

  /**
   * Many tills' reports in one statement (a till reported twice keeps its last report); returns the rows
   * written, with the mode and epoch as stored. A report with `expect` (a heartbeat's repair) is written
   * only while the stored mode and epoch are still those it saw.
   */
  async saveReportedMany(items: Array<{ id: string; state: TillState; expect?: { mode: TillMode | null; epoch: number | null } | null }>): Promise<TillReportedRow[]> {
    const last = new Map<string, { state: TillState; expect: { mode: TillMode | null; epoch: number | null } | null }>();
    for (const i of items) last.set(i.id, { state: i.state, expect: i.expect ?? null });
    if (!last.size) return [];
    const rows = [...last].map(([id, { state, expect }]) => ({
      id, mode: state.mode, epoch: state.epoch, state, cas: expect !== null, exp_mode: expect?.mode ?? null, exp_epoch: expect?.epoch ?? null,
    }));
    // Rows are locked in id order first, as every multi-till write does, so two of them never deadlock.
    return sql<TillReportedRow[]>(
      this.em,
      `with x as (select * from jsonb_to_recordset(?::jsonb) as x(id uuid, mode text, epoch bigint, state jsonb, cas boolean, exp_mode text, exp_epoch bigint)),
            l as (select t.id from terminal t where t.id in (select id from x) order by t.id for update)
       update terminal t set reported_mode = x.mode, reported_epoch = x.epoch, reported_state = x.state, last_seen_at = now(), online = true
         from x where t.id = x.id and t.id in (select id from l)
          and (not x.cas or (t.reported_mode is not distinct from x.exp_mode and t.reported_epoch is not distinct from x.exp_epoch))
       returning t.id, t.reported_mode, t.reported_epoch`,
      [JSON.stringify(rows)],
    );
  }

  /**
   * Many heartbeats in one statement (a clock sample only where one was measured); returns each till's
   * desired state and what was last stored of its reports.
   */
  saveClockMany(items: Array<{ id: string; offsetMs: number | null; rttMs: number | null }>): Promise<TillHeartbeatRow[]> {
    if (!items.length) return Promise.resolve([]);
    const last = new Map<string, { id: string; offset: number | null; rtt: number | null }>();
    for (const i of items) {
      const prev = last.get(i.id);
      // A till that beat twice keeps its last measured sample.
      last.set(i.id, { id: i.id, offset: i.offsetMs ?? prev?.offset ?? null, rtt: i.offsetMs === null ? (prev?.rtt ?? null) : i.rttMs });
    }
    return sql<TillHeartbeatRow[]>(
      this.em,
      `with x as (select * from jsonb_to_recordset(?::jsonb) as x(id uuid, "offset" bigint, rtt int)),
            l as (select t.id from terminal t where t.id in (select id from x) order by t.id for update)
       update terminal t set last_seen_at = now(), online = true,
              clock_offset_ms = coalesce(x."offset", t.clock_offset_ms), rtt_ms = case when x."offset" is null then t.rtt_ms else x.rtt end
         from x where t.id = x.id and t.id in (select id from l)
       returning ${DESIRED_COLUMNS}, t.reported_mode, t.reported_epoch, t.reported_state`,
      [JSON.stringify([...last.values()])],
    );
  }

  /** Records a heartbeat; returns the till's desired state and the epoch it last reported applying. */
  async saveClock(id: string, offsetMs: number | null, rttMs: number | null) {
    const [row] = await sql(
      this.em,
      `update terminal set last_seen_at = now(), online = true ${offsetMs === null ? '' : ', clock_offset_ms = ?, rtt_ms = ?'} where id = ?
       returning id, desired_mode, desired_epoch, desired_reason, desired_since, reported_epoch`,
      offsetMs === null ? [id] : [offsetMs, rttMs, id],
    );
    return row as any | undefined;
  }
}
