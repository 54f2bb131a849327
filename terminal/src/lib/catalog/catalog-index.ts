import type { RcnLayout, TillCatalogDto } from '@stockfleet/shared';
import type { ParsedScan } from '../barcode/scan-parse.js';
import { gtinCheckDigitOk, gtinVariants } from '../barcode/scan-parse.js';

export type CatalogProduct = TillCatalogDto['products'][number];

export interface Resolved {
  product: CatalogProduct;
  /** Units one scan of this code means (pack barcodes). */
  multiplier: number;
  /** The code as it matched the catalogue. */
  code: string;
}

/** In-memory lookups over the cached catalogue: barcode (any GTIN length), SKU, product id. */
export class CatalogIndex {
  readonly #byId = new Map<string, CatalogProduct>();
  readonly #byCode = new Map<string, { productId: string; multiplier: number; code: string }>();
  readonly #bySku = new Map<string, CatalogProduct>();
  readonly #staff = new Map<string, string>();

  constructor(readonly catalog: TillCatalogDto) {
    for (const p of catalog.products) {
      this.#byId.set(p.id, p);
      this.#bySku.set(p.sku.toUpperCase(), p);
    }
    for (const b of catalog.barcodes) {
      const entry = { productId: b.productId, multiplier: Math.max(1, b.multiplier || 1), code: b.code };
      this.#byCode.set(b.code, entry);
      // A GTIN stored as 8/12/13 digits also answers to its 14-digit form and vice versa.
      if (gtinCheckDigitOk(b.code)) {
        for (const v of gtinVariants(b.code.padStart(14, '0'))) if (!this.#byCode.has(v)) this.#byCode.set(v, entry);
      }
    }
    for (const s of catalog.staff) this.#staff.set(s.id, s.name);
  }

  /** Variable-measure layouts, if the hub's catalogue carries them (not yet in TillCatalogDto). */
  get rcnLayouts(): readonly RcnLayout[] | undefined {
    const l = (this.catalog as TillCatalogDto & { rcnLayouts?: unknown }).rcnLayouts;
    return Array.isArray(l) && l.length > 0 ? (l as RcnLayout[]) : undefined;
  }

  get version(): string {
    return this.catalog.version;
  }

  get size(): number {
    return this.#byId.size;
  }

  product(id: string): CatalogProduct | undefined {
    return this.#byId.get(id);
  }

  staffName(id: string): string | undefined {
    return this.#staff.get(id);
  }

  /** Barcode candidates first, then the raw text as a SKU (keyed entry). */
  resolve(scan: Pick<ParsedScan, 'candidates' | 'raw'>): Resolved | null {
    for (const c of scan.candidates) {
      const hit = this.#byCode.get(c);
      const product = hit && this.#byId.get(hit.productId);
      if (hit && product) return { product, multiplier: hit.multiplier, code: hit.code };
    }
    const bySku = this.#bySku.get(scan.raw.trim().toUpperCase());
    return bySku ? { product: bySku, multiplier: 1, code: bySku.sku } : null;
  }
}
