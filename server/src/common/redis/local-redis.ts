import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

export class RedisUnavailableError extends Error {}

const answers = (host: string, port: number, ms = 800) =>
  new Promise<boolean>((resolve) => {
    const sock = createConnection({ host, port });
    const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
    sock.setTimeout(ms, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });

/**
 * REDIS_URL unset: use 127.0.0.1:6379 if something answers there; otherwise start a private
 * redis-server (data under DATA_DIR/redis, stopped with the hub) when one is installed.
 */
export async function resolveRedis(redisUrl: string | undefined, dataDir: string): Promise<LocalRedis> {
  if (redisUrl) return { url: redisUrl, stop: async () => {} };
  if (await answers('127.0.0.1', 6379)) return { url: 'redis://127.0.0.1:6379', stop: async () => {} };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new RedisUnavailableError(
      'Stockfleet needs Redis (for jobs and live updates) and none answers on 127.0.0.1:6379.\n' +
        '  Get one with either:\n' +
        '    apt-get install redis-server      (then run `npm start` again; Stockfleet starts it for you)\n' +
        '    docker compose up -d redis\n' +
        '  or point REDIS_URL at an existing Redis.',
    );
  }
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', '6379', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 50 && !(await answers('127.0.0.1', 6379)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await answers('127.0.0.1', 6379))) throw new RedisUnavailableError('Started redis-server but it does not answer on 127.0.0.1:6379');
  return {
    url: 'redis://127.0.0.1:6379',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
