import { ErrorCode } from '@stockfleet/shared';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  OUT_OF_SCOPE: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  CROSS_ORIGIN: 403,
  UNKNOWN_PRODUCT: 422,
  UNKNOWN_BARCODE: 422,
  INVALID_BARCODE: 422,
  BARCODE_TAKEN: 409,
  SKU_TAKEN: 409,
  UNKNOWN_STORE: 422,
  SAME_STORE_TRANSFER: 422,
  IDEMPOTENCY_CONFLICT: 409,
  IMPORT_FAILED: 422,
  ENROLMENT_CODE_INVALID: 400,
  DEVICE_TOKEN_INVALID: 401,
  TERMINAL_REVOKED: 401,
  STAFF_PIN_INVALID: 401,
  SALES_BLOCKED: 409,
  ILLEGAL_TRANSITION: 409,
  NOT_COUNTING: 409,
  NOT_READY: 409,
  OUT_OF_RANGE: 422,
  INTEGRITY_FAILED: 500,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** A business error with a stable code; the global filter and the socket gateway turn it into `{ error }`. */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainException';
  }

  get status(): number {
    return STATUS[this.code];
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

export const notFound = (what: string, id?: string) =>
  new DomainException(ErrorCode.NotFound, id ? `${what} ${id} not found` : `${what} not found`);
export const forbidden = (message = 'You may not do this') => new DomainException(ErrorCode.Forbidden, message);
export const outOfScope = (storeId: string) =>
  new DomainException(ErrorCode.OutOfScope, `Store ${storeId} is outside your scope`, { storeId });
