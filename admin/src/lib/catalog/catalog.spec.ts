import { describe, expect, it } from '@jest/globals';
import { IMPORT_COLUMNS, type ProductDto } from '@stockfleet/shared';
import { checkCsvHeader, csvTemplate } from './csv-header';
import { addLine, defaultAdjustmentSign, exactMatch } from './match';
import { balanceFor, rowsFromOnHand } from './product-balances';

function product(over: Partial<ProductDto> = {}): ProductDto {
  return {
    id: 'p1', sku: 'MILK-1L', name: 'Milk 1 l', category: 'Dairy', unitCostCents: 80, unitPriceCents: 129, uom: 'piece', lowStockThreshold: 5,
    barcodes: [{ code: '4006381333931', kind: 'gtin', multiplier: 1 }, { code: '14006381333938', kind: 'pack', multiplier: 6 }],
    ...over,
  };
}

describe(checkCsvHeader.name, () => {
  it('accepts the import columns in any order, quoted, with a BOM', () => {
    const header = '\uFEFF' + [...IMPORT_COLUMNS].reverse().map((c) => `"${c}"`).join(',') + '\r\nrow';
    expect(checkCsvHeader(header)).toEqual({ missing: [], optional: [], unknown: [] });
  });
  it('names missing required, absent optional and unknown columns', () => {
    expect(checkCsvHeader('sku,name,colour\n')).toEqual({
      missing: ['category', 'unit_cost_cents'],
      optional: IMPORT_COLUMNS.filter((c) => !['sku', 'name', 'category', 'unit_cost_cents'].includes(c)),
      unknown: ['colour'],
    });
    expect(checkCsvHeader('sku,name,category,unit_cost_cents\n').missing).toEqual([]);
  });
  it('has a template whose header passes its own check', () => {
    expect(checkCsvHeader(csvTemplate())).toEqual({ missing: [], optional: [], unknown: [] });
    expect(csvTemplate().trim().split('\n')[1].split(',')).toHaveLength(IMPORT_COLUMNS.length);
  });
});

describe(exactMatch.name, () => {
  const milk = product();
  const other = product({ id: 'p2', sku: 'MILK-1L-LF', barcodes: [] });
  it('matches a scanned pack barcode with its multiplier', () => {
    expect(exactMatch([other, milk], '14006381333938')).toEqual({ product: milk, multiplier: 6 });
  });
  it('matches a SKU case-insensitively', () => {
    expect(exactMatch([other, milk], ' milk-1l ')).toEqual({ product: milk, multiplier: 1 });
  });
  it('does not guess on partial text', () => {
    expect(exactMatch([other, milk], 'MILK')).toBeNull();
    expect(exactMatch([milk], '')).toBeNull();
  });
});

describe(addLine.name, () => {
  it('adds to the quantity when the same product is scanned again', () => {
    const milk = product();
    const sut = addLine(addLine([], milk, 6), milk, 1);
    expect(sut).toEqual([{ product: milk, quantity: 7 }]);
    addLine(sut, product({ id: 'p2' }), 2);
    expect(sut.map((l) => l.quantity)).toEqual([7, 2]);
  });
});

describe(defaultAdjustmentSign.name, () => {
  it('takes stock away for losses only', () => {
    expect(['damage', 'expiry', 'theft', 'correction', 'counting_error'].map(defaultAdjustmentSign)).toEqual([-1, -1, -1, 1, 1]);
  });
});

describe(balanceFor.name, () => {
  it('picks the product’s own row from a fuzzy search', () => {
    const rows = [{ productId: 'p2' }, { productId: 'p1' }].map((r) => ({ storeId: 's', sku: '', name: '', category: '', onHand: 1, lowStockThreshold: 0, low: false, ...r }));
    expect(balanceFor(rows, 'p1')?.productId).toBe('p1');
    expect(balanceFor(rows, 'p3')).toBeUndefined();
  });
});

describe(rowsFromOnHand.name, () => {
  it('lists the visible stores that hold a balance, in store order, and flags low stock as the hub does', () => {
    const stores = [{ id: 's1', name: 'One' }, { id: 's2', name: 'Two' }, { id: 's3', name: 'Three' }];
    expect(rowsFromOnHand([{ storeId: 's2', onHand: 12 }, { storeId: 's1', onHand: 3 }, { storeId: 's3', onHand: 5 }], stores, 5)).toEqual([
      { storeId: 's1', storeName: 'One', onHand: 3, low: true },
      { storeId: 's2', storeName: 'Two', onHand: 12, low: false },
      { storeId: 's3', storeName: 'Three', onHand: 5, low: false },
    ]);
    expect(rowsFromOnHand([{ storeId: 's3', onHand: -2 }], stores, 0)).toEqual([{ storeId: 's3', storeName: 'Three', onHand: -2, low: true }]);
    expect(rowsFromOnHand([], stores, 5)).toEqual([]);
  });
});
