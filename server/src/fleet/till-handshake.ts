import { Injectable } from '@nestjs/common';
import type { HubToTillEvents, TillToHubEvents } from '@stockfleet/shared';
import type { Namespace, Socket } from 'socket.io';
import { ClientAddress } from '../common/client-address.js';
import { toDomainException } from '../common/http-exception.filter.js';
import { FleetService } from './fleet.service.js';
import type { TerminalIdentity } from './fleet.types.js';

/** What the hub keeps on a till's socket. */
export interface TillSocketData {
  till: TerminalIdentity;
  clockOffsetMs: number | null;
  /** The till's address under TRUST_PROXY, for the audit log (a device token used from elsewhere shows). */
  address: string | null;
  /** till.state.v1 messages received on this socket: a heartbeat never repairs over a report sent after it. */
  reports?: number;
  /** The connection setup (rooms joined, marked online): the disconnect is written after it. */
  setup?: Promise<unknown>;
}
export type TillSocket = Socket<TillToHubEvents, HubToTillEvents, Record<string, never>, TillSocketData>;
export type TillNamespace = Namespace<TillToHubEvents, HubToTillEvents, Record<string, never>, TillSocketData>;

/**
 * The till namespace's handshake: a socket is let in only with a valid device token, and leaves it
 * with its till on `socket.data`. Every gateway of the namespace declares it in `afterInit`; it is
 * installed once per namespace, whichever gateway initialises first.
 */
@Injectable()
export class TillHandshake {
  private readonly installed = new WeakSet<object>();

  constructor(
    private readonly fleet: FleetService,
    private readonly addresses: ClientAddress,
  ) {}

  install(ns: TillNamespace): void {
    if (this.installed.has(ns)) return;
    this.installed.add(ns);
    ns.use((socket, next) => {
      this.fleet
        .identify((socket.handshake.auth as { token?: unknown } | undefined)?.token)
        .then((till) => {
          socket.data = { till, clockOffsetMs: null, address: this.addresses.of(socket.request) } satisfies TillSocketData;
          next();
        })
        .catch((e: unknown) => {
          const err = toDomainException(e);
          next(Object.assign(new Error(err.message), { data: { code: err.code } }));
        });
    });
  }
}
