import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { APP_CONFIG, type AppConfig, type TrustProxy } from '../config/config.js';

/** Whether the peer `hop` steps away (0: the socket's own peer) may speak for the client in X-Forwarded-For. */
export type TrustFn = (address: string, hop: number) => boolean;

export function compileTrust(setting: TrustProxy): TrustFn {
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

/**
 * The client's address under TRUST_PROXY. Express gets the same function as its `trust proxy` (so
 * `req.ip` follows it), and socket handshakes use `of()`: socket.io's own `handshake.address` never
 * reads X-Forwarded-For, which behind a proxy would name the proxy, not the client.
 */
@Injectable()
export class ClientAddress {
  readonly trust: TrustFn;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.trust = compileTrust(config.trustProxy);
  }

  of(req: IncomingMessage): string | null {
    return req.socket?.remoteAddress ? proxyaddr(req, this.trust) : null;
  }
}
