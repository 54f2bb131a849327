import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/database/embedded-postgres';

export { freePort };

/** A hub as its own OS process (the compiled server), so a test can SIGKILL it or run several. */
export class HubProcess {
  child: ChildProcess | null = null;
  log = '';
  constructor(readonly port: number, readonly env: Record<string, string>) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  static async create(env: Record<string, string> = {}) {
    return new HubProcess(await freePort(), {
      DATABASE_URL: process.env.SF_TEST_DATABASE_URL!,
      REDIS_URL: process.env.SF_TEST_REDIS_URL!,
      SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sf-hub-')),
      DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
      ENROL_RATE_LIMIT: '100000',
      NODE_ENV: 'test',
      BULL_PREFIX: `sf-test-${process.env.SF_TEST_RUN_ID}`,
      RUN_WORKERS: 'false',
      ...env,
    });
  }

  async start(): Promise<void> {
    const main = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
    this.child = spawn(process.execPath, [main], { env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d) => (this.log += d));
    this.child.stderr!.on('data', (d) => (this.log += d));
    const end = Date.now() + 30_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`hub exited: ${this.log}`);
      try {
        const res = await fetch(`${this.url}/readyz`);
        if (res.ok) return;
      } catch {
        /* not yet listening */
      }
      if (Date.now() > end) throw new Error(`hub did not become ready: ${this.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** No shutdown hooks, no flush: the process is gone, as after a power cut. */
  kill9(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.child || this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.child || this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}
