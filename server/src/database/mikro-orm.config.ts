import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { join, sep } from 'node:path';
import { ENTITIES } from './entities.js';
import { OrmLogger, RedactingPostgreSqlDriver } from './sql-redaction.js';

export interface DbOptions {
  clientUrl: string;
  poolMax?: number;
  debug?: boolean;
  /** Told of every error of a pooled connection (e.g. PostgreSQL went away under an idle one); errors are handled either way. */
  onConnectionError?: (e: Error) => void;
}

interface PooledConnection {
  on(event: 'error', listener: (e: Error) => void): unknown;
}

/** One place that builds the ORM options, for the hub, the CLI, migrations and tests. */
export function ormConfig(opts: DbOptions): Options {
  // Migrations are authored in TypeScript under src/ and run compiled from dist/.
  const fromSource = __filename.endsWith('.ts');
  const preferTs = fromSource || process.env.MIKRO_ORM_CLI_PREFER_TS === '1';
  const root = __dirname.includes(`${sep}dist${sep}`) ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');
  return defineConfig({
    clientUrl: opts.clientUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    pool: {
      min: 0,
      max: opts.poolMax ?? 10,
      // knex marks a connection that errored as disposed (it is not handed out again); this tells the hub.
      afterCreate: (conn: PooledConnection, done: (err: Error | null, conn: PooledConnection) => void) => {
        conn.on('error', (e) => opts.onConnectionError?.(e));
        done(null, conn);
      },
    },
    // Failed queries' errors carry no values (a password hash in a log line was how we found out).
    driver: RedactingPostgreSqlDriver,
    // knex's own queries (bound parameters) put `$1` in front of an error, not the values.
    driverOptions: { compileSqlOnError: false },
    debug: opts.debug ?? false,
    loggerFactory: (options) => new OrmLogger(options),
    allowGlobalContext: false,
    forceUtcTimezone: true,
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: preferTs ? join(root, 'src', 'database', 'migrations') : join(__dirname, 'migrations'),
      pathTs: join(root, 'src', 'database', 'migrations'),
      glob: preferTs ? '!(*.d).ts' : '!(*.d).js',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
  });
}

// Used by the MikroORM CLI (migration:create); the hub builds its options with ormConfig().
export default ormConfig({ clientUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stockfleet_dev' });
