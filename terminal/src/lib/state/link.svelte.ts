import {
  backoffDelay,
  StateReporter,
  TILL_RECONNECT_BACKOFF,
  TillCommandV1,
  TillDesiredV1,
  type TillCommand,
  type TillDesired,
  type TillModeEpoch,
  type TillState,
} from '@stockfleet/shared';
import { HeartbeatClock } from '../realtime/clock.js';
import { connectErrorCode, createTillSocket, FATAL_CONNECT_CODES, reportOutcome, TillEmitter, type TillSocket } from '../realtime/till-socket.js';

/**
 * `connecting`: a first connection, or a reconnection after a drop, is under way; `offline`: the hub
 * could not be reached (or the network is down) — the socket keeps retrying in the background.
 */
export type LinkStatus = 'offline' | 'connecting' | 'online';

export interface LinkHandlers {
  onConnect(): void;
  onDisconnect(): void;
  onDesired(desired: TillDesired): void;
  /** Carries out a remote command; resolves to `done`. */
  onCommand(command: TillCommand): Promise<boolean>;
  /** The hub revoked this till (event or refused connection): wipe the token. */
  onRevoked(): void;
  /** stocktake.tasks.v1: recount tasks and progress of the stocktake the till's store is in. */
  onTasks?(payload: unknown): void;
}

export const HEARTBEAT_MS = 10_000;

/**
 * The socket to the hub: connection status, heartbeats with clock offset, and the hub's events. The
 * till's state is kept pending until the hub acknowledges it stored, and sent again (jittered, capped
 * backoff) until it is; heartbeats carry the applied mode and epoch so the hub can repair a lost report.
 */
export class HubLink {
  status = $state<LinkStatus>('offline');
  offsetMs = $state<number | null>(null);
  rttMs = $state<number | null>(null);
  lastError = $state<string | null>(null);
  emitter = $state.raw<TillEmitter | null>(null);
  /** The mode and epoch the hub wants this till in, from the last heartbeat answer. */
  hubDesired = $state<TillModeEpoch | null>(null);
  /** True while the latest state has not been acknowledged as stored by the hub. */
  statePending = $state(false);

  #socket: TillSocket | null = null;
  #clock = new HeartbeatClock();
  #heartbeat: ReturnType<typeof setInterval> | null = null;
  #retries = 0;
  #reporter = new StateReporter<TillState>({
    connected: () => this.#socket?.connected === true,
    send: async (state) => {
      const emitter = this.emitter;
      if (!emitter?.connected) return 'retry';
      try {
        return reportOutcome(await emitter.state(state));
      } catch {
        return reportOutcome(null);
      }
    },
    changed: () => (this.statePending = this.#reporter.pending),
  });

  constructor(private readonly handlers: LinkHandlers) {}

  get online(): boolean {
    return this.status === 'online';
  }

  connect(token: string): void {
    this.disconnect();
    const socket = createTillSocket(token);
    this.#socket = socket;
    this.emitter = new TillEmitter(socket);
    this.status = 'connecting';

    socket.on('connect', () => {
      this.status = 'online';
      this.lastError = null;
      this.#retries = 0;
      this.#reporter.connectedNow();
      this.#startHeartbeat();
      this.handlers.onConnect();
    });
    socket.on('disconnect', (reason) => {
      this.status = socket.active ? 'connecting' : 'offline';
      this.lastError = reason;
      this.#stopHeartbeat();
      this.#reporter.disconnectedNow();
      this.handlers.onDisconnect();
      // The hub dropped us on purpose (restart, revocation): socket.io does not retry by itself then.
      // Try again; a revoked till learns it from the connect_error and goes back to pairing.
      if (reason === 'io server disconnect') this.#retryLater(socket);
    });
    socket.on('connect_error', (err) => {
      const code = connectErrorCode(err);
      this.lastError = code ?? err.message;
      if (code && FATAL_CONNECT_CODES.has(code)) {
        this.disconnect();
        this.handlers.onRevoked();
        return;
      }
      // The hub cannot be reached (or refused us for now): that is "offline" for the people at the
      // till, even while socket.io keeps retrying in the background (socket.active).
      this.status = 'offline';
      if (!socket.active) this.#retryLater(socket);
    });
    socket.on('till.desired.v1', (payload) => {
      const parsed = TillDesiredV1.safeParse(payload);
      if (!parsed.success) {
        console.warn('[link] malformed till.desired.v1', parsed.error.issues);
        return;
      }
      this.handlers.onDesired(parsed.data);
      // Told again what it has already applied: the hub may not have our report; send it again.
      const latest = this.#reporter.latest;
      if (latest && parsed.data.epoch <= latest.epoch) this.#reporter.resend();
    });
    socket.on('till.command.v1', (payload, ack) => {
      const parsed = TillCommandV1.safeParse(payload);
      if (!parsed.success) {
        ack?.({ ok: false, error: { code: 'VALIDATION_FAILED', message: 'malformed command', details: parsed.error.issues } });
        return;
      }
      this.handlers
        .onCommand(parsed.data)
        .then((done) => ack?.({ ok: true, data: { commandId: parsed.data.id, done } }))
        .catch((err: unknown) =>
          ack?.({ ok: false, error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) } }),
        );
    });
    socket.on('stocktake.tasks.v1', (payload) => this.handlers.onTasks?.(payload));
    socket.on('till.revoked.v1', () => {
      this.disconnect();
      this.handlers.onRevoked();
    });
    socket.connect();
  }

  /** Connects again after a jittered, capped delay (the whole fleet was dropped at once: spread out). */
  #retryLater(socket: TillSocket): void {
    const ms = backoffDelay(this.#retries++, TILL_RECONNECT_BACKOFF);
    setTimeout(() => {
      if (this.#socket === socket && !socket.connected) {
        this.status = 'connecting';
        socket.connect();
      }
    }, ms);
  }

  disconnect(): void {
    this.#stopHeartbeat();
    this.#reporter.disconnectedNow();
    const s = this.#socket;
    this.#socket = null;
    this.emitter = null;
    if (s) {
      s.removeAllListeners();
      s.disconnect();
    }
    this.status = 'offline';
  }

  /**
   * Reports the till's state: kept pending until the hub acknowledges it stored, sent again until it is
   * (a newer state replaces an older pending one). `force` sends it even if it was acknowledged.
   * Also offline: it goes out on the next connect.
   */
  sendState(state: TillState, force = false): void {
    this.#reporter.report(state, force);
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    void this.#beat();
    this.#heartbeat = setInterval(() => void this.#beat(), HEARTBEAT_MS);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  async #beat(): Promise<void> {
    const emitter = this.emitter;
    if (!emitter?.connected) return;
    const latest = this.#reporter.latest;
    const hb = { ...this.#clock.next(Date.now()), ...(latest ? { state: { mode: latest.mode, epoch: latest.epoch } } : {}) };
    try {
      const ack = await emitter.heartbeat(hb);
      if (ack.ok) {
        this.#clock.record(hb.sentAt, ack.data.hubAt, Date.now());
        this.offsetMs = this.#clock.offsetMs;
        this.rttMs = this.#clock.rttMs;
        this.hubDesired = ack.data.desired ?? null;
      } else {
        this.#clock.lost();
      }
    } catch {
      this.#clock.lost();
    }
  }
}
