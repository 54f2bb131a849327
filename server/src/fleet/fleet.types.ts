import type { TerminalStatus } from '@stockfleet/shared';
import type { TillRef } from '../events/domain-events.js';

/** Row → TerminalStatus, the only shape of a till that leaves the hub. */
export function mapTerminalRow(r: any): TerminalStatus {
  const state = (r.reported_state ?? {}) as Record<string, any>;
  return {
    id: r.id,
    storeId: r.store_id,
    name: r.name,
    online: !!r.online_now,
    desiredMode: r.desired_mode,
    desiredEpoch: Number(r.desired_epoch),
    reportedMode: r.reported_mode ?? null,
    reportedEpoch: r.reported_epoch === null || r.reported_epoch === undefined ? null : Number(r.reported_epoch),
    appVersion: state.appVersion ?? null,
    scannerKind: state.scanner?.kind ?? null,
    scannerStatus: state.scanner?.status ?? null,
    outboxDepth: state.outboxDepth ?? null,
    lastSaleSeq: state.lastSaleSeq ?? null,
    clockOffsetMs: r.clock_offset_ms ?? null,
    rttMs: r.rtt_ms ?? null,
    lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at).toISOString() : null,
    revoked: !!r.revoked_at,
  };
}

/**
 * A till counts as online while its socket is open and it heartbeated recently (a killed hub leaves stale flags).
 * The clock offset is a bigint column read as float8: a number, not node-postgres' string, and exact at any offset a till can have.
 */
export const TERMINAL_COLUMNS = `t.id, t.store_id, t.name, t.desired_mode, t.desired_epoch, t.desired_reason, t.desired_since,
  t.reported_mode, t.reported_epoch, t.reported_state, t.clock_offset_ms::float8 as clock_offset_ms, t.rtt_ms, t.last_seen_at, t.revoked_at, t.token_hash,
  (t.online and t.last_seen_at > now() - interval '45 seconds') as online_now`;

/** A till authenticated by its device token (the shape every feature sees, defined with the domain events). */
export type TerminalIdentity = TillRef;
