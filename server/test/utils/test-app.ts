import 'reflect-metadata';
import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import { loadConfig, type AppConfig } from '../../src/config/config';

export interface TestApp {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
  em: () => EntityManager;
  close: () => Promise<void>;
}

/** Per spec file: jest loads this module afresh for each file. */
const FILE_TAG = randomBytes(4).toString('hex');

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-test-')),
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    DATABASE_URL: process.env.SF_TEST_DATABASE_URL!,
    REDIS_URL: process.env.SF_TEST_REDIS_URL!,
    RUN_WORKERS: 'false',
    // Tests enrol many tills from one address; the limit itself is tested in limits.int-spec.ts.
    ENROL_RATE_LIMIT: '100000',
    // Credential-limit counters of this spec file's hubs only: every file signs in from 127.0.0.1, and
    // one file's failed attempts (a fuzz of the sign-in) must not refuse another's sign-ins.
    LIMITS_PREFIX: `sf-test-${process.env.SF_TEST_RUN_ID}-limits-${FILE_TAG}`,
    // Queues of this run only; the teardown removes them from Redis.
    BULL_PREFIX: `sf-test-${process.env.SF_TEST_RUN_ID}`,
    // Test hubs share one database but not one queue: no hub re-queues another's reports by itself.
    REPORT_RECONCILE_SECONDS: '0',
    // Each app gets its own stream unless a test wants several nodes to share one.
    SOCKET_STREAM: `sf-test:${process.env.SF_TEST_RUN_ID}:${Math.random().toString(36).slice(2)}`,
    ...overrides,
  });
}

/** Boots the real hub on a free port against the run's database and the real Redis. */
export async function bootApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const app = await createApp(config, { databaseUrl: config.databaseUrl!, redisUrl: config.redisUrl! });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  const orm = app.get(MikroORM);
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    em: () => orm.em.fork() as EntityManager,
    close: () => app.close(),
  };
}
