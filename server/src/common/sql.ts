import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs SQL (knex `?` placeholders) on the caller's EntityManager, inside its transaction when it has one.
 * The one raw-SQL entry point of the hub's repositories.
 */
export const sql = <T = any[]>(em: EntityManager, text: string, params: unknown[] = []): Promise<T> =>
  em.getConnection().execute(text, params, 'all', em.getTransactionContext()) as Promise<T>;
