import { MikroORM } from '@mikro-orm/postgresql';
import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Redis } from 'ioredis';

/**
 * Errors of pooled PostgreSQL connections (a backend terminated under an idle connection), handed from
 * the ORM's pool (see `ormConfig`'s `onConnectionError`) to DependencyHealth: one per application.
 */
export class DatabaseConnectionErrors {
  private listener?: (e: Error) => void;
  report = (e: Error) => this.listener?.(e);
  listen(fn: (e: Error) => void) {
    this.listener = fn;
  }
}

/**
 * What the hub depends on, as /readyz names it: PostgreSQL, the main Redis connection (limits, report
 * progress), the BullMQ connections (queue) and the socket.io adapter's connection (other hub nodes).
 */
export const COMPONENTS = ['database', 'redis', 'queue', 'socketAdapter'] as const;
export type Component = (typeof COMPONENTS)[number];

/** The services behind the components: an outage is logged once per service, not once per connection. */
export type Dependency = 'postgresql' | 'redis';
const DEPENDENCY_OF: Record<Component, Dependency> = { database: 'postgresql', redis: 'redis', queue: 'redis', socketAdapter: 'redis' };

export interface ComponentState {
  up: boolean;
  /** When it last went up or down (the process start for a component never seen down). */
  since: Date;
  /** The last error while down; null when up. */
  error: string | null;
}

type ClientState = 'starting' | 'ready' | 'down';

interface Tracked {
  /** Connections watched from their events (ioredis), by name. */
  clients: Map<string, ClientState>;
  /** Set by a failed call (a query that could not reach PostgreSQL), cleared by one that succeeded. */
  failed: boolean;
  since: Date;
  error: string | null;
}

/**
 * Up/down per component, from client events (ioredis `ready`/`close`/`error`) and from failed calls
 * (a query refused for want of a connection). A component is up when none of its connections is down
 * and no failed call is outstanding. Each dependency's outage is one structured warn line when it
 * goes away and one when it is back, with the duration — never one line per failed call.
 *
 * `state()` is the small API for /readyz and /metrics; `onChange` tells e.g. the outbox relay that
 * Redis is back.
 */
@Injectable()
export class DependencyHealth implements OnModuleDestroy {
  private readonly log = new Logger('Dependencies');
  private readonly tracked = new Map<Component, Tracked>();
  private readonly outages = new Map<Dependency, { since: Date; error: string | null }>();
  private readonly listeners = new Set<(component: Component, up: boolean) => void>();
  private probe?: () => Promise<unknown>;
  private probeTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(@Optional() private readonly moduleRef?: ModuleRef, @Optional() dbErrors?: DatabaseConnectionErrors) {
    const now = new Date();
    for (const c of COMPONENTS) this.tracked.set(c, { clients: new Map(), failed: false, since: now, error: null });
    dbErrors?.listen((e) => {
      this.log.debug(`database connection: ${e.message}`);
      this.failed('database', e);
    });
    if (moduleRef) this.probe = () => moduleRef.get(MikroORM, { strict: false }).em.getConnection().execute('select 1');
  }

  state(): Record<Component, ComponentState> {
    const out = {} as Record<Component, ComponentState>;
    for (const c of COMPONENTS) {
      const t = this.tracked.get(c)!;
      const up = this.computeUp(t);
      out[c] = { up, since: t.since, error: up ? null : t.error };
    }
    return out;
  }

  isUp(component: Component): boolean {
    return this.computeUp(this.tracked.get(component)!);
  }

