import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { sql } from '../sql.js';

export interface OutboxRow {
  id: string;
  topic: string;
  key: string | null;
  payload: unknown;
  attempts: number;
}

/** All SQL of the outbox table. */
@Injectable()
export class OutboxRepository {
  /** In the caller's transaction. `holdSeconds`: left to the committing process's own relay that long before a sweep takes it. */
  async insert(em: EntityManager, r: { scope: string; topic: string; key: string | null; payload: unknown; holdSeconds: number }): Promise<void> {
    await sql(em, `insert into outbox (scope, topic, key, payload, available_at) values (?, ?, ?, ?::jsonb, now() + make_interval(secs => ?))`, [r.scope, r.topic, r.key, JSON.stringify(r.payload), r.holdSeconds]);
  }

  /**
   * Takes rows to relay under a lease (several processes relay side by side: a row taken by one is
   * skipped by the others until its lease runs out, e.g. because that process died). With `keys`, those
   * rows whatever their `available_at` (the committing request's own rows); otherwise the rows due.
   */
  async claim(em: EntityManager, q: { scope: string; topics: string[]; keys: string[] | null; limit: number; leaseSeconds: number }): Promise<OutboxRow[]> {
    const due = q.keys ? `key = any(?::text[])` : `available_at <= now()`;
    const params: unknown[] = [q.leaseSeconds, q.scope, `{${q.topics.join(',')}}`];
    if (q.keys) params.push(`{${q.keys.map((k) => `"${k.replace(/["\\]/g, '')}"`).join(',')}}`);
    params.push(q.limit);
    return sql<OutboxRow[]>(
      em,
      `update outbox set locked_until = now() + make_interval(secs => ?), attempts = attempts + 1
        where id in (select id from outbox where scope = ? and topic = any(?::text[]) and (locked_until is null or locked_until < now()) and ${due}
                      order by id limit ? for update skip locked)
        returning id::text as id, topic, key, payload, attempts`,
      params,
    );
  }

  async done(em: EntityManager, id: string): Promise<void> {
    await sql(em, `delete from outbox where id = ?`, [id]);
  }

  async release(em: EntityManager, id: string, retryInSeconds: number, error: string): Promise<void> {
    await sql(em, `update outbox set locked_until = null, available_at = now() + make_interval(secs => ?), last_error = ? where id = ?`, [retryInSeconds, error.slice(0, 2000), id]);
  }

  /** Everything waiting for a retry is due now (the dependency it waited for is back). */
  async dueNow(em: EntityManager, scope: string): Promise<void> {
    await sql(em, `update outbox set available_at = now() where scope = ? and available_at > now() and locked_until is null`, [scope]);
  }

  async depth(em: EntityManager, scope: string): Promise<number> {
    const [r] = await sql<Array<{ n: number }>>(em, `select count(*)::int as n from outbox where scope = ?`, [scope]);
    return r.n;
  }
}
