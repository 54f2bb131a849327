import type { SaleInput } from '@stockfleet/shared';

export const MAX_LINE_QTY = 1_000_000;
export const MAX_LINES = 500;

export type BasketKind = 'sale' | 'return';

export interface BasketLine {
  /** Same product at the same price → same line (a repeat scan adds quantity). */
  key: string;
  productId: string;
  sku: string;
  name: string;
  code: string | null;
  unitPriceCents: number;
  quantity: number;
}

export interface Basket {
  /** Becomes the sale's client UUID when completed: a retry of the same basket is the same sale. */
  id: string;
  kind: BasketKind;
  openedAt: number;
  lines: BasketLine[];
}

export interface BasketItem {
  productId: string;
  sku: string;
  name: string;
  code: string | null;
  unitPriceCents: number;
}

export function emptyBasket(id: string, kind: BasketKind = 'sale', now = Date.now()): Basket {
  return { id, kind, openedAt: now, lines: [] };
}

export function lineKey(item: Pick<BasketItem, 'productId' | 'unitPriceCents'>): string {
  return `${item.productId}@${item.unitPriceCents}`;
}

function clampQty(q: number): number {
  if (!Number.isFinite(q)) return 1;
  return Math.min(MAX_LINE_QTY, Math.max(1, Math.trunc(q)));
}

/** Adds `quantity` units of an item; a repeat of the same product and price adds to its line. */
export function addItem(basket: Basket, item: BasketItem, quantity = 1): Basket {
  const key = lineKey(item);
  const idx = basket.lines.findIndex((l) => l.key === key);
  if (idx >= 0) {
    const lines = basket.lines.slice();
    lines[idx] = { ...lines[idx], quantity: clampQty(lines[idx].quantity + quantity) };
    return { ...basket, lines };
  }
  if (basket.lines.length >= MAX_LINES) throw new BasketFullError();
  return { ...basket, lines: [...basket.lines, { key, ...item, quantity: clampQty(quantity) }] };
}

export class BasketFullError extends Error {
  constructor() {
    super(`a basket holds at most ${MAX_LINES} lines`);
  }
}

export function setQuantity(basket: Basket, key: string, quantity: number): Basket {
  return { ...basket, lines: basket.lines.map((l) => (l.key === key ? { ...l, quantity: clampQty(quantity) } : l)) };
}

/** +1 / −1; going below 1 keeps 1 (removing a line is its own, deliberate action). */
export function stepQuantity(basket: Basket, key: string, delta: number): Basket {
  const line = basket.lines.find((l) => l.key === key);
  return line ? setQuantity(basket, key, line.quantity + delta) : basket;
}

export function removeLine(basket: Basket, key: string): Basket {
  return { ...basket, lines: basket.lines.filter((l) => l.key !== key) };
}

export function setKind(basket: Basket, kind: BasketKind): Basket {
  return { ...basket, kind };
}

export function lineTotalCents(line: BasketLine): number {
  return line.unitPriceCents * line.quantity;
}

export function totalCents(basket: Basket): number {
  return basket.lines.reduce((sum, l) => sum + lineTotalCents(l), 0);
}

export function itemCount(basket: Basket): number {
  return basket.lines.reduce((sum, l) => sum + l.quantity, 0);
}

export function isOpen(basket: Basket | null | undefined): boolean {
  return !!basket && basket.lines.length > 0;
}

/** The sale as the hub receives it (SaleSchema). */
export function toSale(
  basket: Basket,
  ctx: { storeId: string; seq: number; at: number; tender: SaleInput['tender']; staffId: string | null },
): SaleInput {
  const sale: SaleInput = {
    id: basket.id,
    kind: basket.kind,
    storeId: ctx.storeId,
    seq: ctx.seq,
    at: ctx.at,
    tender: ctx.tender,
    lines: basket.lines.map((l) => ({
      productId: l.productId,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      ...(l.code ? { code: l.code.slice(0, 64) } : {}),
    })),
  };
  if (ctx.staffId) sale.staffId = ctx.staffId;
  return sale;
}

/** Money without a currency symbol (the contract carries none): 1234 → "12.34", grouped per locale. */
export function formatCents(cents: number, locale = 'en'): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  const fmt = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return sign + fmt.format(abs / 100);
}
