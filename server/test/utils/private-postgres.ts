import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../src/database/embedded-postgres';

const PREFIX = 'sf-pg-';

/**
 * Servers left by a test process that died before its cleanup (a crash, a jest timeout with
 * --forceExit: jest's sandbox does not run our exit hooks): stopped and removed when their owner is gone.
 */
function sweepOrphans() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), name);
    if (ownerAlive(dir)) continue;
    try {
      const postmaster = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (postmaster) process.kill(postmaster, 'SIGQUIT'); // immediate shutdown
    } catch {
      /* not running */
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function ownerAlive(dir: string): boolean {
  try {
    const owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    if (!Number.isInteger(owner) || owner <= 0) return false;
    process.kill(owner, 0);
    return true;
  } catch (e) {
    // EPERM: alive under another user; no owner file yet: just being created by another process.
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EPERM' || (code === 'ENOENT' && Date.now() - statSync(dir).mtimeMs < 60_000);
  }
}

/** Where initdb / pg_ctl live: PG_BIN, else the newest /usr/lib/postgresql/<n>/bin, else $PATH. */
function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  }
  return '';
}

/**
 * initdb and postgres refuse to run as root. As root (the CI machine, this one) they run as the
 * unprivileged `postgres` account the Debian package creates (or PG_TEST_USER), through runuser;
 * as any other user, directly.
 */
function runAs(): { uid: number; gid: number; user: string } | null {
  if (userInfo().uid !== 0) return null;
  const user = process.env.PG_TEST_USER ?? 'postgres';
  try {
    const uid = Number(execFileSync('id', ['-u', user], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
    const gid = Number(execFileSync('id', ['-g', user], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
    return { uid, gid, user };
  } catch {
    throw new Error(`PostgreSQL will not run as root and there is no user "${user}" to run it as: install the postgresql package (it creates one) or set PG_TEST_USER`);
  }
}

/**
 * A PostgreSQL server of the test's own (initdb into a temporary directory, trust authentication,
 * loopback on a free port), so a test may stop it — `-m immediate`, as a crash — and start it again on
 * the same data directory and port without touching the machine's shared server.
 * fsync and full-page writes are off (an immediate stop is a crash of the server processes, not of the
 * machine: the operating system still holds every write, and the server recovers from its WAL as after
 * a real crash). synchronous_commit stays on: off, a commit acknowledged in the last 200 ms would be
 * lost by an immediate stop — exactly what a fault test must be able to see.
 */
export class PrivatePostgres {
  static instances = new Set<PrivatePostgres>();
  readonly dir: string;
  readonly data: string;
  private readonly bin = pgBin();
  private readonly as = runAs();
  private running = false;

  private constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), PREFIX));
    this.data = join(this.dir, 'data');
    writeFileSync(join(this.dir, 'owner.pid'), String(process.pid));
    if (this.as) chownSync(this.dir, this.as.uid, this.as.gid);
  }

  /** initdb + start; ready for connections (`url`, database `postgres`, user `postgres`) when it resolves. */
  static async start(): Promise<PrivatePostgres> {
    sweepOrphans();
    const pg = new PrivatePostgres(await freePort());
    PrivatePostgres.instances.add(pg);
    pg.run('initdb', ['-D', pg.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    await pg.up();
    return pg;
  }

  get url() {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Starts the server on the existing data directory and port; resolves once it accepts connections. */
  async up(): Promise<void> {
    const opts = [
      `-p ${this.port}`, '-c listen_addresses=127.0.0.1', `-c unix_socket_directories=${this.dir}`,
      '-c fsync=off', '-c full_page_writes=off', '-c max_connections=200',
      '-c shared_buffers=64MB', '-c log_min_messages=warning',
    ].join(' ');
    this.run('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'server.log'), '-o', opts, '-w', '-t', '60', 'start']);
    this.running = true;
    await this.waitAnswering();
  }

  /** Stops the server; `immediate` (default) kills it with no checkpoint, as a crash: the next start recovers. */
  async down(mode: 'immediate' | 'fast' = 'immediate'): Promise<void> {
    if (!this.running) return;
    this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', 'stop']);
    this.running = false;
  }

  /** Runs one statement on a fresh connection (survives the server's restarts). */
  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    const c = new Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
    c.on('error', () => {});
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as R[];
    } finally {
      await c.end().catch(() => {});
    }
  }

  /** The server's log (for a failing test's message). */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops the server (immediately) and removes its directory. */
  async cleanup(): Promise<void> {
    this.cleanupSync();
  }

  cleanupSync(): void {
    PrivatePostgres.instances.delete(this);
    try {
      if (this.running) this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      /* already gone */
    }
    this.running = false;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitAnswering(): Promise<void> {
    const end = Date.now() + 30_000;
    for (;;) {
      try {
        await this.query('select 1');
        return;
      } catch (e) {
        if (Date.now() > end) throw new Error(`private postgres did not answer: ${(e as Error).message}\n${this.log()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private run(tool: string, args: string[]): void {
    const exe = this.bin ? join(this.bin, tool) : tool;
    const [cmd, argv] = this.as ? ['runuser', ['-u', this.as.user, '--', exe, ...args]] : [exe, args];
    try {
      execFileSync(cmd, argv, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    } catch (e) {
      const err = e as { stderr?: Buffer; stdout?: Buffer; message: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${err.stderr?.toString() || err.stdout?.toString() || err.message}\n${this.log()}`);
    }
  }
}

// A test process that ends before its afterAll does not leave a postgres running (where the exit hook
// runs at all; sweepOrphans covers the rest on the next start).
process.once('exit', () => {
  for (const pg of [...PrivatePostgres.instances]) pg.cleanupSync();
});
