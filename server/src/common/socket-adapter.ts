import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { MAX_SOCKET_PAYLOAD_BYTES, SOCKET_PATH } from '@stockfleet/shared';
import { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * WebSocket transport only (no sticky sessions needed behind a load balancer), bounded payloads,
 * and the Redis Streams adapter so that a room emit or `disconnectSockets` on one hub node reaches
 * sockets held by every other node.
 */
export class HubSocketAdapter extends IoAdapter {
  private readonly redis: Redis;

  constructor(app: INestApplicationContext, redisUrl: string, private readonly streamName: string) {
    super(app);
    // The adapter blocks on XREAD: it needs a connection of its own.
    this.redis = new Redis(redisUrl, { connectionName: 'stockfleet:socket-adapter', maxRetriesPerRequest: null });
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
    return server;
  }

  async close(server: Server): Promise<void> {
    await super.close(server);
    // The adapter still publishes its goodbye after close() returns; closing our connection under it
    // would fail that publish, so let it settle first.
    setTimeout(() => void this.redis.quit().catch(() => this.redis.disconnect()), 2000).unref();
  }
}
