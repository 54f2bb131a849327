import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const Bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8480),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Unset: an embedded PostgreSQL (PGlite) under DATA_DIR/pg. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  /** Unset: redis://127.0.0.1:6379, or a private redis-server started under DATA_DIR/redis. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  DEMO_SEED: Bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REPORTS_DIR: z.string().optional(),
  RUN_WORKERS: Bool.default(true),
  PUBLIC_URL: z.url().optional(),
  /** Where the built admin and terminal apps are; defaults to the workspaces' build folders. */
  STATIC_DIR: z.string().optional(),
  COOKIE_SECURE: Bool.default(false),
  DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Redis stream the hub nodes of one deployment share for socket.io (rooms across nodes). */
  SOCKET_STREAM: z.string().min(1).max(200).default('stockfleet:socket.io'),
  /** Key prefix of the BullMQ queues in Redis: deployments (and test runs) sharing a Redis keep apart by it. */
  BULL_PREFIX: z.string().min(1).max(100).regex(/^[A-Za-z0-9:_-]+$/).default('stockfleet'),
  /** Report jobs one worker runs at a time. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** How long a worker's lock on a job lasts without renewal: a crashed worker's job is taken over after about this long. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** How often a worker process re-queues reports whose job went missing (0: never). */
  REPORT_RECONCILE_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
  /** Test hook: pause this long between a report's steps, so tests can kill a worker mid-job. 0 in real use. */
  REPORT_STEP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
});

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  sessionSecret: string;
  sessionTtlHours: number;
  demoSeed: boolean | undefined;
  logLevel: string;
  reportsDir: string;
  runWorkers: boolean;
  publicUrl: string | undefined;
  staticDir: string;
  cookieSecure: boolean;
  dbPoolMax: number;
  socketStream: string;
  bullPrefix: string;
  workerConcurrency: number;
  jobLockMs: number;
  reportStepDelayMs: number;
  reportReconcileSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment once; lists every problem in one message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) {
    throw new ConfigError(['SESSION_SECRET: required in production (32+ random characters)']);
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dataDir,
    sessionSecret: e.SESSION_SECRET ?? localSecret(dataDir),
    sessionTtlHours: e.SESSION_TTL_HOURS,
    demoSeed: e.DEMO_SEED,
    logLevel: e.LOG_LEVEL,
    reportsDir: resolve(e.REPORTS_DIR ?? join(dataDir, 'reports')),
    runWorkers: e.RUN_WORKERS,
    publicUrl: e.PUBLIC_URL,
    staticDir: resolve(e.STATIC_DIR ?? repoRoot()),
    cookieSecure: e.COOKIE_SECURE,
    dbPoolMax: e.DB_POOL_MAX,
    socketStream: e.SOCKET_STREAM,
    bullPrefix: e.BULL_PREFIX,
    workerConcurrency: e.WORKER_CONCURRENCY,
    jobLockMs: e.JOB_LOCK_MS,
    reportStepDelayMs: e.REPORT_STEP_DELAY_MS,
    reportReconcileSeconds: e.REPORT_RECONCILE_SECONDS,
  };
}

/** The repository root (where admin/ and terminal/ live), from src/ or dist/src/ alike. */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'admin')) && existsSync(join(dir, 'terminal'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

/** Outside production a secret is made once and kept under DATA_DIR so restarts keep PINs and links valid. */
function localSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Enrolment attempts per address per minute (read per request so tests and operators can tune it). */
export function enrolRateLimit(): number {
  const n = Number(process.env.ENROL_RATE_LIMIT ?? 30);
  return Number.isFinite(n) && n > 0 ? n : 30;
}
