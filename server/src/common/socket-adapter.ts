import { Logger, type INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { isObservable, lastValueFrom, type Observable } from 'rxjs';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { ErrorCode, MAX_SOCKET_PAYLOAD_BYTES, SOCKET_PATH } from '@stockfleet/shared';
import { Redis } from 'ioredis';
import type { Namespace, Server, ServerOptions } from 'socket.io';
import { DependencyHealth } from './dependencies/dependency-health.js';
import { socketOriginGuard, type OriginPolicy } from './origin-policy.js';

/**
 * WebSocket transport only (no sticky sessions needed behind a load balancer), bounded payloads,
 * and the Redis Streams adapter so that a room emit or `disconnectSockets` on one hub node reaches
 * sockets held by every other node. Every namespace checks the handshake's origin first; the default
 * namespace `/` serves nobody.
 */
export class HubSocketAdapter extends IoAdapter {
  private readonly redis: Redis;
  private readonly log = new Logger('SocketAdapter');

  constructor(
    app: INestApplicationContext,
    redisUrl: string,
    private readonly streamName: string,
    private readonly origins: OriginPolicy,
  ) {
    super(app);
    // The adapter blocks on XREAD: it needs a connection of its own.
    // It waits for Redis however long it is away (its offline queue holds what this node sends to the
    // others meanwhile, delivered late rather than lost); its errors go to DependencyHealth, never unheard.
    this.redis = new Redis(redisUrl, { connectionName: 'stockfleet:socket-adapter', maxRetriesPerRequest: null });
    let health: DependencyHealth | null = null;
    try {
      health = app.get(DependencyHealth, { strict: false });
    } catch {
      /* an application without it (none today) */
    }
    if (health) health.watchRedis('socketAdapter', this.redis, 'socket-adapter');
    else this.redis.on('error', (e: Error) => this.log.debug(`redis: ${e.message}`));
  }

  createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      transports: ['websocket'],
      maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      serveClient: false,
    });
    server.adapter(createAdapter(this.redis, { streamName: this.streamName, maxLen: 100_000 }));
    // Nothing lives on `/`: an anonymous socket there would still hold a connection and hear broadcasts.
    server.of('/').use((_socket, next) =>
      next(Object.assign(new Error('This hub has no default namespace: use /till or /admin'), { data: { code: ErrorCode.NotFound } })),
    );
    // Runs when a gateway's namespace is created, so before the gateway's own (authenticating) middleware.
    server.on('new_namespace', (ns: Namespace) => ns.use(socketOriginGuard(this.origins)));
    return server;
  }

  /**
   * One plain listener per message instead of Nest's rxjs pipeline per socket and message (fromEvent,
   * mergeMap, takeUntil, share): the same dispatch (guards, pipes and filters live in `callback`), without
   * the subscriptions each held till kept alive or the garbage each message made — 10,000 tills reporting
   * at once made that a large share of the hub's time.
   */
  override bindMessageHandlers(socket: any, handlers: MessageMappingProperties[], _transform: (data: any) => Observable<any>) {
    for (const { message, callback, isAckHandledManually } of handlers as Array<MessageMappingProperties & { isAckHandledManually?: boolean }>) {
      socket.on(message, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
        settle(callback(data, ack)).then(
          (response: any) => {
            if (response === undefined || response === null) return;
            if (response.event) return socket.emit(response.event, response.data);
            if (!isAckHandledManually && typeof ack === 'function') ack(response);
          },
          (err: unknown) => this.log.warn(`socket message ${message} failed: ${(err as Error)?.message ?? err}`),
        );
      });
    }
  }

  async close(server: Server): Promise<void> {
    await super.close(server);
    // The adapter still publishes its goodbye after close() returns; closing our connection under it
    // would fail that publish, so let it settle first.
    setTimeout(() => void this.redis.quit().catch(() => this.redis.disconnect()), 2000).unref();
  }
}

/** A handler's result (value, promise or observable) as a promise of its last value. */
function settle(result: unknown): Promise<unknown> {
  if (isObservable(result)) return lastValueFrom(result, { defaultValue: undefined });
  return Promise.resolve(result);
}
