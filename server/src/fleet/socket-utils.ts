import { ErrorCode, isPermanentRefusal, zodIssues, type Ack } from '@stockfleet/shared';
import type { z } from 'zod';
import { toDomainException } from '../common/http-exception.filter.js';

/**
 * Parses a socket payload with its shared schema and turns any failure into a typed ack. Every error
 * says whether it is permanent (the same payload can never succeed), so a till parks such an outbox
 * entry as rejected instead of sending it again forever.
 */
export async function handle<S extends z.ZodType, R>(schema: S, body: unknown, fn: (input: z.output<S>) => Promise<R>): Promise<Ack<R>> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return { ok: false, error: { code: ErrorCode.ValidationFailed, message: 'The message is not valid', details: zodIssues(parsed.error), permanent: true } };
  }
  try {
    return { ok: true, data: await fn(parsed.data) };
  } catch (e) {
    const err = toDomainException(e);
    return {
      ok: false,
      error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }), permanent: isPermanentRefusal(err.code) },
    };
  }
}
