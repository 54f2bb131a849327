import fc from 'fast-check';
import { SaleSchema } from '@stockfleet/shared';
import {
  addItem,
  BasketFullError,
  emptyBasket,
  formatCents,
  itemCount,
  MAX_LINES,
  removeLine,
  setQuantity,
  stepQuantity,
  toSale,
  totalCents,
  type BasketItem,
} from './basket.js';

const BASKET_ID = '5f1b6a2c-8d3e-4f7a-9b1c-2d3e4f5a6b7c';
const STORE = '7b0f1c3e-2b7a-4d8e-9a51-0c7f4a2d9e11';
const STAFF = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';

function item(n: number, price = 250): BasketItem {
  return { productId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, sku: `SKU-${n}`, name: `Item ${n}`, code: `400638133393${n % 10}`, unitPriceCents: price };
}

describe('basket', () => {
  it('a repeat scan of the same product adds quantity to its line', () => {
    let sut = emptyBasket(BASKET_ID);
    sut = addItem(sut, item(1));
    sut = addItem(sut, item(2, 100));
    sut = addItem(sut, item(1));
    expect(sut.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['SKU-1', 2],
      ['SKU-2', 1],
    ]);
    expect(totalCents(sut)).toBe(600);
    expect(itemCount(sut)).toBe(3);
  });

  it('a pack barcode adds its multiplier; the same product at another price is another line', () => {
    let sut = addItem(emptyBasket(BASKET_ID), item(1), 6);
    sut = addItem(sut, item(1, 199));
    expect(sut.lines.map((l) => l.quantity)).toEqual([6, 1]);
  });

  it('+/- and edit keep quantity between 1 and 1,000,000; remove drops the line', () => {
    let sut = addItem(emptyBasket(BASKET_ID), item(1));
    const key = sut.lines[0].key;
    sut = stepQuantity(sut, key, -1);
    expect(sut.lines[0].quantity).toBe(1);
    sut = stepQuantity(sut, key, +1);
    expect(sut.lines[0].quantity).toBe(2);
    sut = setQuantity(sut, key, 5_000_000);
    expect(sut.lines[0].quantity).toBe(1_000_000);
    sut = setQuantity(sut, key, 0);
    expect(sut.lines[0].quantity).toBe(1);
    sut = removeLine(sut, key);
    expect(sut.lines).toEqual([]);
  });

  it('refuses a line beyond the contract maximum', () => {
    let sut = emptyBasket(BASKET_ID);
    for (let i = 0; i < MAX_LINES; i++) sut = addItem(sut, item(i));
    expect(() => addItem(sut, item(MAX_LINES + 1))).toThrow(BasketFullError);
    expect(addItem(sut, item(0)).lines).toHaveLength(MAX_LINES);
  });

  it('never mutates the basket it was given', () => {
    const sut = addItem(emptyBasket(BASKET_ID), item(1));
    const frozen = JSON.stringify(sut);
    addItem(sut, item(1));
    stepQuantity(sut, sut.lines[0].key, 3);
    removeLine(sut, sut.lines[0].key);
    expect(JSON.stringify(sut)).toBe(frozen);
  });

  it('turns into a sale the hub schema accepts, with the basket id as the sale id', () => {
    const basket = addItem(addItem(emptyBasket(BASKET_ID, 'return'), item(1)), item(2), 3);
    const sut = toSale(basket, { storeId: STORE, seq: 42, at: 1_700_000_000_000, tender: 'card', staffId: STAFF });
    expect(SaleSchema.parse(sut)).toEqual(sut);
    expect(sut).toMatchObject({ id: BASKET_ID, kind: 'return', seq: 42, tender: 'card', staffId: STAFF });
    expect(sut.lines).toHaveLength(2);
    expect('staffId' in toSale(basket, { storeId: STORE, seq: 1, at: 0, tender: 'cash', staffId: null })).toBe(false);
  });

  it('the total is the sum of price × quantity whatever the order of scans', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 20 })), { maxLength: 40 }), (scans) => {
        let sut = emptyBasket(BASKET_ID);
        let expected = 0;
        for (const [n, q] of scans) {
          sut = addItem(sut, item(n, 100 + n), q);
          expected += (100 + n) * q;
        }
        return totalCents(sut) === expected && new Set(sut.lines.map((l) => l.key)).size === sut.lines.length;
      }),
    );
  });

  it('formats cents with two decimals', () => {
    expect(formatCents(123456, 'en')).toBe('1,234.56');
    expect(formatCents(5, 'en')).toBe('0.05');
    expect(formatCents(-250, 'en')).toBe('-2.50');
  });
});
