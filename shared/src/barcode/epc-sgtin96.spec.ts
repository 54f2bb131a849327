import fc from 'fast-check';
import type { BarcodeProblem } from './barcode-error.js';
import { SGTIN96_MAX_SERIAL, decodeSgtin96, encodeSgtin96, parseSgtinUri, sgtinUri } from './epc-sgtin96.js';
import { gtinCheckDigit } from './gtin.js';

const withProblem = (problem: BarcodeProblem) => expect.objectContaining({ problem });

describe(decodeSgtin96.name, () => {
  it('decodes the EPC Tag Data Standard example', () => {
    expect(decodeSgtin96('3074257BF7194E4000001A85')).toEqual({
      filter: 3,
      partition: 5,
      companyPrefix: '0614141',
      itemReference: '812345',
      serial: '6789',
      gtin: '80614141123458',
      uri: 'urn:epc:id:sgtin:0614141.812345.6789',
    });
  });

  it('accepts lower-case hex', () => {
    expect(decodeSgtin96('3074257bf7194e4000001a85').gtin).toBe('80614141123458');
  });

  it.each([
    // Same GTIN split at other partitions (12- and 6-digit prefixes), then the largest serial.
    ['3020393243F1660000000000', 0, '061414112345', '8', '0', '80614141123458'],
    ['3048249B0CC3CB000000002A', 2, '0614141123', '812', '42', '80614141123120'],
    ['30383BF984B5A1FFFFFFFFFF', 6, '061414', '1234567', '274877906943', '10614142345676'],
  ])('%s → partition %i', (hex, partition, companyPrefix, itemReference, serial, gtin) => {
    expect(decodeSgtin96(hex)).toMatchObject({ partition, companyPrefix, itemReference, serial, gtin });
  });

  it.each<[string, BarcodeProblem, RegExp]>([
    ['3174257BF7194E4000001A85', 'BAD_EPC_HEADER', /0x31 is SSCC-96/],
    ['E28011052000743A4A3C0ABC', 'BAD_EPC_HEADER', /TID/],
    ['0074257BF7194E4000001A85', 'BAD_EPC_HEADER', /0x00 is not SGTIN-96/],
    ['307C257BF7194E4000001A85', 'BAD_EPC_PARTITION', /partition 7/],
    ['3074257BF7194E4000001A8', 'BAD_LENGTH', /./],
    ['3074257BF7194E4000001A850', 'BAD_LENGTH', /./],
    ['3074257BF7194E4000001A8G', 'BAD_CHARACTERS', /./],
    // Partition 5 with all company-prefix bits set: 16777215 does not fit in 7 digits.
    ['3077FFFFF7194E4000001A85', 'BAD_EPC_VALUE', /./],
  ])('%s → %s', (hex, problem, message) => {
    expect(() => decodeSgtin96(hex)).toThrow(withProblem(problem));
    expect(() => decodeSgtin96(hex)).toThrow(message);
  });
});

