import { Client } from 'pg';

export default async function globalTeardown() {
  const name = process.env.SF_TEST_DATABASE_NAME;
  if (!name || process.env.SF_KEEP_TEST_DB) return;
  const client = new Client({ connectionString: process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.end();
  delete process.env.SF_TEST_DATABASE_URL;
}
