import { io, type Socket } from 'socket.io-client';
import {
  isPermanentRefusal,
  SOCKET_PATH,
  TILL_NAMESPACE,
  TILL_RECONNECT,
  TILL_STATE_RESEND,
  type ReportOutcome,
  type Ack,
  type HubToTillEvents,
  type SaleInput,
  type TillHeartbeat,
  type TillState,
  type TillToHubEvents,
} from '@stockfleet/shared';
import type { z } from 'zod';
import type { CountSubmitAck, CountSubmitV1, SaleSubmitAck, StaffSignInAck, StaffSignInV1, TillHeartbeatAck, TillStateAck } from '@stockfleet/shared';

export type TillSocket = Socket<HubToTillEvents, TillToHubEvents>;

export type HeartbeatAckData = z.output<typeof TillHeartbeatAck>;
export type StateAckData = z.output<typeof TillStateAck>;
export type SignInAckData = z.output<typeof StaffSignInAck>;
export type SaleAckData = z.output<typeof SaleSubmitAck>;
export type SignInPayload = z.input<typeof StaffSignInV1>;
export type CountAckData = z.output<typeof CountSubmitAck>;
export type CountPayload = z.input<typeof CountSubmitV1>;

/** Codes with which the hub refuses a till's connection for good (until it is paired again). */
export const FATAL_CONNECT_CODES = new Set(['TERMINAL_REVOKED', 'DEVICE_TOKEN_INVALID']);

export function createTillSocket(token: string): TillSocket {
  return io(TILL_NAMESPACE, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    auth: { token },
    autoConnect: false,
    // One policy for every till (kiosk, test tills, bench): quick, jittered, capped retries.
    ...TILL_RECONNECT,
  });
}

/** How a till.state.v1 ack (or its absence) ends the attempt: stored, send again, or refused for good. */
export function reportOutcome(ack: Ack<StateAckData> | null): ReportOutcome {
  if (!ack) return 'retry';
  if (ack.ok) return 'stored';
  return (ack.error.permanent ?? isPermanentRefusal(ack.error.code)) ? 'permanent' : 'retry';
}

/** The error code of a connect_error, whether the hub put it in `data.code` or in the message. */
export function connectErrorCode(err: Error & { data?: unknown }): string | null {
  const data = err.data as { code?: unknown; error?: { code?: unknown } } | undefined;
  const code = data?.code ?? data?.error?.code;
  if (typeof code === 'string') return code;
  const m = /\b([A-Z][A-Z_]{3,})\b/.exec(err.message ?? '');
  return m ? m[1] : null;
}

/**
 * Typed wrappers around the till's outgoing events. Every request has a timeout: a till never waits
 * forever on a half-open connection; a timeout is reported as a thrown Error (→ retry).
 */
export class TillEmitter {
  constructor(private readonly socket: TillSocket) {}

  get connected(): boolean {
    return this.socket.connected;
  }

  /** The hub acks once the report is stored; a timeout (no answer) is reported as a thrown Error. */
  state(state: TillState, timeoutMs = TILL_STATE_RESEND.ackTimeoutMs): Promise<Ack<StateAckData>> {
    return this.socket.timeout(timeoutMs).emitWithAck('till.state.v1', state);
  }

  heartbeat(hb: TillHeartbeat, timeoutMs = 5000): Promise<Ack<HeartbeatAckData>> {
    return this.socket.timeout(timeoutMs).emitWithAck('till.heartbeat.v1', hb);
  }

  signIn(payload: SignInPayload, timeoutMs = 8000): Promise<Ack<SignInAckData>> {
    return this.socket.timeout(timeoutMs).emitWithAck('staff.signin.v1', payload);
  }

  submitSale(sale: SaleInput, timeoutMs = 15_000): Promise<Ack<SaleAckData>> {
    return this.socket.timeout(timeoutMs).emitWithAck('sale.submit.v1', sale);
  }

  /** One batch of count entries (≤ 200); the hub acks after commit with a result per entry. */
  submitCount(payload: CountPayload, timeoutMs = 20_000): Promise<Ack<CountAckData>> {
    return this.socket.timeout(timeoutMs).emitWithAck('count.submit.v1', payload as never) as Promise<Ack<CountAckData>>;
  }
}
