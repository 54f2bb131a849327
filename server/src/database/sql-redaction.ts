import {
  DefaultLogger, PostgreSqlDriver as MikroOrmPostgreSqlDriver, type Knex, type LogContext, type LoggerNamespace, type PostgreSqlConnection,
} from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';

/**
 * Failed SQL without the values in it.
 *
 * MikroORM writes a query's parameters into its text before sending it (`insert … values ('a@b.c',
 * '$argon2id$…')`), and knex puts that text in front of the error message; PostgreSQL's own message and
 * detail can quote values too (`invalid input syntax for type uuid: "…"`, `Key (email)=(a@b.c) already
 * exists.`, `Failing row contains (…)`). Every log line, job failure and debug print that shows such an
 * error then shows the values: a password hash, a PIN hash, a token hash, an e-mail address.
 *
 * So the error is cleaned where it is made, once, before anything can see it: the SQL with every literal
 * replaced by `?`, PostgreSQL's message with the quoted values taken out, and the fields that repeat
 * values dropped. What a log needs to find the fault stays: SQLSTATE code, constraint, table, column,
 * routine, and the shape of the query.
 */

const KNEX_WATCHED = Symbol.for('stockfleet.sqlErrorsRedacted');
/**
 * Set on a cleaned error. A string key, not a symbol: MikroORM's DriverException copies the own
 * properties of the error it wraps, so the mark travels with it.
 */
const REDACTED = 'sqlValuesRedacted';
const isRedacted = (e: Error) => (e as unknown as Record<string, unknown>)[REDACTED] === true;
/** PostgreSQL error fields that can carry row values or a statement with values in it. */
const VALUE_FIELDS = ['detail', 'where', 'internalQuery'] as const;

const isIdentChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_$]/u.test(c);