  /** Called with every change of a component's up/down. The listener must not throw. */
  onChange(fn: (component: Component, up: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Watches an ioredis connection: gives it the error listener every connection needs (no
   * "Unhandled error event"), and follows it up and down. Errors go to debug: the outage line says it once.
   */
  watchRedis(component: Component, client: Redis, name: string): Redis {
    const t = this.tracked.get(component)!;
    const key = `${name}#${t.clients.size}`;
    t.clients.set(key, client.status === 'ready' ? 'ready' : 'starting');
    const set = (s: ClientState, error?: string) => {
      if (this.stopping) return;
      const before = this.computeUp(t);
      t.clients.set(key, s);
      if (error) t.error = error;
      this.settle(component, before);
    };
    client.on('ready', () => set('ready'));
    client.on('error', (e: Error) => {
      this.log.debug(`${component} (${name}): ${e.message}`);
      // Failing to connect (also before the first `ready`: the process started while Redis was away) is an outage.
      if (client.status === 'connecting' || client.status === 'reconnecting') set('down', e.message);
      else t.error = e.message;
    });
    // Only a connection that will reconnect: one closed on purpose ends (`end`) instead.
    client.on('reconnecting', () => set('down', t.error ?? 'connection lost'));
    // Closed on purpose (shutdown, a connection no longer used): it no longer counts.
    client.on('end', () => {
      const before = this.computeUp(t);
      t.clients.delete(key);
      if (!this.stopping) this.settle(component, before);
    });
    return client;
  }

  /** A call failed because the component is away (not because of what it asked). */
  failed(component: Component, error: unknown) {
    if (this.stopping) return;
    const t = this.tracked.get(component)!;
    const before = this.computeUp(t);
    t.failed = true;
    t.error = error instanceof Error ? error.message : String(error);
    this.settle(component, before);
    if (component === 'database') this.startProbe();
  }

  /** A call succeeded: clears an outage recorded from failed calls. */
  succeeded(component: Component) {
    const t = this.tracked.get(component)!;
    if (!t.failed) return;
    const before = this.computeUp(t);
    t.failed = false;
    this.settle(component, before);
  }

  /** How to check PostgreSQL while it is marked down (by default a `select 1`); probed every second until it answers. */
  setDatabaseProbe(probe: () => Promise<unknown>) {
    this.probe = probe;
  }

  /** The first shutdown hook: connections closed on purpose from here on are no outage. */
  onModuleDestroy() {
    this.stopping = true;
    clearTimeout(this.probeTimer);
  }

  private startProbe() {
    if (this.probeTimer || !this.probe) return;
    const tick = () => {
      this.probeTimer = undefined;
      if (this.stopping || this.isUp('database')) return;
      this.probe!().then(
        () => this.succeeded('database'),
        (e: unknown) => {
          this.tracked.get('database')!.error = e instanceof Error ? e.message : String(e);
          this.startProbe();
        },
      );
    };
    this.probeTimer = setTimeout(tick, 1000);
    this.probeTimer.unref();
  }

  private computeUp(t: Tracked): boolean {
    if (t.failed) return false;
    for (const s of t.clients.values()) if (s === 'down') return false;
    return true;
  }

  private settle(component: Component, before: boolean) {
    const t = this.tracked.get(component)!;
    const up = this.computeUp(t);
    if (up === before) return;
    t.since = new Date();
    if (up) t.error = null;
    this.logDependency(DEPENDENCY_OF[component]);
    for (const fn of this.listeners) fn(component, up);
  }

  /** One line when the first of a dependency's components goes down, one when the last is back up. */
  private logDependency(dep: Dependency) {
    const components = COMPONENTS.filter((c) => DEPENDENCY_OF[c] === dep);
    const down = components.filter((c) => !this.isUp(c));
    const outage = this.outages.get(dep);
    if (down.length && !outage) {
      const error = this.tracked.get(down[0])!.error;
      this.outages.set(dep, { since: new Date(), error });
      this.log.warn({ event: 'dependency.down', dependency: dep, components: down, error }, `${dep} is unavailable (${down.join(', ')}): ${error ?? 'no connection'}`);
    } else if (!down.length && outage) {
      this.outages.delete(dep);
      const downForMs = Date.now() - outage.since.getTime();
      this.log.warn({ event: 'dependency.up', dependency: dep, downForMs, since: outage.since.toISOString() }, `${dep} is back after ${(downForMs / 1000).toFixed(1)} s`);
    }
  }
}

/** True for an error that says PostgreSQL could not be reached or dropped the connection, not a failed statement. */
export function isDatabaseConnectionError(e: unknown): boolean {
  const err = e as { name?: string; code?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  if (!err || typeof err !== 'object') return false;
  if (err.name === 'ConnectionException') return true;
  const code = typeof err.code === 'string' ? err.code : '';
  // 08xxx connection exceptions; 57P01–57P03 shutdown / cannot connect now; 53300 too many connections.
  if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  const message = typeof err.message === 'string' ? err.message : '';
  if (/Connection terminated|Connection ended unexpectedly|Knex: Timeout acquiring a connection|connect ECONNREFUSED|terminating connection due to administrator command|the database system is (starting up|shutting down)|Client has encountered a connection error/i.test(message)) return true;
  return err.cause !== undefined && err.cause !== e ? isDatabaseConnectionError(err.cause) : false;
}
