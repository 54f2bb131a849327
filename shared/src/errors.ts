import { z } from 'zod';

/**
 * Every error the hub returns (HTTP body or socket ack) carries one of these codes.
 * Clients switch on the code, never on the message; the message is for people.
 */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  MalformedJson: 'MALFORMED_JSON',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  Unauthenticated: 'UNAUTHENTICATED',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  Forbidden: 'FORBIDDEN',
  OutOfScope: 'OUT_OF_SCOPE',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  /** A state-changing request or socket from a page of another origin (CSRF defence). */
  CrossOrigin: 'CROSS_ORIGIN',
  UnknownProduct: 'UNKNOWN_PRODUCT',
  UnknownBarcode: 'UNKNOWN_BARCODE',
  InvalidBarcode: 'INVALID_BARCODE',
  BarcodeTaken: 'BARCODE_TAKEN',
  SkuTaken: 'SKU_TAKEN',
  UnknownStore: 'UNKNOWN_STORE',
  SameStoreTransfer: 'SAME_STORE_TRANSFER',
  IdempotencyConflict: 'IDEMPOTENCY_CONFLICT',
  ImportFailed: 'IMPORT_FAILED',
  EnrolmentCodeInvalid: 'ENROLMENT_CODE_INVALID',
  DeviceTokenInvalid: 'DEVICE_TOKEN_INVALID',
  TerminalRevoked: 'TERMINAL_REVOKED',
  StaffPinInvalid: 'STAFF_PIN_INVALID',
  SalesBlocked: 'SALES_BLOCKED',
  IllegalTransition: 'ILLEGAL_TRANSITION',
  NotCounting: 'NOT_COUNTING',
  /** The thing asked for cannot be built yet (e.g. a report of a count that is not approved). */
  NotReady: 'NOT_READY',
  /** A number that fits its field alone but not what it adds up to (a sale's total, a balance past int4): nothing is stored. */
  OutOfRange: 'OUT_OF_RANGE',
  /** A stored file no longer matches its recorded SHA-256: it is not served. */
  IntegrityFailed: 'INTEGRITY_FAILED',
  /** A dependency (the database, Redis) is away for now: nothing was changed; the same request later may succeed. */
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes that mean "not now": the same request sent again later may succeed (the hub was busy or
 * failing, the device's credentials are being sorted out). Every other refusal is permanent — the
 * same payload will always be refused — so a till moves such an outbox entry to its rejected list
 * instead of retrying it forever. The one home of that rule: the hub stamps it on every socket ack
 * error (`permanent`), and clients fall back to it for acks without the flag.
 */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  ErrorCode.Internal,
  ErrorCode.Unavailable,
  ErrorCode.RateLimited,
  ErrorCode.NotReady,
  ErrorCode.Unauthenticated,
  ErrorCode.DeviceTokenInvalid,
  ErrorCode.TerminalRevoked,
]);

export function isPermanentRefusal(code: string): boolean {
  return !TRANSIENT_ERROR_CODES.has(code);
}

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** One validation problem, as listed in `details` of a VALIDATION_FAILED error. */
export interface FieldIssue {
  path: string;
  message: string;
}

export function zodIssues(err: z.ZodError): FieldIssue[] {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

/** `details` of a RATE_LIMITED error from a credential limit: which limit, and when to try again. */
export const RateLimitedDetailsSchema = z.object({
  limit: z.string(),
  retryAfterSeconds: z.number().int().min(1),
});
export type RateLimitedDetails = z.infer<typeof RateLimitedDetailsSchema>;
