import { IoAdapter } from '@nestjs/platform-socket.io';
import { MAX_SOCKET_PAYLOAD_BYTES, SOCKET_PATH } from '@stockfleet/shared';
import type { Server, ServerOptions } from 'socket.io';

/** WebSocket transport only (no sticky sessions needed behind a load balancer), bounded payloads. */
export class HubSocketAdapter extends IoAdapter {
  createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      path: SOCKET_PATH,
      transports: ['websocket'],
      maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      serveClient: false,
    });
  }
}
