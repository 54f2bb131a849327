import type { ErrorCode } from '../errors.js';

/**
 * Every socket ack has this shape, so a till can always show why something was refused.
 * `permanent` (set by the hub on every error, from `isPermanentRefusal`): true when sending the same
 * payload again can never succeed, so a till parks the entry as rejected instead of retrying it.
 */
export type Ack<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string; details?: unknown; permanent?: boolean } };
export type AckFn<T> = (ack: Ack<T>) => void;
