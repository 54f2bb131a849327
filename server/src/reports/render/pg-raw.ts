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

/**
 * `COPY (query) TO STDOUT (FORMAT csv)` into a writable (ended when done), in a read-only transaction
 * with `settings` set for it alone; resolves to the number of rows PostgreSQL reports in the COPY's
 * command tag, so nothing needs counting again. A failed COPY may leave the connection mid-stream: it
 * is closed rather than given back to the pool.
 */
export async function copyCsvCounted(client: Client, query: string, out: Writable, settings: Readonly<Record<string, string>> = {}): Promise<number> {
  let stream: ReturnType<typeof copyTo> | undefined;
  try {
    await client.query('begin read only');
    for (const [name, value] of Object.entries(settings)) await client.query('select set_config($1, $2, true)', [name, value]);
    stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT csv)`));
    await pipeline(stream, out);
    // Queued behind the COPY: by the time it answers, the COPY's CommandComplete (its row count) has been read.
    await client.query('commit');
    return stream.rowCount;
  } catch (e) {
    // Closing the socket fails the COPY query once more: that error has nowhere else to go.
    stream?.on('error', () => {});
    (client as any).__knex__disposed = `report COPY failed: ${(e as Error)?.message}`; // the pool drops it
    (client as any).connection?.stream?.destroy();
    throw e;
  }
}

/** Rows of a query through a server-side cursor, a batch at a time. */
export async function* queryRows<T = any>(client: Client, text: string, values: unknown[] = [], batchSize = 2000): AsyncGenerator<T> {
  const stream = client.query(new QueryStream(text, values, { batchSize }));
  for await (const row of stream) yield row as T;
}
