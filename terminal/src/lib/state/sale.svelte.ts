import { uuidv7, type SaleInput } from '@stockfleet/shared';
import {
  addItem,
  BasketFullError,
  emptyBasket,
  isOpen,
  itemCount,
  removeLine,
  setKind,
  setQuantity,
  stepQuantity,
  toSale,
  totalCents,
  type Basket,
  type BasketKind,
} from '../basket/basket.js';
import { parseScanned } from '../barcode/scan-parse.js';
import type { CatalogIndex } from '../catalog/catalog-index.js';
import { KV, type KvStore } from '../storage/db.js';
import type { OutboxState } from './outbox.svelte.js';

export interface ParkedBasket {
  basket: Basket;
  reason: 'manual' | 'freeze';
  parkedAt: number;
}

export type Notice = { key: 'sell.unknownCode' | 'sell.invalidCode'; code: string } | { key: 'sell.noCatalog' | 'sell.basketFull' };

export interface SaleContext {
  catalog(): CatalogIndex | null;
  storeId(): string | null;
  staffId(): string | null;
  /** False once the hub asked for a freeze: the open basket may be finished, no new one started. */
  mayStartSale(): boolean;
}

/** Time-ordered (UUIDv7): the hub's primary key index grows at its right edge. */
function uuid(): string {
  return uuidv7();
}

/**
 * The basket on the selling screen. Every change is saved to IndexedDB, so a reboot mid-sale comes
 * back to the same basket; a completed sale is written to the outbox before the screen moves on.
 */
export class SaleState {
  basket = $state<Basket>(emptyBasket(uuid()));
  parked = $state<ParkedBasket[]>([]);
  notice = $state<Notice | null>(null);
  lastCompleted = $state<{ seq: number; kind: BasketKind; at: number } | null>(null);
  saving = $state(false);
  error = $state<string | null>(null);

  readonly total = $derived(totalCents(this.basket));
  readonly count = $derived(itemCount(this.basket));
  readonly open = $derived(isOpen(this.basket));

  constructor(
    private readonly kv: KvStore,
    private readonly outbox: OutboxState,
    private readonly ctx: SaleContext,
  ) {}

  async load(): Promise<void> {
    const [basket, parked] = await Promise.all([this.kv.get<Basket>(KV.basket), this.kv.get<ParkedBasket[]>(KV.parked)]);
    if (basket && Array.isArray(basket.lines)) this.basket = basket;
    this.parked = Array.isArray(parked) ? parked : [];
  }

  /** A scan or a keyed code on the selling screen. Returns true when a line was added. */
  scan(raw: string): boolean {
    this.notice = null;
    const catalog = this.ctx.catalog();
    const parsed = parseScanned(raw, { rcnLayouts: catalog?.rcnLayouts });
    if (!parsed.raw) return false;
    if (!catalog) {
      this.notice = { key: 'sell.noCatalog' };
      return false;
    }
    const hit = catalog.resolve(parsed);
    if (!hit) {
      this.notice = parsed.ok ? { key: 'sell.unknownCode', code: parsed.raw } : { key: 'sell.invalidCode', code: parsed.raw };
      return false;
    }
    if (!this.open && !this.ctx.mayStartSale()) return false;
    // Variable-measure codes: a printed price is the line's price for one unit; a printed weight
    // is the quantity of a product sold by the gram.
    const byWeight = parsed.weightGrams !== null && hit.product.uom === 'g';
    const unitPriceCents = parsed.priceCents ?? hit.product.unitPriceCents;
    const qty = byWeight ? Math.max(1, Math.round(parsed.weightGrams ?? 1)) : hit.multiplier * (parsed.quantity ?? 1);
    try {
      this.#set(
        addItem(this.basket, { productId: hit.product.id, sku: hit.product.sku, name: hit.product.name, code: hit.code, unitPriceCents }, qty),
      );
      return true;
    } catch (err) {
      if (err instanceof BasketFullError) this.notice = { key: 'sell.basketFull' };
      return false;
    }
  }

  step(key: string, delta: number): void {
    this.#set(stepQuantity(this.basket, key, delta));
  }

  setQty(key: string, qty: number): void {
    this.#set(setQuantity(this.basket, key, qty));
  }

  remove(key: string): void {
    this.#set(removeLine(this.basket, key));
  }

  toggleReturn(): void {
    this.#set(setKind(this.basket, this.basket.kind === 'sale' ? 'return' : 'sale'));
  }

  clear(): void {
    this.#set(emptyBasket(uuid(), this.basket.kind));
  }

  /**
   * Writes the sale to the outbox (seq allocated in the same transaction) and starts a new basket.
   * The basket id is the sale id: if the write fails the basket stays and a retry is the same sale.
   */
  async complete(tender: SaleInput['tender']): Promise<number | null> {
    const storeId = this.ctx.storeId();
    if (!this.open || !storeId || this.saving) return null;
    this.saving = true;
    this.error = null;
    const basket = $state.snapshot(this.basket) as Basket;
    try {
      const entry = await this.outbox.enqueue('sale', basket.id, (seq) =>
        toSale(basket, { storeId, seq, at: Date.now(), tender, staffId: this.ctx.staffId() }),
      );
      this.lastCompleted = { seq: entry.seq, kind: basket.kind, at: Date.now() };
      this.#set(emptyBasket(uuid(), 'sale'));
      return entry.seq;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return null;
    } finally {
      this.saving = false;
    }
  }

  /** Moves the open basket aside (by hand, or when a freeze's grace period runs out). */
  async park(reason: ParkedBasket['reason']): Promise<boolean> {
    if (!this.open) return false;
    const entry: ParkedBasket = { basket: $state.snapshot(this.basket) as Basket, reason, parkedAt: Date.now() };
    const parked = [...this.parked, entry];
    // Parked list first, then the new empty basket: a crash in between duplicates, never loses.
    await this.kv.set(KV.parked, parked);
    this.parked = parked;
    this.#set(emptyBasket(uuid(), 'sale'));
    return true;
  }

  /** Brings a parked basket back; the open one (if any) is parked in its place. */
  async restore(index: number): Promise<void> {
    const entry = this.parked[index];
    if (!entry) return;
    const rest = this.parked.filter((_, i) => i !== index);
    if (this.open) rest.push({ basket: $state.snapshot(this.basket) as Basket, reason: 'manual', parkedAt: Date.now() });
    this.#set(entry.basket);
    await this.kv.set(KV.parked, rest);
    this.parked = rest;
  }

  /** After a freeze: restores the basket the freeze parked, if the till is idle. */
  async restoreAfterFreeze(): Promise<boolean> {
    if (this.open) return false;
    const idx = this.parked.findLastIndex((p) => p.reason === 'freeze');
    if (idx < 0) return false;
    // Only the latest freeze's basket comes back by itself; older ones wait in the parked list.
    this.parked = this.parked.map((p, i) => (i === idx || p.reason !== 'freeze' ? p : { ...p, reason: 'manual' }));
    await this.restore(idx);
    return true;
  }

  #set(basket: Basket): void {
    this.basket = basket;
    void this.kv.set(KV.basket, basket);
  }
}
