import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import type { Response } from 'express';
import { ZodValidationException } from 'nestjs-zod';
import { ErrorCode, zodIssues } from '@stockfleet/shared';
import { ZodError } from 'zod';
import { DependencyHealth, isDatabaseConnectionError } from './dependencies/dependency-health.js';
import { DomainException } from './domain-exception.js';
import { describeError } from './log-redaction.js';

/** The one place an HTTP error becomes `{ error: { code, message, details } }`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() private readonly health?: DependencyHealth) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const res = host.switchToHttp().getResponse<Response>();
    // PostgreSQL away: one outage line from DependencyHealth, not an error line per request.
    if (isDatabaseConnectionError(exception)) this.health?.failed('database', exception);
    const err = toDomainException(exception);
    if (err.code === ErrorCode.Internal) {
      // For a database error: code, table, constraint and the query without values; the client only gets the generic body.
      this.logger.error(describeError(exception));
      if (process.env.SF_DEBUG) console.error(exception);
    }
    if (res.headersSent) return;
    const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (err.code === ErrorCode.RateLimited && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(err.status).json(err.toBody());
  }
}

export function toDomainException(exception: unknown): DomainException {
  if (exception instanceof DomainException) return exception;
  // Nothing was changed (the statement or its transaction did not get through): the client may try again.
  if (isDatabaseConnectionError(exception)) return new DomainException(ErrorCode.Unavailable, 'The database is unavailable right now; try again shortly');
  const raw = exception as { type?: string; status?: number; message?: string; cause?: { type?: string } };
  if (raw?.type === 'entity.parse.failed' || raw?.cause?.type === 'entity.parse.failed' || exception instanceof SyntaxError) {
    return new DomainException(ErrorCode.MalformedJson, 'The body is not valid JSON');
  }
  if (exception instanceof ZodValidationException) {
    const zodError = exception.getZodError() as ZodError;
    return new DomainException(ErrorCode.ValidationFailed, 'The request is not valid', zodIssues(zodError));
  }
  if (exception instanceof ZodError) {
    return new DomainException(ErrorCode.ValidationFailed, 'The request is not valid', zodIssues(exception));
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message?.toString() ?? exception.message);
    if (status === 404) return new DomainException(ErrorCode.NotFound, message);
    if (status === 401) return new DomainException(ErrorCode.Unauthenticated, message);
    if (status === 403) return new DomainException(ErrorCode.Forbidden, message);
    if (status === 413) return new DomainException(ErrorCode.PayloadTooLarge, 'The request body is too large');
    if (status === 429) return new DomainException(ErrorCode.RateLimited, message);
    if (status === 400) return new DomainException(ErrorCode.ValidationFailed, message);
    return new DomainException(ErrorCode.Internal, message);
  }
  // body-parser errors arrive as plain errors with a status and a type.
  const e = exception as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return new DomainException(ErrorCode.MalformedJson, 'The body is not valid JSON');
  if (e?.type === 'entity.too.large') return new DomainException(ErrorCode.PayloadTooLarge, 'The request body is too large');
  if (e?.status && e.status >= 400 && e.status < 500) {
    return new DomainException(ErrorCode.ValidationFailed, e.message ?? 'Bad request');
  }
  return new DomainException(ErrorCode.Internal, 'Something went wrong on the hub');
}
