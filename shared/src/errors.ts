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
  /** A stored file no longer matches its recorded SHA-256: it is not served. */
  IntegrityFailed: 'INTEGRITY_FAILED',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

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
