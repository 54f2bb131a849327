import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.factory.js';
import { runMain } from './common/run-main.js';
import { resolveRedis } from './common/redis/local-redis.js';
import { hubBaseUrl, loadConfig } from './config/config.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { migrate } from './database/migrate.js';
import { ormConfig } from './database/mikro-orm.config.js';
import { isEmpty, seedDemo, type DemoCredentials } from './database/seed/demo-seed.js';

const LISTEN_BACKLOG = Number(process.env.LISTEN_BACKLOG) || 8192;

/**
 * The hub process. `--migrate` applies migrations first (npm start does; with an embedded database
 * it must, since only this process can open PGlite's data directory).
 */
async function main() {
  const config = loadConfig();
  const stops: Array<() => Promise<void>> = [];
  const say = (s: string) => process.stdout.write(s + '\n');

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    say(`Starting the embedded PostgreSQL (PGlite) under ${join(config.dataDir, 'pg')} …`);
    const pg = await startEmbeddedPostgres(config.dataDir, 1);
    databaseUrl = pg.url;
    config.dbPoolMax = 1; // PGlite runs one transaction at a time
    stops.push(() => pg.stop());
  }
  const redis = await resolveRedis(config.redisUrl, config.dataDir);
  stops.unshift(() => redis.stop());

  if (process.argv.includes('--migrate')) {
    const applied = await migrate(databaseUrl);
    if (applied.length) say(`Applied migrations: ${applied.join(', ')}`);
  }

  const orm = await MikroORM.init(ormConfig({ clientUrl: databaseUrl, poolMax: 1 }));
  try {
    const em = orm.em.fork();
    if (config.demoSeed !== false && (await isEmpty(em))) {
      say('Empty database: seeding the demo chain (6 stores, 2,000 products) …');
      printCredentials(await seedDemo(em, config.sessionSecret), config.dataDir, say);
    }
  } finally {
    await orm.close(true);
  }

  const app = await createApp(config, { databaseUrl, redisUrl: redis.url });
  // The listen backlog: after a restart every till of the fleet connects within a couple of seconds, and
  // Node's default (511) lets the kernel drop SYNs the tills only retry 1, 3, 7 s later. The kernel caps
  // it at net.core.somaxconn (4096 on current kernels; raise it where the hub is deployed).
  // Nest forwards extra arguments to http.Server#listen (port, host, backlog); its type names only a callback.
  const listen = app.listen.bind(app) as unknown as (port: number, host: string, backlog: number) => Promise<unknown>;
  await listen(config.port, config.host, LISTEN_BACKLOG);
  const base = hubBaseUrl(config, config.port);
  say('');
  say('Stockfleet hub is running.');
  say(`  Admin app:   ${base}/`);
  say(`  Till app:    ${base}/till/   (pair it with an enrolment code from Admin → Fleet)`);
  say(`  API docs:    ${base}/api/docs`);
  say(`  Readiness:   ${base}/readyz`);
  say('Press Ctrl-C to stop.');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping …`);
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close().catch(() => {});
    for (const stop of stops) await stop().catch(() => {});
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function printCredentials(creds: DemoCredentials, dataDir: string, say: (s: string) => void) {
  const lines = [
    'Demo sign-ins (shown once; also saved to data/demo-credentials.txt):',
    ...creds.users.map((u) => `  ${u.role.padEnd(8)} ${u.email.padEnd(26)} password ${u.password}   stores: ${u.stores}`),
    'Till staff PINs:',
    ...creds.staff.map((s) => `  ${s.store}  ${s.name.padEnd(12)} PIN ${s.pin}`),
  ];
  lines.forEach(say);
  writeFileSync(join(dataDir, 'demo-credentials.txt'), lines.join('\n') + '\n', { mode: 0o600 });
}

runMain(main);
