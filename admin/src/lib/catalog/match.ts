import type { ProductDto } from '@stockfleet/shared';

export interface CodeMatch {
  product: ProductDto;
  /** Units one scan of the code means (pack barcodes), 1 for a SKU. */
  multiplier: number;
}

/** A result whose barcode or SKU is exactly what was typed or scanned. */
export function exactMatch(products: readonly ProductDto[], typed: string): CodeMatch | null {
  const code = typed.trim();
  if (!code) return null;
  for (const p of products) {
    const b = p.barcodes.find((x) => x.code === code);
    if (b) return { product: p, multiplier: b.multiplier };
  }
  const lower = code.toLowerCase();
  const bySku = products.find((p) => p.sku.toLowerCase() === lower);
  return bySku ? { product: bySku, multiplier: 1 } : null;
}

export interface DraftLine {
  product: ProductDto;
  quantity: number;
}

/** Add a picked product to a movement's lines; scanning the same product again adds to its quantity. */
export function addLine(lines: DraftLine[], product: ProductDto, quantity: number): DraftLine[] {
  const existing = lines.find((l) => l.product.id === product.id);
  if (existing) {
    existing.quantity += quantity;
    return lines;
  }
  lines.push({ product, quantity });
  return lines;
}

/** Loss reasons take stock away, so their lines start negative. */
export function defaultAdjustmentSign(reason: string): 1 | -1 {
  return reason === 'damage' || reason === 'expiry' || reason === 'theft' ? -1 : 1;
}
