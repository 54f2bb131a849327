import { io, type ManagerOptions, type Socket } from 'socket.io-client';
import { hubToTill, type Ack, type HubToTillEvents, type TillDesired, type TillToHubEvents } from '@stockfleet/shared';

/** Every payload a hub sends a test till is parsed with the shared schema of its event; failures land here. */
export const contractViolations: string[] = [];
import { HttpClient } from './http';

export type TillSocket = Socket<HubToTillEvents, TillToHubEvents>;

/** Pairs a till the way the kiosk does: an admin makes a code, the till trades it for a token. */
export async function enrolTill(base: string, admin: HttpClient, storeId: string, name = `Till ${Math.random().toString(36).slice(2, 6)}`) {
  const code = await admin.post('/api/enrolment-codes', { storeId, terminalName: name });
  if (code.status !== 201) throw new Error(`code: ${JSON.stringify(code.body)}`);
  const res = await new HttpClient(base).post('/api/till/enrol', { code: code.body.code });
  if (res.status !== 201) throw new Error(`enrol: ${JSON.stringify(res.body)}`);
  return res.body as { terminalId: string; storeId: string; token: string };
}

/** A real socket.io client speaking the till protocol, recording every desired state it is sent. */
export class TillClient {
  readonly desired: TillDesired[] = [];
  readonly socket: TillSocket;
  private waiters: Array<{ pred: (d: TillDesired) => boolean; resolve: (d: TillDesired) => void }> = [];

  /** `reconnect`: socket.io reconnection options (a test client retries fast unless told the kiosk's policy). */
  constructor(base: string, token: string, reconnect: Pick<Partial<ManagerOptions>, 'reconnectionDelay' | 'reconnectionDelayMax' | 'randomizationFactor'> = { reconnectionDelay: 100, reconnectionDelayMax: 500 }) {
    this.socket = io(`${base}/till`, { path: '/socket.io', transports: ['websocket'], forceNew: true, auth: { token }, reconnection: true, ...reconnect });
    this.socket.onAny((event: string, payload: unknown) => {
      const spec = (hubToTill as Record<string, { payload: { safeParse: (v: unknown) => { success: boolean; error?: unknown } } }>)[event];
      if (!spec) contractViolations.push(`unknown event ${event}`);
      else {
        const r = spec.payload.safeParse(payload);
        if (!r.success) contractViolations.push(`${event}: ${JSON.stringify(r.error)}`);
      }
    });
    this.socket.on('till.desired.v1', (d) => {
      this.desired.push(d);
      this.waiters = this.waiters.filter((w) => (w.pred(d) ? (w.resolve(d), false) : true));
    });
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (e) => reject(e));
    });
  }

  nextDesired(pred: (d: TillDesired) => boolean = () => true, timeoutMs = 10_000): Promise<TillDesired> {
    const have = this.desired.find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching desired state')), timeoutMs);
      this.waiters.push({ pred, resolve: (d) => { clearTimeout(timer); resolve(d); } });
    });
  }

  emit<K extends keyof TillToHubEvents>(event: K, payload: unknown): Promise<Ack<any>> {
    return (this.socket as any).timeout(10_000).emitWithAck(event, payload);
  }

  close() {
    this.socket.disconnect();
  }
}

export function connectError(base: string, token: string | undefined): Promise<{ message: string; code?: string }> {
  return new Promise((resolve) => {
    const s = io(`${base}/till`, { path: '/socket.io', transports: ['websocket'], forceNew: true, auth: token === undefined ? {} : { token }, reconnection: false });
    s.on('connect', () => { s.disconnect(); resolve({ message: 'connected' }); });
    s.on('connect_error', (e: any) => { s.disconnect(); resolve({ message: e.message, code: e.data?.code }); });
  });
}
