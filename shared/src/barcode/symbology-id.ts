/**
 * ISO/IEC 15424 symbology identifiers ("]" + code letter + modifier) that scanners can be set to
 * prefix to every read. They are the only reliable way to tell a GS1 element string from a plain
 * Code 128 label, or a UPC-E from an EAN-8, so they are kept rather than thrown away.
 */

/**
 * - `gs1`: data is a GS1 element string (AIs, FNC1 sent as GS).
 * - `ean`: EAN-13 / UPC-A / UPC-E (]E0), possibly with an add-on (]E3).
 * - `ean8`: EAN-8 (]E4).
 * - `addon`: only the 2- or 5-digit add-on of an EAN/UPC (]E1, ]E2).
 * - `other`: any other symbology (Code 128, Code 39, ITF, plain Data Matrix or QR, …).
 * - `none`: the scanner sent no identifier.
 */
export type SymbologyFamily = 'gs1' | 'ean' | 'ean8' | 'addon' | 'other' | 'none';

export interface Symbology {
  id: string;
  name: string;
  family: Exclude<SymbologyFamily, 'none'>;
}

const KNOWN: readonly Symbology[] = [
  { id: ']C1', name: 'GS1-128', family: 'gs1' },
  { id: ']d2', name: 'GS1 DataMatrix', family: 'gs1' },
  { id: ']Q3', name: 'GS1 QR Code', family: 'gs1' },
  { id: ']e0', name: 'GS1 DataBar', family: 'gs1' },
  { id: ']J1', name: 'GS1 DotCode', family: 'gs1' },
  { id: ']E0', name: 'EAN-13 / UPC-A / UPC-E', family: 'ean' },
  { id: ']E1', name: 'EAN/UPC 2-digit add-on', family: 'addon' },
  { id: ']E2', name: 'EAN/UPC 5-digit add-on', family: 'addon' },
  { id: ']E3', name: 'EAN/UPC with add-on', family: 'ean' },
  { id: ']E4', name: 'EAN-8', family: 'ean8' },
  { id: ']C0', name: 'Code 128', family: 'other' },
  { id: ']A0', name: 'Code 39', family: 'other' },
  { id: ']I0', name: 'ITF', family: 'other' },
  { id: ']I1', name: 'ITF (check digit)', family: 'other' },
  { id: ']d1', name: 'Data Matrix', family: 'other' },
  { id: ']Q1', name: 'QR Code', family: 'other' },
];
const BY_ID = new Map(KNOWN.map((s) => [s.id, s]));

export interface StrippedScan {
  /** The scan without its symbology identifier. */
  data: string;
  /** The identifier as sent, e.g. `]C1`; absent when the scanner sent none. */
  symbologyId?: string;
  /** Human-readable symbology, when the identifier is one we know. */
  symbology?: string;
  family: SymbologyFamily;
}

/**
 * Splits a leading symbology identifier off a scan. Unknown but well-formed identifiers are
 * stripped too (family `other`) so that their three characters never leak into a code.
 */
export function stripSymbologyId(input: string): StrippedScan {
  const match = /^\][A-Za-z][0-9A-Za-z]/.exec(input);
  if (!match) return { data: input, family: 'none' };
  const id = match[0];
  const known = BY_ID.get(id);
  const data = input.slice(id.length);
  return known
    ? { data, symbologyId: id, symbology: known.name, family: known.family }
    : { data, symbologyId: id, family: 'other' };
}
