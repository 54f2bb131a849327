/**
 * RFID readers report the same tag many times a second while it is in the field. One tag counts
 * once per session (a count session, or until reset), however often it is read.
 */
export function normaliseEpc(line: string): string | null {
  const s = line.trim().replace(/^(?:urn:epc:raw:|EPC:|epc=)/i, '').replace(/[\s:-]/g, '').toUpperCase();
  // EPCs are whole 16-bit words: 96-bit (24 hex) is the common SGTIN-96; allow 64..496 bits.
  if (!/^[0-9A-F]+$/.test(s) || s.length % 4 !== 0 || s.length < 16 || s.length > 124) return null;
  return s;
}

export class EpcDedupe {
  readonly #seen = new Set<string>();

  constructor(private readonly maxTags = 200_000) {}

  /** The normalised EPC when it is new in this session, otherwise null (repeat or not an EPC). */
  accept(line: string): string | null {
    const epc = normaliseEpc(line);
    if (!epc || this.#seen.has(epc)) return null;
    if (this.#seen.size >= this.maxTags) this.#seen.clear();
    this.#seen.add(epc);
    return epc;
  }

  get size(): number {
    return this.#seen.size;
  }

  reset(): void {
    this.#seen.clear();
  }
}
