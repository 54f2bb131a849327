import * as shared from '@stockfleet/shared';

/**
 * The one place the till calls the shared barcode parser (`parseScan` from shared/src/barcode).
 * It is looked up on the module namespace so the till also builds against a contract without it
 * (then a minimal GTIN-only stand-in answers). Everything downstream works on
 * `ParsedScan`, so a change of the parser's shape is absorbed here.
 */
export interface ParsedScan {
  raw: string;
  ok: boolean;
  /** gtin, gs1, rcn, epc, text … as the parser names it. */
  kind: string;
  gtin14: string | null;
  /** Codes to try against the catalogue, most specific first. */
  candidates: string[];
  /** Units the code itself carries (GS1 AI 30/37 count); null when none. */
  quantity: number | null;
  /** Variable-measure codes (prefix 2): the price or weight printed into the code. */
  priceCents: number | null;
  weightGrams: number | null;
  error: { code: string; reason: string } | null;
  /** Everything else the parser returned (serial, batch, expiry, weight …), for the "try it" area. */
  details: Record<string, unknown>;
}

type SharedParse = (raw: string, options?: Record<string, unknown>) => Record<string, unknown> & { ok: boolean };

function sharedParser(): SharedParse | null {
  const fn = (shared as unknown as Record<string, unknown>).parseScan;
  return typeof fn === 'function' ? (fn as SharedParse) : null;
}

export function gtinCheckDigitOk(digits: string): boolean {
  if (!/^\d{8}$|^\d{12,14}$/.test(digits)) return false;
  const body = digits.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10 === Number(digits[digits.length - 1]);
}

/** GTIN-14 → the shorter forms a catalogue may have stored. */
export function gtinVariants(gtin14: string): string[] {
  const out = [gtin14];
  if (gtin14.startsWith('0')) out.push(gtin14.slice(1));
  if (gtin14.startsWith('00')) out.push(gtin14.slice(2));
  if (gtin14.startsWith('000000')) out.push(gtin14.slice(6));
  return out;
}

/** Minimal stand-in used only while the shared parser is not there: plain GTINs and GS1 (01). */
function fallbackParse(raw: string): Record<string, unknown> & { ok: boolean } {
  const s = raw.replace(/^\][A-Za-z]\d/, '');
  if (/^\d{8}$|^\d{12,14}$/.test(s)) {
    return gtinCheckDigitOk(s)
      ? { ok: true, kind: 'gtin', gtin14: s.padStart(14, '0') }
      : { ok: false, code: 'INVALID_BARCODE', reason: 'check digit' };
  }
  const ai01 = /^\(?01\)?(\d{14})/.exec(s);
  if (ai01) return { ok: true, kind: 'gs1', gtin14: ai01[1] };
  if (/^[0-9A-Fa-f]{24}$/.test(s) && /[A-Fa-f]/.test(s)) return { ok: true, kind: 'epc', epc: s.toUpperCase() };
  return { ok: true, kind: 'internal', code: s };
}

export interface ParseOptions {
  /** The chain's variable-measure (prefix 2) layouts, when the catalogue carries them. */
  rcnLayouts?: readonly unknown[];
}

export function parseScanned(rawInput: string, options: ParseOptions = {}): ParsedScan {
  const raw = rawInput.trim();
  const parse = sharedParser();
  let result: Record<string, unknown> & { ok: boolean };
  try {
    result = parse
      ? parse(raw, { referenceYear: new Date().getFullYear(), ...(options.rcnLayouts ? { rcnLayouts: options.rcnLayouts } : {}) })
      : fallbackParse(raw);
  } catch (err) {
    result = { ok: false, code: 'INVALID_BARCODE', reason: err instanceof Error ? err.message : String(err) };
  }
  const { ok, kind, gtin14, code, reason, ...rest } = result as Record<string, unknown>;
  const g14 = typeof gtin14 === 'string' ? gtin14 : null;
  const itemKey = typeof rest.itemKey === 'string' ? rest.itemKey : null;
  const qty = [rest.quantity, rest.count].find((v) => typeof v === 'number' && Number.isInteger(v) && v > 0) as number | undefined;
  const candidates = [
    ...(g14 ? gtinVariants(g14) : []),
    ...(itemKey ? gtinVariants(itemKey) : []),
    ...(ok === true && typeof code === 'string' ? [code] : []),
    raw,
  ];
  return {
    raw,
    ok: ok === true,
    kind: typeof kind === 'string' ? kind : ok ? 'text' : 'invalid',
    gtin14: g14,
    candidates: [...new Set(candidates)],
    quantity: qty ?? null,
    priceCents: typeof rest.priceCents === 'number' ? rest.priceCents : null,
    weightGrams: typeof rest.weightGrams === 'number' ? rest.weightGrams : null,
    error: ok === true ? null : { code: String(code ?? 'INVALID_BARCODE'), reason: String(reason ?? '') },
    details: rest,
  };
}
