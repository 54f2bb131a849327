import type { Options as PinoHttpOptions } from 'pino-http';
import { isPgError, pgErrorMessage } from '../database/sql-redaction.js';

/**
 * Field names that hold a credential or something that opens one: passwords and their hashes, PINs,
 * device and session tokens, enrolment (pairing) codes, cookies, secrets. pino masks them wherever a
 * logged object has them, up to three levels down (`{ user: { passwordHash } }`, `{ err: { … } }`).
 * `code` alone is not here: error codes are logged on purpose; a pairing code in a URL is handled below.
 */
const SECRET_KEYS = [
  'password', 'newPassword', 'currentPassword', 'passwordHash', 'password_hash',
  'pin', 'pinHash', 'pin_hash',
  'token', 'tokenHash', 'token_hash', 'deviceToken', 'device_token', 'sessionToken', 'accessToken', 'refreshToken',
  'enrolmentCode', 'enrollmentCode', 'enrolment_code', 'pairingCode', 'codeHash', 'code_hash',
  'secret', 'sessionSecret', 'cookie', 'cookies', 'authorization', 'set-cookie',
];

/** Request and response parts that carry credentials, as pino-http logs them. */
const HTTP_PATHS = [
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["proxy-authorization"]', 'req.headers["x-api-key"]',
  'res.headers["set-cookie"]', 'req.query.code', 'req.query.token', 'req.query.pin',
  // PostgreSQL error fields that repeat row values (removed at the source too; see database/sql-redaction.ts).
  'err.detail', 'err.where', 'err.internalQuery',
];

export const LOG_REDACT_PATHS: readonly string[] = [
  ...HTTP_PATHS,
  ...SECRET_KEYS.flatMap((k) => {
    const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `["${k}"]`;
    const dot = key.startsWith('[') ? '' : '.';
    return [key, `*${dot}${key}`, `*.*${dot}${key}`];
  }),
];

/** Query parameters whose value is a credential: the till's pairing link is `/till/?code=…`. */
const SECRET_QUERY = /([?&](?:code|token|pin|password|secret)=)[^&#]*/gi;

/** A URL as it may be logged: credential-bearing query values masked. */
export function withoutUrlSecrets(url: string): string {
  return url.replace(SECRET_QUERY, '$1[Redacted]');
}

/**
 * The hub's and the worker's pino settings for secrets: masked fields, and request URLs without
 * pairing codes or tokens in their query string.
 */
export function pinoRedaction(): Pick<PinoHttpOptions, 'redact' | 'serializers'> {
  return {
    redact: { paths: [...LOG_REDACT_PATHS], censor: '[Redacted]' },
    serializers: {
      // pino-http hands this the standard serialisation of the request.
      req: (req: { url?: unknown }) => {
        if (typeof req.url === 'string') req.url = withoutUrlSecrets(req.url);
        return req;
      },
    },
  };
}

/**
 * An error as a log line: for a database error its class, SQLSTATE code, table, column and constraint,
 * then its message (the query with `?` for every value and PostgreSQL's message without values; see
 * database/sql-redaction.ts) and its stack frames. Never sent to a client.
 */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  if (!isPgError(e)) return e.stack ?? `${e.name}: ${e.message}`;
  const fields = e as Error & { table?: unknown; column?: unknown; constraint?: unknown; routine?: unknown };
  const where = [['table', fields.table], ['column', fields.column], ['constraint', fields.constraint], ['routine', fields.routine]]
    .filter(([, v]) => typeof v === 'string' && v)
    .map(([k, v]) => `${k} ${String(v)}`);
  const frames = (e.stack ?? '').split('\n').filter((l) => l.trim().startsWith('at '));
  return [`${e.name} [${String(e.code)}]${where.length ? ` (${where.join(', ')})` : ''}: ${pgErrorMessage(e)}`, ...frames].join('\n');
}
