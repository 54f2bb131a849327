import { ErrorCode, type FieldIssue, type ImportRowError } from '@stockfleet/shared';

/** Codes the client makes up itself when there is no hub answer to read. */
export const ClientErrorCode = {
  Network: 'NETWORK_ERROR',
  BadResponse: 'BAD_RESPONSE',
  Aborted: 'ABORTED',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];
export type ApiErrorCode = ErrorCode | ClientErrorCode;

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** The one error type every API call throws. Switch on `code`, never on `message`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    /** HTTP status; 0 when the hub was not reached. */
    readonly status = 0,
  ) {
    super(message);
  }

  /** VALIDATION_FAILED details, or an empty list. */
  get fieldIssues(): FieldIssue[] {
    if (this.code !== ErrorCode.ValidationFailed || !Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is FieldIssue => !!d && typeof d === 'object' && typeof (d as FieldIssue).path === 'string',
    );
  }

  /** IMPORT_FAILED details, or an empty list. */
  get importErrors(): ImportRowError[] {
    if (this.code !== ErrorCode.ImportFailed || !Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is ImportRowError => !!d && typeof d === 'object' && typeof (d as ImportRowError).line === 'number',
    );
  }

  /** True when trying the same request again may work (the hub was unreachable, busy or failed). */
  get retryable(): boolean {
    return this.code === ClientErrorCode.Network || this.status >= 500 || this.code === ErrorCode.RateLimited;
  }
}

/** Turn a non-2xx response body into an ApiError, whatever the body looks like. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  let parsed: unknown;
  try {
    parsed = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    parsed = undefined;
  }
  const err = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (err && typeof err.code === 'string' && KNOWN_CODES.has(err.code)) {
    const message = typeof err.message === 'string' ? err.message : err.code;
    return new ApiError(err.code as ErrorCode, message, err.details, status);
  }
  return new ApiError(codeForStatus(status), `HTTP ${status}`, undefined, status);
}

function codeForStatus(status: number): ApiErrorCode {
  if (status === 401) return ErrorCode.Unauthenticated;
  if (status === 403) return ErrorCode.Forbidden;
  if (status === 404) return ErrorCode.NotFound;
  if (status === 409) return ErrorCode.Conflict;
  if (status === 413) return ErrorCode.PayloadTooLarge;
  if (status === 429) return ErrorCode.RateLimited;
  if (status === 400 || status === 422) return ErrorCode.ValidationFailed;
  if (status >= 500) return ErrorCode.Internal;
  return ClientErrorCode.BadResponse;
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof DOMException && e.name === 'AbortError') return new ApiError(ClientErrorCode.Aborted, 'aborted');
  return new ApiError(ClientErrorCode.Network, e instanceof Error ? e.message : String(e));
}
