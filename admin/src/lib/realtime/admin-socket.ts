import { io, type Socket } from 'socket.io-client';
import {
  ADMIN_NAMESPACE,
  FleetChangedV1,
  LowStockAlertV1,
  ReportProgressV1,
  SOCKET_PATH,
  StocktakeProgressV1,
  type AdminToHubEvents,
  type HubToAdminEvents,
  type TerminalStatus,
} from '@stockfleet/shared';

export type AdminSocket = Socket<HubToAdminEvents, AdminToHubEvents>;

export type StocktakeProgress = Parameters<HubToAdminEvents['stocktake.progress.v1']>[0];

export type LinkStatus = 'connecting' | 'connected' | 'reconnecting' | 'refused';

export interface AdminSocketHandlers {
  /** Every (re)connect: the caller refetches, since events sent while we were away are lost. */
  onConnect(): void;
  onStatus(status: LinkStatus): void;
  onFleetChanged(terminals: TerminalStatus[]): void;
  /** Live progress of one store of a running stocktake (the hub sends about two a second at most). */
  onStocktakeProgress?(progress: StocktakeProgress): void;
  /** The hub refused us (middleware said no): usually the session ended. */
  onRefused(message: string): void;
}

const RETRY_AFTER_REFUSAL_MS = 5000;

/** A low-stock alert of a store the user may see was raised or cleared. */
export type LowStockAlertEvent = LowStockAlertV1;
const lowStockListeners = new Set<(e: LowStockAlertEvent) => void>();

/**
 * Low-stock alert events from whichever admin socket is open (the shell's, one per tab); returns the
 * unsubscribe function. Listeners refetch on reconnect (`Fleet.onConnect`): missed events are not replayed.
 */
export function onLowStockAlert(fn: (e: LowStockAlertEvent) => void): () => void {
  lowStockListeners.add(fn);
  return () => lowStockListeners.delete(fn);
}

/** A report's status or progress moved (admins and auditors: every report; managers: their stores'). */
export type ReportProgressEvent = ReportProgressV1;
const reportProgressListeners = new Set<(e: ReportProgressEvent) => void>();

/**
 * Report progress from whichever admin socket is open; returns the unsubscribe function. Missed events
 * are not replayed: listeners refetch on reconnect (`Fleet.onConnect`).
 */
export function onReportProgress(fn: (e: ReportProgressEvent) => void): () => void {
  reportProgressListeners.add(fn);
  return () => reportProgressListeners.delete(fn);
}

/**
 * The typed `/admin` socket. socket.io reconnects by itself after a transport loss (hub restart);
 * after a refusal by the hub's middleware it does not, so we retry on a timer.
 */
export function connectAdminSocket(h: AdminSocketHandlers): { close(): void } {
  const socket: AdminSocket = io(ADMIN_NAMESPACE, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    withCredentials: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | null = null;

  h.onStatus('connecting');
  socket.on('connect', () => {
    h.onStatus('connected');
    h.onConnect();
  });
  socket.on('disconnect', (reason) => {
    if (closed) return;
    // "io server disconnect": the hub dropped us on purpose; socket.io won't come back by itself.
    if (reason === 'io server disconnect') {
      h.onStatus('refused');
      scheduleRetry();
    } else {
      h.onStatus('reconnecting');
    }
  });
  socket.on('connect_error', (err) => {
    if (closed) return;
    if (socket.active) {
      h.onStatus('reconnecting');
    } else {
      h.onStatus('refused');
      h.onRefused(err.message);
      scheduleRetry();
    }
  });
  socket.on('fleet.changed.v1', (payload) => {
    // Validate: a hub/admin version skew should show as a missing update, not a broken board.
    const parsed = FleetChangedV1.safeParse(payload);
    if (parsed.success) h.onFleetChanged(parsed.data.terminals);
    else console.warn('fleet.changed.v1 payload ignored', parsed.error.issues.slice(0, 3));
  });

  socket.on('stocktake.progress.v1', (payload) => {
    const parsed = StocktakeProgressV1.safeParse(payload);
    if (parsed.success) h.onStocktakeProgress?.(parsed.data);
    else console.warn('stocktake.progress.v1 payload ignored', parsed.error.issues.slice(0, 3));
  });

  socket.on('alert.low_stock.v1', (payload) => {
    const parsed = LowStockAlertV1.safeParse(payload);
    if (parsed.success) for (const fn of lowStockListeners) fn(parsed.data);
    else console.warn('alert.low_stock.v1 payload ignored', parsed.error.issues.slice(0, 3));
  });

  socket.on('report.progress.v1', (payload) => {
    const parsed = ReportProgressV1.safeParse(payload);
    if (parsed.success) for (const fn of reportProgressListeners) fn(parsed.data);
    else console.warn('report.progress.v1 payload ignored', parsed.error.issues.slice(0, 3));
  });

  function scheduleRetry() {
    if (retry || closed) return;
    retry = setTimeout(() => {
      retry = null;
      if (!closed && !socket.connected) socket.connect();
    }, RETRY_AFTER_REFUSAL_MS);
  }

  return {
    close() {
      closed = true;
      if (retry) clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
