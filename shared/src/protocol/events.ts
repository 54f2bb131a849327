import type { z } from 'zod';
import {
  FleetChangedV1,
  SaleSubmitAck,
  SaleSubmitV1,
  StaffSignInAck,
  StaffSignInV1,
  TillCommandAck,
  TillCommandV1,
  TillDesiredV1,
  TillHeartbeatAck,
  TillHeartbeatV1,
  TillRevokedV1,
  TillStateAck,
  TillStateV1,
} from './fleet.js';
import type { AckFn } from './ack.js';
import { CountSubmitAck, CountSubmitV1, StocktakeProgressV1, StocktakeTasksV1 } from './stocktake.js';
import { LowStockAlertV1, ReportProgressV1 } from './reports.js';

/**
 * The one socket event map. Names are versioned: a changed payload gets a new name, never a silent change.
 * `tillToHub` entries carry the schema of the payload and of the ack's data.
 */
export const tillToHub = {
  'till.state.v1': { payload: TillStateV1, ack: TillStateAck },
  'till.heartbeat.v1': { payload: TillHeartbeatV1, ack: TillHeartbeatAck },
  'staff.signin.v1': { payload: StaffSignInV1, ack: StaffSignInAck },
  'sale.submit.v1': { payload: SaleSubmitV1, ack: SaleSubmitAck },
  'count.submit.v1': { payload: CountSubmitV1, ack: CountSubmitAck },
} as const;

export const hubToTill = {
  'till.desired.v1': { payload: TillDesiredV1, ack: null },
  'till.command.v1': { payload: TillCommandV1, ack: TillCommandAck },
  'till.revoked.v1': { payload: TillRevokedV1, ack: null },
  'stocktake.tasks.v1': { payload: StocktakeTasksV1, ack: null },
} as const;

export const hubToAdmin = {
  'fleet.changed.v1': { payload: FleetChangedV1, ack: null },
  'stocktake.progress.v1': { payload: StocktakeProgressV1, ack: null },
  'report.progress.v1': { payload: ReportProgressV1, ack: null },
  'alert.low_stock.v1': { payload: LowStockAlertV1, ack: null },
} as const;

type In<S> = S extends z.ZodType ? z.input<S> : never;
type Out<S> = S extends z.ZodType ? z.output<S> : never;

type ClientEvents<M extends Record<string, { payload: z.ZodType; ack: z.ZodType | null }>> = {
  [K in keyof M]: M[K]['ack'] extends z.ZodType
    ? (payload: In<M[K]['payload']>, ack: AckFn<Out<M[K]['ack']>>) => void
    : (payload: In<M[K]['payload']>, ack?: AckFn<null>) => void;
};
type ServerEvents<M extends Record<string, { payload: z.ZodType; ack: z.ZodType | null }>> = {
  [K in keyof M]: M[K]['ack'] extends z.ZodType
    ? (payload: Out<M[K]['payload']>, ack: AckFn<Out<M[K]['ack']>>) => void
    : (payload: Out<M[K]['payload']>) => void;
};

export type TillToHubEvents = ClientEvents<typeof tillToHub>;
export type HubToTillEvents = ServerEvents<typeof hubToTill>;
export type HubToAdminEvents = ServerEvents<typeof hubToAdmin>;
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type AdminToHubEvents = {};

/** Namespaces: tills connect to `/till` with `auth: { token }`; admin apps to `/admin` with their session cookie. */
export const TILL_NAMESPACE = '/till';
export const ADMIN_NAMESPACE = '/admin';
export const SOCKET_PATH = '/socket.io';
/** Inbound socket payloads larger than this are refused (the engine drops the connection above maxHttpBufferSize). */
export const MAX_SOCKET_PAYLOAD_BYTES = 256 * 1024;
