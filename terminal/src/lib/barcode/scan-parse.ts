import { isValidGtin, parseScan, type RcnLayout, type ScannedCode, type ScanResult } from '@stockfleet/shared';

/**
 * The one place the till calls the shared barcode parser (`parseScan`, shared/src/barcode — the
 * hub validates with the same code). Everything downstream works on `ParsedScan`, so a change of
 * the parser's shape is absorbed here.
 */
export interface ParsedScan {
  raw: string;
  ok: boolean;
  /** gtin, gs1, rcn, epc, internal — or 'invalid'. */
  kind: ScannedCode['kind'] | 'invalid';
  gtin14: string | null;
  /** Codes to try against the catalogue, most specific first. */
  candidates: string[];
  /** Units the code itself carries (GS1 AI 30/37 count, a known pack); null when none. */
  quantity: number | null;
  /** Variable-measure codes (prefix 2): the price or weight printed into the code. */
  priceCents: number | null;
  weightGrams: number | null;
  error: { code: string; reason: string; problem: string } | null;
  /** Everything else the parser said (serial, batch, expiry, weight …), for the "try it" area. */
  details: Record<string, unknown>;
}

export interface ParseOptions {
  /** The chain's variable-measure (prefix 2) layouts, when the catalogue carries them. */
  rcnLayouts?: readonly RcnLayout[];
}

export function gtinCheckDigitOk(digits: string): boolean {
  return /^\d{8}$|^\d{12,14}$/.test(digits) && isValidGtin(digits);
}

/** GTIN-14 → the shorter forms a catalogue may have stored (13, 12 and 8 digits). */
export function gtinVariants(gtin14: string): string[] {
  const out = [gtin14];
  if (gtin14.startsWith('0')) out.push(gtin14.slice(1));
  if (gtin14.startsWith('00')) out.push(gtin14.slice(2));
  if (gtin14.startsWith('000000')) out.push(gtin14.slice(6));
  return out;
}

export function parseScanned(rawInput: string, options: ParseOptions = {}): ParsedScan {
  const raw = rawInput.trim();
  let r: ScanResult;
  try {
    r = parseScan(raw, { referenceYear: new Date().getFullYear(), ...(options.rcnLayouts ? { rcnLayouts: options.rcnLayouts } : {}) });
  } catch (err) {
    r = { ok: false, code: 'INVALID_BARCODE', reason: err instanceof Error ? err.message : String(err), problem: 'BAD_CHARACTERS' };
  }
  const base: ParsedScan = {
    raw,
    ok: r.ok,
    kind: r.ok ? r.kind : 'invalid',
    gtin14: null,
    candidates: [],
    quantity: null,
    priceCents: null,
    weightGrams: null,
    error: null,
    details: {},
  };
  if (!r.ok) return { ...base, candidates: [raw], error: { code: r.code, reason: r.reason, problem: r.problem } };
  const { ok: _ok, kind: _kind, ...details } = r;
  base.details = details;
  switch (r.kind) {
    case 'gtin':
      return { ...base, gtin14: r.gtin14, candidates: uniq([...gtinVariants(r.gtin14), raw]), quantity: r.quantity ?? null };
    case 'gs1':
      return { ...base, gtin14: r.gtin14, candidates: uniq([...gtinVariants(r.gtin14), raw]), quantity: r.count ?? null };
    case 'epc':
      return { ...base, gtin14: r.gtin14, candidates: uniq([...gtinVariants(r.gtin14), raw]) };
    case 'rcn':
      return {
        ...base,
        candidates: uniq([...gtinVariants(r.itemKey), raw]),
        priceCents: r.priceCents ?? null,
        weightGrams: r.weightGrams ?? null,
      };
    case 'internal':
      return { ...base, candidates: uniq([r.code, raw]) };
  }
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}
