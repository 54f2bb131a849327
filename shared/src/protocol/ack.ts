import type { ErrorCode } from '../errors.js';

/** Every socket ack has this shape, so a till can always show why something was refused. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };
export type AckFn<T> = (ack: Ack<T>) => void;