describe(encodeSgtin96.name, () => {
  it('encodes the EPC Tag Data Standard example', () => {
    expect(encodeSgtin96({ gtin: '80614141123458', serial: '6789', companyPrefixLength: 7, filter: 3 })).toBe(
      '3074257BF7194E4000001A85',
    );
    expect(encodeSgtin96({ gtin: '80614141123458', serial: 6789n, companyPrefixLength: 7, filter: 3 })).toBe(
      '3074257BF7194E4000001A85',
    );
  });

  it('defaults to filter 1 (point-of-sale item) and pads GTIN-13 to GTIN-14', () => {
    expect(decodeSgtin96(encodeSgtin96({ gtin: '4006381333931', serial: 1, companyPrefixLength: 7 }))).toMatchObject({
      filter: 1,
      gtin: '04006381333931',
      companyPrefix: '4006381',
      itemReference: '033393',
    });
  });

  it.each<[string, Parameters<typeof encodeSgtin96>[0], BarcodeProblem]>([
    ['bad GTIN', { gtin: '80614141123459', serial: 1, companyPrefixLength: 7 }, 'BAD_CHECK_DIGIT'],
    ['prefix too short', { gtin: '80614141123458', serial: 1, companyPrefixLength: 5 }, 'BAD_EPC_PARTITION'],
    ['prefix too long', { gtin: '80614141123458', serial: 1, companyPrefixLength: 13 }, 'BAD_EPC_PARTITION'],
    ['filter 8', { gtin: '80614141123458', serial: 1, companyPrefixLength: 7, filter: 8 }, 'BAD_EPC_VALUE'],
    ['serial 2^38', { gtin: '80614141123458', serial: SGTIN96_MAX_SERIAL + 1n, companyPrefixLength: 7 }, 'BAD_EPC_VALUE'],
    ['negative serial', { gtin: '80614141123458', serial: -1, companyPrefixLength: 7 }, 'BAD_EPC_VALUE'],
    ['serial with a leading zero', { gtin: '80614141123458', serial: '0123', companyPrefixLength: 7 }, 'BAD_EPC_VALUE'],
    ['alphanumeric serial', { gtin: '80614141123458', serial: 'A1', companyPrefixLength: 7 }, 'BAD_EPC_VALUE'],
    ['fractional serial', { gtin: '80614141123458', serial: 1.5, companyPrefixLength: 7 }, 'BAD_EPC_VALUE'],
  ])('rejects %s', (_label, input, problem) => {
    expect(() => encodeSgtin96(input)).toThrow(withProblem(problem));
  });

  it('round-trips through decodeSgtin96 for every partition, filter and serial', () => {
    const gtin = fc.stringMatching(/^\d{13}$/).map((b) => `${b}${gtinCheckDigit(b)}`);
    fc.assert(
      fc.property(
        gtin,
        fc.integer({ min: 6, max: 12 }),
        fc.bigInt({ min: 0n, max: SGTIN96_MAX_SERIAL }),
        fc.integer({ min: 0, max: 7 }),
        (g, companyPrefixLength, serial, filter) => {
          const hex = encodeSgtin96({ gtin: g, serial, companyPrefixLength, filter });
          expect(hex).toMatch(/^30[0-9A-F]{22}$/);
          const decoded = decodeSgtin96(hex);
          expect(decoded).toMatchObject({
            gtin: g,
            serial: serial.toString(),
            filter,
            partition: 12 - companyPrefixLength,
            companyPrefix: g.slice(1, 1 + companyPrefixLength),
          });
          expect(parseSgtinUri(decoded.uri)).toEqual({
            companyPrefix: decoded.companyPrefix,
            itemReference: decoded.itemReference,
            serial: decoded.serial,
            gtin: g,
          });
        },
      ),
    );
  });
});

describe(parseSgtinUri.name, () => {
  it('reads the EPC Tag Data Standard example', () => {
    expect(parseSgtinUri('urn:epc:id:sgtin:0614141.812345.6789')).toEqual({
      companyPrefix: '0614141',
      itemReference: '812345',
      serial: '6789',
      gtin: '80614141123458',
    });
  });

  it('percent-decodes alphanumeric serials', () => {
    expect(parseSgtinUri('urn:epc:id:sgtin:0614141.812345.A%2FB-7').serial).toBe('A/B-7');
  });

  it.each([
    'urn:epc:id:sgtin:0614141.81234.6789', // 12 digits, not 13
    'urn:epc:id:sscc:0614141.1234567890',
    'urn:epc:id:sgtin:0614141.812345.',
    'urn:epc:id:sgtin:0614141.812345.%ZZ',
    'urn:epc:id:sgtin:0614141.812345.123456789012345678901',
    'urn:epc:id:sgtin:0614141.812345.a b',
  ])('rejects %s', (uri) => {
    expect(() => parseSgtinUri(uri)).toThrow(withProblem('BAD_EPC_URI'));
  });
});

describe(sgtinUri.name, () => {
  it('escapes the characters TDS reserves', () => {
    expect(sgtinUri('0614141', '812345', 'A/B%1')).toBe('urn:epc:id:sgtin:0614141.812345.A%2FB%251');
  });
});
