import { z } from 'zod';
import { CounterSchema, EpochMsSchema } from '../api/bounds.js';
import { SaleSchema } from '../api/inventory.js';
import { Text } from '../api/text.js';

/** The modes a till can be in. The hub persists the one it *should* be in; the till reports the one it is in. */
export const TillModeSchema = z.enum(['selling', 'frozen', 'counting', 'locked']);
export type TillMode = z.infer<typeof TillModeSchema>;

export const ScannerKindSchema = z.enum(['none', 'wedge', 'serial', 'usb-serial', 'hid', 'rfid', 'simulated']);
export const ScannerStatusSchema = z.enum(['disconnected', 'connecting', 'ready', 'error']);

/** Why a till was told to be in its mode: shown on the frozen / locked screens. */
export const DesiredReasonSchema = z.object({
  kind: z.enum(['stocktake', 'remote_lock', 'none']),
  stocktakeId: z.uuid().nullable().default(null),
  practice: z.boolean().default(false),
  by: z.string().nullable().default(null),
  message: z.string().max(500).nullable().default(null),
});
export type DesiredReason = z.infer<typeof DesiredReasonSchema>;

/** hub → till: the mode the till must be in, level-triggered: sent on every connect and every change. */
export const TillDesiredV1 = z.object({
  terminalId: z.uuid(),
  mode: TillModeSchema,
  epoch: z.number().int().min(0),
  /** ISO time the mode was set. */
  since: z.string(),
  reason: DesiredReasonSchema,
  /** Seconds a sale in progress may take to finish before it is parked (freeze). */
  graceSeconds: z.number().int().min(0).max(600).default(0),
});
export type TillDesired = z.infer<typeof TillDesiredV1>;

/** till → hub: what the till really is. Sent on connect, on change, and with heartbeats. */
export const TillStateV1 = z.strictObject({
  mode: TillModeSchema,
  /** The desired-state epoch the till has applied. */
  epoch: CounterSchema,
  appVersion: Text({ min: 1, max: 40 }),
  scanner: z.strictObject({ kind: ScannerKindSchema, status: ScannerStatusSchema }),
  outboxDepth: z.number().int().min(0).max(10_000_000),
  /** Sequence number of the last sale the till completed (0 when none). */
  lastSaleSeq: CounterSchema,
  /** True while a basket is open (a sale in progress). */
  saleInProgress: z.boolean().default(false),
  staffId: z.uuid().nullable().default(null),
  locale: z.enum(['en', 'zh-Hans', 'zh-Hant']).default('en'),
});
export type TillState = z.infer<typeof TillStateV1>;

/** The mode and epoch of a till's state: what it has applied, or what the hub stored of it. */
export const TillModeEpochSchema = z.strictObject({ mode: TillModeSchema, epoch: CounterSchema });
export type TillModeEpoch = z.infer<typeof TillModeEpochSchema>;

/**
 * hub → till answer to till.state.v1, sent only once the report is stored: the mode and epoch as stored.
 * A report that could not be stored is answered with an error (UNAVAILABLE when the database is away)
 * and the till sends it again.
 */
export const TillStateAck = TillModeEpochSchema;

/**
 * till → hub heartbeat. NTP-style: the till sends its clock reading; the hub answers with its own;
 * the till returns the previous round's three timestamps so the *hub* computes offset and round trip.
 */
export const TillHeartbeatV1 = z.strictObject({
  sentAt: EpochMsSchema,
  previous: z
    .strictObject({ sentAt: EpochMsSchema, hubAt: EpochMsSchema, receivedAt: EpochMsSchema })
    .nullable()
    .default(null),
  /**
   * The mode and epoch the till has applied (optional: older tills send none). When it differs from
   * what the hub stored, the hub stores it as a report, so a lost till.state.v1 heals by itself.
   */
  state: TillModeEpochSchema.optional(),
});
export type TillHeartbeat = z.infer<typeof TillHeartbeatV1>;
export const TillHeartbeatAck = z.object({
  hubAt: z.number(),
  /** The state the hub wants this till in, so the till sees a divergence too (absent from older hubs). */
  desired: z.object({ mode: TillModeSchema, epoch: z.number().int().min(0) }).optional(),
});

export const StaffSignInV1 = z.union([
  z.strictObject({ pin: z.string().regex(/^\d{4,8}$/) }),
  z.strictObject({ badge: Text({ min: 4, max: 64 }) }),
]);
export const StaffSignInAck = z.object({ staff: z.object({ id: z.uuid(), name: z.string() }) });

export const SaleSubmitV1 = SaleSchema;
export const SaleSubmitAck = z.object({ saleId: z.uuid(), duplicate: z.boolean() });

/** hub → till: a remote command; the till acknowledges through the ack callback. */
export const TillCommandV1 = z.object({
  id: z.uuid(),
  kind: z.enum(['reload', 'identify', 'message', 'lock', 'unlock']),
  text: z.string().max(500).nullable().default(null),
  by: z.string().nullable().default(null),
});
export type TillCommand = z.infer<typeof TillCommandV1>;
export const TillCommandAck = z.object({ commandId: z.uuid(), done: z.boolean() });

/** hub → till before the hub drops the socket of a revoked till. */
export const TillRevokedV1 = z.object({ terminalId: z.uuid(), at: z.string() });

/** What admins see of one till on the fleet board. */
export const TerminalStatusSchema = z.object({
  id: z.uuid(),
  storeId: z.uuid(),
  name: z.string(),
  online: z.boolean(),
  desiredMode: TillModeSchema,
  desiredEpoch: z.number(),
  reportedMode: TillModeSchema.nullable(),
  reportedEpoch: z.number().nullable(),
  appVersion: z.string().nullable(),
  scannerKind: ScannerKindSchema.nullable(),
  scannerStatus: ScannerStatusSchema.nullable(),
  outboxDepth: z.number().nullable(),
  lastSaleSeq: z.number().nullable(),
  clockOffsetMs: z.number().nullable(),
  rttMs: z.number().nullable(),
  lastSeenAt: z.string().nullable(),
  revoked: z.boolean(),
});
export type TerminalStatus = z.infer<typeof TerminalStatusSchema>;
export const FleetChangedV1 = z.object({ terminals: z.array(TerminalStatusSchema) });
