import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { migrate } from '../database/migrate.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (an embedded database migrates on `npm start`). */
async function run() {
  const config = loadConfig(process.env, { hub: false });
  if (!config.databaseUrl) {
    process.stdout.write('DATABASE_URL is not set: the embedded database is migrated by `npm start` itself.\n');
    return;
  }
  const applied = await migrate(config.databaseUrl);
  process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
}
run().catch((e) => {
  process.stderr.write(`${e?.message ?? e}\n`);
  process.exit(1);
});
