import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Borrows one pooled driver connection for streaming work (COPY, cursors) and always gives it back. */
export async function withPgClient<T>(em: EntityManager, fn: (client: Client) => Promise<T>): Promise<T> {
  const knex = em.getConnection().getKnex() as any;
  const client: Client = await knex.client.acquireConnection();
  try {
    return await fn(client);
  } finally {
    await knex.client.releaseConnection(client);
  }
}

/** COPY can't bind parameters: ids are checked to be UUIDs before they are written into its SQL. */
export function uuidLiteral(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Error(`not a uuid: ${id}`);
  return `'${id}'::uuid`;
}

/** Streams `COPY (query) TO STDOUT (FORMAT csv)` into a writable without holding rows in memory. */
export async function copyCsv(client: Client, query: string, out: Writable, opts: { header: boolean; end?: boolean }) {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT csv${opts.header ? ', HEADER' : ''})`));
  await pipeline(stream, out, { end: opts.end ?? false });
}

/** Rows of a query through a server-side cursor, a batch at a time. */
export async function* queryRows<T = any>(client: Client, text: string, values: unknown[] = [], batchSize = 2000): AsyncGenerator<T> {
  const stream = client.query(new QueryStream(text, values, { batchSize }));
  for await (const row of stream) yield row as T;
}
