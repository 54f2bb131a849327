import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import proxyaddr from 'proxy-addr';
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
  /** The address people and tills use to reach the hub: pairing links, and the origin browsers' writes must come from. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Further origins whose pages may write (comma-separated), e.g. a second name of the hub behind another proxy. */
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const out: string[] = [];
      for (const item of (v ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
        const origin = originOf(item);
        if (origin) out.push(origin);
        else ctx.addIssue({ code: 'custom', message: `${item} is not an http(s) origin` });
      }
      return out;
    }),
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
  /** Key prefix of the credential-limit counters in Redis (default BULL_PREFIX): the same on every hub node of a deployment. */
  LIMITS_PREFIX: z.string().min(1).max(100).regex(/^[A-Za-z0-9:_-]+$/).optional(),
  /** Failed enrolment attempts one address may make per minute (counted in Redis, shared by every hub node). */
  ENROL_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /**
   * A bearer token that may read /metrics (Prometheus), besides a signed-in admin. Unset: admins only.
   * A long random secret (e.g. `openssl rand -hex 32`).
   */
  // Empty means unset (docker-compose passes `${METRICS_TOKEN:-}` through).
  METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'must be at least 32 characters').max(512).regex(/^[\x21-\x7e]+$/, 'printable ASCII, no spaces').optional()),
  /**
   * Which peers may say who the client is in X-Forwarded-For: `false` (none: the socket's address), a
   * number of proxy hops, or the proxies' addresses / CIDRs (comma-separated; `loopback`, `linklocal`,
   * `uniquelocal` too). Rate limits and the audit log key on the address this yields.
   */
  TRUST_PROXY: z.string().optional().transform((v, ctx) => {
    const parsed = parseTrustProxy(v);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    return typeof parsed === 'string' ? false : parsed;
  }),
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
  /** Origins (scheme://host[:port]) besides PUBLIC_URL's whose browser pages may make state-changing requests. */
  allowedOrigins: string[];
  staticDir: string;
  cookieSecure: boolean;
  dbPoolMax: number;
  socketStream: string;
  bullPrefix: string;
  limitsPrefix: string;
  enrolRateLimit: number;
  trustProxy: TrustProxy;
  workerConcurrency: number;
  jobLockMs: number;
  reportStepDelayMs: number;
  reportReconcileSeconds: number;
  /** Bearer token Prometheus scrapes /metrics with (undefined: admins' sessions only). */
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads and validates the environment once; lists every problem in one message. `hub: false` for the
 * processes that serve no browser and hand out no links (worker, migrate, create-admin): they do not
 * need PUBLIC_URL.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { hub: boolean } = { hub: true }): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const missing: string[] = [];
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) missing.push('SESSION_SECRET: required in production (32+ random characters)');
  // Without it the hub would have to guess its own address (pairing links, the origin check) from what
  // requests say about it, which anyone can forge.
  if (e.NODE_ENV === 'production' && opts.hub && !e.PUBLIC_URL) missing.push('PUBLIC_URL: required in production (the https:// address tills and browsers use)');
  if (missing.length) throw new ConfigError(missing);
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
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    allowedOrigins: e.ALLOWED_ORIGINS,
    staticDir: resolve(e.STATIC_DIR ?? repoRoot()),
    cookieSecure: e.COOKIE_SECURE,
    dbPoolMax: e.DB_POOL_MAX,
    socketStream: e.SOCKET_STREAM,
    bullPrefix: e.BULL_PREFIX,
    limitsPrefix: e.LIMITS_PREFIX ?? e.BULL_PREFIX,
    enrolRateLimit: e.ENROL_RATE_LIMIT,
    trustProxy: e.TRUST_PROXY,
    workerConcurrency: e.WORKER_CONCURRENCY,
    jobLockMs: e.JOB_LOCK_MS,
    reportStepDelayMs: e.REPORT_STEP_DELAY_MS,
    reportReconcileSeconds: e.REPORT_RECONCILE_SECONDS,
    metricsToken: e.METRICS_TOKEN,
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

/** `scheme://host[:port]` of an http(s) URL as browsers send it in `Origin`; null for anything else. */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * Where the hub says it is, for links it hands out (pairing QR codes, the start-up banner): PUBLIC_URL,
 * else the address it listens on. Never from a request's Host header, which the sender chooses.
 */
export function hubBaseUrl(config: Pick<AppConfig, 'publicUrl' | 'host'>, port: number): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Whom X-Forwarded-For is believed from: nobody, the nearest N hops, or these proxy addresses / CIDRs. */
export type TrustProxy = false | number | string[];

/** TRUST_PROXY as a setting, or why it is not one. `true` (believe anyone) is refused: any client could then pick its address. */
export function parseTrustProxy(raw: string | undefined): TrustProxy | string {
  const v = raw?.trim() ?? '';
  if (v === '' || v === 'false' || v === '0') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops : 'a hop count is at most 10';
  }
  if (v === 'true') return 'true would believe X-Forwarded-For from anyone; give the number of proxy hops or the proxies\' addresses';
  const list = v.split(',').map((x) => x.trim()).filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (e) {
    return `not a list of addresses / CIDRs: ${(e as Error).message}`;
  }
  return list;
}
