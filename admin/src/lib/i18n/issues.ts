import type { FieldIssue } from '@stockfleet/shared';
import type { MessageKey } from './en';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** First message per field path ("lines.0.quantity"). */
export type FieldErrors = Record<string, string>;

/** The parts of a zod (v4) issue we read; kept structural so this file needs no zod import. */
export interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  format?: string;
  expected?: string;
  input?: unknown;
  /** Custom issues of the shared schemas name their rule here (`text`, `password`). */
  params?: Record<string, unknown>;
}

/** A translated message for one schema issue (zod's own messages are English only). */
export function issueMessage(issue: IssueLike, t: Translate): string {
  const path = issue.path.map(String);
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? t('validation.required') : t('validation.tooShort', { min: Number(issue.minimum) });
      if (issue.origin === 'array') return t('validation.minItems', { min: Number(issue.minimum) });
      return t('validation.min', { min: Number(issue.minimum) });
    case 'too_big':
      if (issue.origin === 'string') return t('validation.tooLong', { max: Number(issue.maximum) });
      return t('validation.max', { max: Number(issue.maximum) });
    case 'invalid_type':
      if (issue.expected === 'int') return t('validation.integer');
      // zod leaves `input` out of issues unless asked; its message names what it received.
      if (issue.input === '' || /received (undefined|null)\b/.test(issue.message)) return t('validation.required');
      return t('validation.invalid');
    case 'invalid_format':
      if (issue.format === 'email') return t('validation.email');
      if (issue.format === 'uuid' || issue.format === 'guid') return t('validation.required');
      return t('validation.format');
    case 'custom':
      if (issue.params?.rule === 'password') return t('validation.password');
      if (issue.params?.rule === 'text') return t('validation.text');
      if (/zero/i.test(issue.message)) return t('validation.notZero');
      if (path.includes('toStoreId')) return t('validation.sameStore');
      return t('validation.invalid');
    default:
      return t('validation.invalid');
  }
}

export function fieldErrorsFromIssues(issues: readonly IssueLike[], t: Translate): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const key = i.path.map(String).join('.') || '(root)';
    out[key] ??= issueMessage(i, t);
  }
  return out;
}

/** The hub's VALIDATION_FAILED details, by path (its messages are shown as sent). */
export function fieldErrorsFromServer(issues: readonly FieldIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) out[i.path] ??= i.message;
  return out;
}