/** Index just past a quoted run starting at `start` (a quote); `backslash` for E'' strings. Unterminated: the end. */
function skipQuoted(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') i += 2;
    else if (c === quote) {
      if (sql[i + 1] === quote) i += 2; // a doubled quote is one quote character
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/**
 * The SQL text with every value replaced by `?`: string literals ('…', E'…', B'…', X'…', U&'…',
 * dollar-quoted), numbers standing alone. Identifiers, keywords, comments, casts, `$1` parameters and
 * `?` placeholders stay, so the query can still be recognised. An unterminated literal hides everything
 * after it.
 */
export function withoutSqlValues(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const prev = sql[i - 1];
    if (c === "'") {
      i = skipQuoted(sql, i, "'", false);
      out += '?';
    } else if (/[EeBbXx]/.test(c) && sql[i + 1] === "'" && !isIdentChar(prev)) {
      i = skipQuoted(sql, i + 1, "'", c === 'E' || c === 'e');
      out += '?';
    } else if ((c === 'U' || c === 'u') && sql[i + 1] === '&' && sql[i + 2] === "'" && !isIdentChar(prev)) {
      i = skipQuoted(sql, i + 2, "'", false);
      out += '?';
    } else if (c === '"') {
      const end = skipQuoted(sql, i, '"', false);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '$' && !isIdentChar(prev) && /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
      out += '?';
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if ((/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) && !isIdentChar(prev)) {
      const m = /^(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?/.exec(sql.slice(i))!;
      i += m[0].length;
      out += '?';
    } else if (isIdentChar(c)) {
      // A whole word at once, so the digits of `t1` or `$1` are never read as a number.
      let end = i + 1;
      while (isIdentChar(sql[end])) end++;
      out += sql.slice(i, end);
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

interface PgErrorFields {
  code?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  schema?: unknown;
  dataType?: unknown;
}

/**
 * PostgreSQL's message without the values it quotes. Values follow a colon (`invalid input syntax for
 * type integer: "…"`) or sit in double quotes (`value "…" is out of range`); names of database objects
 * sit in double quotes too, and stay when they are the error's own table, column, constraint, schema or
 * type (those are logged as fields anyway).
 */
export function withoutMessageValues(message: string, fields: PgErrorFields = {}): string {
  const names = new Set([fields.table, fields.column, fields.constraint, fields.schema, fields.dataType].filter((n): n is string => typeof n === 'string'));
  const colon = message.indexOf(': ');
  const head = colon < 0 ? message : `${message.slice(0, colon)}: …`;
  return head.replace(/"[^"]*"/g, (q) => (names.has(q.slice(1, -1)) ? q : '"…"'));
}

/** True for a PostgreSQL error from node-postgres (a SQLSTATE code and a severity), converted by MikroORM or not. */
export function isPgError(e: unknown): e is Error & PgErrorFields {
  return e instanceof Error && typeof (e as PgErrorFields).code === 'string' && /^[0-9A-Z]{5}$/.test((e as PgErrorFields).code as string) && 'severity' in e;
}

/**
 * Rewrites a failed query's error in place: the message becomes `<sql without values> - <PostgreSQL's
 * message without values>`, and the fields that repeat values are removed (MikroORM would otherwise
 * append `detail` to the message). `sql` is the text knex put in front of the message.
 */
export function redactSqlError(err: Error, sql: string) {
  if (isRedacted(err)) return;
  const prefix = `${sql} - `;
  const own = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : null;
  const fields = err as Error & PgErrorFields;
  err.message = `${withoutSqlValues(sql)} - ${own === null ? `(database error ${String(fields.code ?? '')})` : withoutMessageValues(own, fields)}`;
  for (const f of VALUE_FIELDS) delete (err as unknown as Record<string, unknown>)[f];
  Object.defineProperty(err, REDACTED, { value: true });
}

/**
 * A database error's message fit for a log: as cleaned at the source, or — an error from a query that
 * did not go through MikroORM (the reports' COPY and cursors use the driver directly, with bound
 * parameters, so no SQL is in front) — PostgreSQL's message without values.
 */
export function pgErrorMessage(e: Error & PgErrorFields): string {
  return isRedacted(e) ? e.message : withoutMessageValues(e.message, e);
}

/** Cleans every error of this knex instance's queries (transactions included: knex copies the listener). */
function redactErrorsOf(knex: Knex) {
  if ((knex as unknown as Record<symbol, boolean>)[KNEX_WATCHED]) return;
  Object.defineProperty(knex, KNEX_WATCHED, { value: true });
  knex.on('query-error', (err: unknown, query: { sql?: unknown }) => {
    if (err instanceof Error && typeof query?.sql === 'string') redactSqlError(err, query.sql);
  });
}

/**
 * MikroORM's PostgreSQL driver, with failed queries' errors cleaned of values as they happen. The hub,
 * the worker, the CLI and the tests all get it from `ormConfig`. It keeps MikroORM's class name:
 * @mikro-orm/nestjs finds the driver's package (and so the EntityManager and MikroORM classes it
 * registers for injection) by that name.
 */
class PostgreSqlDriver extends MikroOrmPostgreSqlDriver {
  override async connect(): Promise<PostgreSqlConnection> {
    const connection = await super.connect();
    redactErrorsOf(connection.getKnex());
    return connection;
  }

  // A connection that opens lazily (first query) or again after a reconnect builds a new knex instance.
  override getConnection(type?: 'read' | 'write'): PostgreSqlConnection {
    const connection = super.getConnection(type);
    redactErrorsOf(connection.getKnex());
    return connection;
  }
}
export { PostgreSqlDriver as RedactingPostgreSqlDriver };

const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * MikroORM's logger, written into the process's logger (pino in the hub and the worker) instead of the
 * console, and never with parameter values: with `debug` on it logs queries as `insert … values ($1, $2)`,
 * never with the values written in (MikroORM's `query-params`), whatever a query's own logging options say.
 */
export class OrmLogger extends DefaultLogger {
  private readonly out = new Logger('MikroORM');

  override isEnabled(namespace: LoggerNamespace, context?: LogContext): boolean {
    return namespace === 'query-params' ? false : super.isEnabled(namespace, context);
  }

  override log(namespace: LoggerNamespace, message: string, context?: LogContext): void {
    if (!this.isEnabled(namespace, context)) return;
    const text = `[${namespace}] ${message.replace(ANSI, '').replace(/\s+/g, ' ').trim()}`;
    if (context?.level === 'error') this.out.error(text);
    else if (context?.level === 'warning') this.out.warn(text);
    else this.out.log(text);
  }
}
