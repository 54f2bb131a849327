import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { execSync } from 'node:child_process';
import { join } from 'node:path';

/** One database per test run, migrated once; every test file creates its own rows with factories. */
export default async function globalSetup() {
  if (process.env.SF_TEST_DATABASE_URL) return;
  const adminUrl = process.env.DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `sf_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  process.env.SF_TEST_DATABASE_URL = url.toString();
  process.env.SF_TEST_DATABASE_NAME = name;
  process.env.SF_TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  process.env.SF_TEST_RUN_ID = name;
  // Migrations run compiled, as in production (jest's module mapping does not reach globalSetup).
  const root = join(__dirname, '..', '..');
  execSync('npm run build -w shared && npm run build -w server', { cwd: root, stdio: 'ignore' });
  // In a child process: loading the ORM into jest's parent realm would leak its global metadata into in-band tests.
  const migrateJs = join(root, 'server', 'dist', 'src', 'database', 'migrate.js');
  execSync(`node -e "require(process.argv[1]).migrate(process.argv[2]).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })" ${JSON.stringify(migrateJs)} ${JSON.stringify(url.toString())}`, { cwd: root, stdio: 'inherit' });
}
