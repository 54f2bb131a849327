import { Redis } from 'ioredis';
import { Client } from 'pg';

export default async function globalTeardown() {
  const name = process.env.SF_TEST_DATABASE_NAME;
  if (!name || process.env.SF_KEEP_TEST_DB) return;
  const client = new Client({ connectionString: process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
  // This run's queues and socket streams in the shared Redis.
  const redis = new Redis(process.env.SF_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const pattern of [`sf-test-${name}:*`, `sf-test-${name}-*`, `sf-test:${name}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } catch {
    // Redis gone: nothing to clean.
  } finally {
    redis.disconnect();
  }
  delete process.env.SF_TEST_DATABASE_URL;
}
