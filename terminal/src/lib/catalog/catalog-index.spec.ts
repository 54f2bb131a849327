import type { TillCatalogDto } from '@stockfleet/shared';
import { gtinCheckDigitOk, parseScanned } from '../barcode/scan-parse.js';
import { CatalogIndex } from './catalog-index.js';

const P1 = '00000000-0000-4000-8000-000000000001';
const P2 = '00000000-0000-4000-8000-000000000002';

function catalog(): TillCatalogDto {
  return {
    version: 'v1',
    products: [
      { id: P1, sku: 'WATER-500', name: 'Water 500 ml', category: 'drinks', unitPriceCents: 99, uom: 'piece' },
      { id: P2, sku: 'COLA-330', name: 'Cola 330 ml', category: 'drinks', unitPriceCents: 149, uom: 'piece' },
    ],
    barcodes: [
      { code: '4006381333931', productId: P1, multiplier: 1 },
      { code: '14006381333938', productId: P1, multiplier: 6 },
      { code: '036000291452', productId: P2, multiplier: 1 },
      { code: 'INT-77', productId: P2, multiplier: 1 },
      { code: '80614141123458', productId: P2, multiplier: 1 },
    ],
    staff: [{ id: 'ffffffff-0000-4000-8000-000000000001', name: 'Mei' }],
    zones: [],
  };
}

describe(CatalogIndex.name, () => {
  const sut = new CatalogIndex(catalog());

  it('finds an EAN-13 as scanned', () => {
    expect(sut.resolve(parseScanned('4006381333931'))).toMatchObject({ product: { id: P1 }, multiplier: 1 });
  });

  it('finds a UPC-A stored as 12 digits when scanned with its EAN-13 leading zero', () => {
    expect(sut.resolve(parseScanned('0036000291452'))).toMatchObject({ product: { id: P2 } });
  });

  it('finds a pack barcode with its multiplier', () => {
    expect(sut.resolve(parseScanned('14006381333938'))).toMatchObject({ product: { id: P1 }, multiplier: 6 });
  });

  it('finds a GS1 element string by its AI 01 GTIN', () => {
    expect(sut.resolve(parseScanned('(01)04006381333931(21)ABC'))?.product.id).toBe(P1);
  });

  it('finds internal codes and keyed SKUs (any case)', () => {
    expect(sut.resolve(parseScanned('INT-77'))?.product.id).toBe(P2);
    expect(sut.resolve(parseScanned('cola-330'))?.product.id).toBe(P2);
  });

  it('finds the GTIN inside an RFID tag (EPC SGTIN-96)', () => {
    const scan = parseScanned('3074257BF7194E4000001A85');
    expect(scan).toMatchObject({ ok: true, kind: 'epc', gtin14: '80614141123458' });
    expect(sut.resolve(scan)?.product.id).toBe(P2);
  });

  it('a GS1 count (AI 30) is carried as quantity', () => {
    const scan = parseScanned('(01)04006381333931(30)12');
    expect(scan).toMatchObject({ kind: 'gs1', quantity: 12 });
  });

  it('answers null for an unknown code and knows staff names', () => {
    expect(sut.resolve(parseScanned('5901234123457'))).toBeNull();
    expect(sut.staffName('ffffffff-0000-4000-8000-000000000001')).toBe('Mei');
  });
});

describe(parseScanned.name, () => {
  it('reports a bad check digit as not ok, with a reason', () => {
    const r = parseScanned('4006381333932');
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('INVALID_BARCODE');
  });

  it('gives GTIN candidates from longest to shortest, then the raw text', () => {
    const r = parseScanned('036000291452');
    expect(r.gtin14).toBe('00036000291452');
    expect(r.candidates).toEqual(['00036000291452', '0036000291452', '036000291452']);
  });

  it('checks GTIN check digits', () => {
    expect(gtinCheckDigitOk('4006381333931')).toBe(true);
    expect(gtinCheckDigitOk('96385074')).toBe(true);
    expect(gtinCheckDigitOk('4006381333932')).toBe(false);
  });
});
