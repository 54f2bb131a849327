import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuditEventDto, Page } from '@stockfleet/shared';
import type { UserActor } from '../common/actor.js';
import { readableStoreIds } from '../common/actor.js';
import { AuditEvent } from './audit.entities.js';

export interface AuditInput {
  actorType: 'user' | 'terminal' | 'system';
  actorId?: string | null;
  actorName?: string | null;
  action: string;
  storeId?: string | null;
  subject?: string | null;
  details?: unknown;
  ip?: string | null;
}

export const fromUser = (actor: UserActor) => ({
  actorType: 'user' as const,
  actorId: actor.id,
  actorName: actor.email,
  ip: actor.ip,
});

export interface AuditQuery {
  actor?: string;
  action?: string;
  storeId?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

@Injectable()
export class AuditService {
  /** Writes through the caller's EntityManager so the event commits (or not) with the change it describes. */
  async record(em: EntityManager, e: AuditInput): Promise<void> {
    await em.getConnection().execute(
      `insert into audit_event (actor_type, actor_id, actor_name, action, store_id, subject, details, ip)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
      [
        e.actorType,
        e.actorId ?? null,
        e.actorName ?? null,
        e.action,
        e.storeId ?? null,
        e.subject ?? null,
        e.details === undefined ? null : JSON.stringify(e.details),
        e.ip ?? null,
      ],
      'run',
      em.getTransactionContext(),
    );
  }

  /** Many events in one statement (a chain-wide transition), in the caller's transaction. */
  async recordMany(em: EntityManager, events: AuditInput[]): Promise<void> {
    if (!events.length) return;
    const rows = events.map((e) => ({
      actor_type: e.actorType, actor_id: e.actorId ?? null, actor_name: e.actorName ?? null, action: e.action, store_id: e.storeId ?? null,
      subject: e.subject ?? null, details: e.details === undefined ? null : e.details, ip: e.ip ?? null,
    }));
    await em.getConnection().execute(
      `insert into audit_event (actor_type, actor_id, actor_name, action, store_id, subject, details, ip)
       select actor_type, actor_id, actor_name, action, store_id, subject, details, ip
         from jsonb_to_recordset(?::jsonb) as x(actor_type text, actor_id uuid, actor_name text, action text, store_id uuid, subject text, details jsonb, ip text)`,
      [JSON.stringify(rows)],
      'run',
      em.getTransactionContext(),
    );
  }

  async list(em: EntityManager, actor: UserActor, q: AuditQuery): Promise<Page<AuditEventDto>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const scope = readableStoreIds(actor);
    if (scope) {
      // A manager's own entries without a store (sign-in, sign-out) too; entries of other stores never.
      where.push(`(store_id = any(?::uuid[]) or (store_id is null and actor_type = 'user' and actor_id = ?))`);
      params.push(`{${scope.join(',')}}`, actor.id);
    }
    if (q.actor) { where.push(`actor_name ilike ?`); params.push(`%${q.actor}%`); }
    if (q.action) { where.push(`action like ?`); params.push(`${q.action}%`); }
    if (q.storeId) { where.push(`store_id = ?`); params.push(q.storeId); }
    if (q.from) { where.push(`at >= ?`); params.push(q.from); }
    if (q.to) { where.push(`at < ?`); params.push(q.to); }
    const w = where.length ? `where ${where.join(' and ')}` : '';
    const conn = em.getConnection();
    const [{ total }] = await conn.execute<{ total: string }[]>(`select count(*) as total from audit_event ${w}`, params);
    const rows = await conn.execute<AuditEvent[]>(
      `select id, at, actor_type, actor_id, actor_name, action, store_id, subject, details, ip
         from audit_event ${w} order by id desc limit ? offset ?`,
      [...params, q.limit, q.offset],
    );
    return {
      total: Number(total),
      limit: q.limit,
      offset: q.offset,
      items: rows.map((r: any) => ({
        id: String(r.id),
        at: new Date(r.at).toISOString(),
        actorType: r.actor_type,
        actorId: r.actor_id,
        actorName: r.actor_name,
        action: r.action,
        storeId: r.store_id,
        subject: r.subject,
        details: r.details,
        ip: r.ip,
      })),
    };
  }
}
