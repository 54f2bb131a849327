import { z } from 'zod';

/**
 * The one type for human text (names, categories, references, notes, messages) in every REST body and
 * socket payload. PostgreSQL text cannot hold NUL and jsonb refuses lone surrogates, so such input used
 * to end in a 500; node-postgres silently turns a lone surrogate into U+FFFD. Refusing them here makes
 * it a 400 VALIDATION_FAILED with the field's path, before anything is stored.
 *
 * The value is normalised to NFC (a name typed as "e + combining accent" and as "é" is one name) and
 * trimmed, then its length is checked: the bounds hold for what is stored. zod counts code points,
 * as PostgreSQL's varchar(n) does, so a value that passes fits its column.
 * Identifiers with their own pattern (SKU, idempotency keys, pairing codes) do not use this.
 */
export interface TextOptions {
  /** After trimming; 0 lets an optional field be sent empty. */
  min?: number;
  max: number;
  /** Notes and messages keep newlines and tabs (CR LF and lone CR become LF); one-line fields refuse every control. */
  multiline?: boolean;
}

// C0 controls, DEL and C1 controls: invisible, break logs, CSV and terminals; NUL cannot be stored at all.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const hex = (s: string) => `U+${s.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a string is not acceptable text (null when it is). Checked on the normalised, trimmed value. */
export function textProblem(value: string, multiline = false): string | null {
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) return `contains a broken character (an unpaired UTF-16 surrogate, ${hex(surrogate[0])}); send valid Unicode text`;
  const control = (multiline ? CONTROL_MULTILINE : CONTROL).exec(value);
  if (control) {
    const allowed = multiline ? ' (only line breaks and tabs are allowed)' : '';
    return `must not contain control characters such as ${hex(control[0])}${allowed}`;
  }
  return null;
}

/** The same cleaning the schema applies, for code that reads text outside a zod schema. */
export function normaliseText(value: string, multiline = false): string {
  return (multiline ? value.replace(/\r\n?/g, '\n') : value).normalize('NFC').trim();
}

export function Text(opts: TextOptions) {
  const multiline = opts.multiline ?? false;
  return z
    .string()
    .overwrite((v) => normaliseText(v, multiline))
    .superRefine((v, ctx) => {
      const problem = textProblem(v, multiline);
      // `params.rule` lets the apps show their own translated message for this issue.
      if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { rule: 'text' } });
    })
    .min(opts.min ?? 0)
    .max(opts.max);
}

/**
 * Secrets (passwords) are compared byte for byte, so they are neither trimmed nor normalised — a
 * password set and later typed must hash alike — but the characters that cannot be typed or stored
 * faithfully (controls, lone surrogates, which UTF-8 encoding would turn into U+FFFD) are refused.
 */
export function Secret(opts: { min?: number; max: number }) {
  return z
    .string()
    .superRefine((v, ctx) => {
      const problem = textProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { rule: 'text' } });
    })
    .min(opts.min ?? 0)
    .max(opts.max);
}
