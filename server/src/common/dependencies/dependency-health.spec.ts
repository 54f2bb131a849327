import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { DependencyHealth, isDatabaseConnectionError } from './dependency-health';

class FakeClient extends EventEmitter {
  status = 'connecting';
  set(status: string, event: string, ...args: unknown[]) {
    this.status = status;
    this.emit(event, ...args);
  }
}

describe('DependencyHealth', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const events = () => warn.mock.calls.map((c) => (c[0] as { event: string; dependency: string }));

  it('logs one line when Redis goes away and one when every connection is back, with the duration', () => {
    const h = new DependencyHealth();
    const main = new FakeClient();
    const queue = new FakeClient();
    h.watchRedis('redis', main as unknown as Redis, 'hub');
    h.watchRedis('queue', queue as unknown as Redis, 'producer');
    main.set('ready', 'ready');
    queue.set('ready', 'ready');
    expect(h.state().redis.up).toBe(true);

    for (let i = 0; i < 5; i++) {
      main.set('reconnecting', 'error', new Error('connect ECONNREFUSED'));
      queue.set('reconnecting', 'reconnecting');
      main.set('reconnecting', 'reconnecting');
    }
    expect(h.state()).toMatchObject({ redis: { up: false, error: 'connect ECONNREFUSED' }, queue: { up: false }, database: { up: true } });
    main.set('ready', 'ready');
    expect(h.isUp('redis')).toBe(true);
    expect(events()).toEqual([expect.objectContaining({ event: 'dependency.down', dependency: 'redis' })]);
    queue.set('ready', 'ready');
    expect(events()).toEqual([
      expect.objectContaining({ event: 'dependency.down', dependency: 'redis' }),
      expect.objectContaining({ event: 'dependency.up', dependency: 'redis', downForMs: expect.any(Number) }),
    ]);
  });

  it('counts a connection closed on purpose as gone, not down, and is quiet once shutting down', () => {
    const h = new DependencyHealth();
    const c = new FakeClient();
    h.watchRedis('socketAdapter', c as unknown as Redis, 'adapter');
    c.set('ready', 'ready');
    h.onModuleDestroy();
    c.set('close', 'close');
    c.set('end', 'end');
    expect(h.isUp('socketAdapter')).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('tracks the database from failed and successful calls, and tells listeners', () => {
    const h = new DependencyHealth();
    const seen: Array<[string, boolean]> = [];
    h.onChange((c, up) => seen.push([c, up]));
    h.failed('database', new Error('Connection terminated unexpectedly'));
    h.failed('database', new Error('Connection terminated unexpectedly'));
    expect(h.state().database).toMatchObject({ up: false, error: 'Connection terminated unexpectedly' });
    h.succeeded('database');
    expect(seen).toEqual([['database', false], ['database', true]]);
    expect(events().map((e) => [e.event, e.dependency])).toEqual([['dependency.down', 'postgresql'], ['dependency.up', 'postgresql']]);
    h.onModuleDestroy();
  });

  it('tells a lost connection from a failed statement', () => {
    expect(isDatabaseConnectionError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseConnectionError(new Error('Connection ended unexpectedly'))).toBe(true);
    expect(isDatabaseConnectionError(Object.assign(new Error('x'), { name: 'ConnectionException' }))).toBe(true);
    expect(isDatabaseConnectionError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseConnectionError(null)).toBe(false);
  });
});
