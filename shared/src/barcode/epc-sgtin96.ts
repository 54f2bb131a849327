import { BarcodeError, quote } from './barcode-error.js';
import { GS1_CHARSET_82 } from './gs1-ai.js';
import { gtinCheckDigit, normaliseGtin } from './gtin.js';

/**
 * EPC SGTIN-96 as RFID tags carry it (GS1 EPC Tag Data Standard): header 0x30, filter (3 bits),
 * partition (3 bits), company prefix and item reference sharing 44 bits as the partition says,
 * and a 38-bit numeric serial. The indicator digit travels as the first digit of the item reference.
 */
export interface Sgtin96 {
  filter: number;
  partition: number;
  companyPrefix: string;
  /** Indicator digit followed by the item reference proper, as in the EPC URI. */
  itemReference: string;
  /** Decimal, without leading zeros; up to 2^38 - 1, so it can exceed 32 bits. */
  serial: string;
  gtin: string;
  /** Pure identity URI, `urn:epc:id:sgtin:CompanyPrefix.ItemRef.Serial`. */
  uri: string;
}

export interface Sgtin96Input {
  gtin: string;
  serial: string | number | bigint;
  /** Digits of the GS1 company prefix inside the GTIN (6–12); it cannot be read off the GTIN itself. */
  companyPrefixLength: number;
  /** 0 all others, 1 point-of-sale item, 2 full case, 6 unit load, 7 component… Default 1. */
  filter?: number;
}

export interface SgtinIdentity {
  companyPrefix: string;
  itemReference: string;
  serial: string;
  gtin: string;
}

export const SGTIN96_HEADER = 0x30;
export const SGTIN96_MAX_SERIAL = (1n << 38n) - 1n;

/** TDS partition table: partition value → bits and digits of company prefix and item reference. */
const PARTITIONS = [
  { companyBits: 40, companyDigits: 12, itemBits: 4, itemDigits: 1 },
  { companyBits: 37, companyDigits: 11, itemBits: 7, itemDigits: 2 },
  { companyBits: 34, companyDigits: 10, itemBits: 10, itemDigits: 3 },
  { companyBits: 30, companyDigits: 9, itemBits: 14, itemDigits: 4 },
  { companyBits: 27, companyDigits: 8, itemBits: 17, itemDigits: 5 },
  { companyBits: 24, companyDigits: 7, itemBits: 20, itemDigits: 6 },
  { companyBits: 20, companyDigits: 6, itemBits: 24, itemDigits: 7 },
] as const;

/** Other EPC-96 headers, named so a reader that picks up a pallet tag gets a useful message. */
const OTHER_HEADERS: Readonly<Record<number, string>> = {
  0x31: 'SSCC-96',
  0x32: 'SGLN-96',
  0x33: 'GRAI-96',
  0x34: 'GIAI-96',
  0x35: 'GID-96',
  0x2c: 'GDTI-96',
  0x2d: 'GSRN-96',
  0x36: 'SGTIN-198',
  0xe2: 'TID (not an EPC)',
};

function mask(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** Decodes a 96-bit SGTIN EPC given as 24 hex digits (either case). */
export function decodeSgtin96(hex: string): Sgtin96 {
  if (hex.length !== 24) throw new BarcodeError('BAD_LENGTH', `an EPC-96 has 24 hex digits, got ${hex.length}`);
  if (!/^[0-9A-Fa-f]{24}$/.test(hex)) throw new BarcodeError('BAD_CHARACTERS', `an EPC is hexadecimal, got ${quote(hex)}`);
  const bits = BigInt(`0x${hex}`);
  const header = Number(bits >> 88n);
  if (header !== SGTIN96_HEADER) {
    const known = OTHER_HEADERS[header];
    const what = known ? `${known}, not SGTIN-96` : 'not SGTIN-96';
    throw new BarcodeError('BAD_EPC_HEADER', `EPC header 0x${header.toString(16).padStart(2, '0').toUpperCase()} is ${what}`);
  }
  const filter = Number((bits >> 85n) & 7n);
  const partition = Number((bits >> 82n) & 7n);
  const layout = PARTITIONS[partition];
  if (!layout) throw new BarcodeError('BAD_EPC_PARTITION', `SGTIN-96 partition ${partition} is not defined`);
  const companyAndItem = (bits >> 38n) & mask(44);
  const company = companyAndItem >> BigInt(layout.itemBits);
  const item = companyAndItem & mask(layout.itemBits);
  // The bit fields can hold more than their decimal digits; such tags are malformed, not truncatable.
  if (company >= 10n ** BigInt(layout.companyDigits) || item >= 10n ** BigInt(layout.itemDigits)) {
    throw new BarcodeError(
      'BAD_EPC_VALUE',
      `SGTIN-96 ${quote(hex)} has a company prefix or item reference too large for partition ${partition}`,
    );
  }
  const companyPrefix = company.toString().padStart(layout.companyDigits, '0');
  const itemReference = item.toString().padStart(layout.itemDigits, '0');
  const serial = (bits & SGTIN96_MAX_SERIAL).toString();
  return {
    filter,
    partition,
    companyPrefix,
    itemReference,
    serial,
    gtin: gtinOf(companyPrefix, itemReference),
    uri: sgtinUri(companyPrefix, itemReference, serial),
  };
}

/** Encodes a GTIN and numeric serial as SGTIN-96, 24 upper-case hex digits. */
export function encodeSgtin96(input: Sgtin96Input): string {
  const gtin = normaliseGtin(input.gtin);
  const { companyPrefixLength } = input;
  const filter = input.filter ?? 1;
  if (!Number.isInteger(companyPrefixLength) || companyPrefixLength < 6 || companyPrefixLength > 12) {
    throw new BarcodeError('BAD_EPC_PARTITION', `a GS1 company prefix has 6 to 12 digits, got ${companyPrefixLength}`);
  }
  if (!Number.isInteger(filter) || filter < 0 || filter > 7) {
    throw new BarcodeError('BAD_EPC_VALUE', `an SGTIN filter is 0 to 7, got ${filter}`);
  }
  const partition = 12 - companyPrefixLength;
  const layout = PARTITIONS[partition];
  const company = BigInt(gtin.slice(1, 1 + companyPrefixLength));
  const item = BigInt(`${gtin[0]}${gtin.slice(1 + companyPrefixLength, 13)}`);
  const serial = serialBits(input.serial);
  const bits =
    (BigInt(SGTIN96_HEADER) << 88n) |
    (BigInt(filter) << 85n) |
    (BigInt(partition) << 82n) |
    (company << BigInt(38 + layout.itemBits)) |
    (item << 38n) |
    serial;
  return bits.toString(16).toUpperCase().padStart(24, '0');
}

function serialBits(serial: string | number | bigint): bigint {
  let value: bigint;
  if (typeof serial === 'bigint') value = serial;
  else if (typeof serial === 'number' && Number.isSafeInteger(serial)) value = BigInt(serial);
  // A leading zero would be lost in the binary field, so TDS forbids it rather than let it vanish.
  else if (typeof serial === 'string' && /^(0|[1-9]\d{0,11})$/.test(serial)) value = BigInt(serial);
  else {
    const got = quote(String(serial));
    throw new BarcodeError('BAD_EPC_VALUE', `an SGTIN-96 serial is a whole number without leading zeros, got ${got}`);
  }
  if (value < 0n || value > SGTIN96_MAX_SERIAL) {
    throw new BarcodeError('BAD_EPC_VALUE', `an SGTIN-96 serial is 0 to ${SGTIN96_MAX_SERIAL}, got ${value}`);
  }
  return value;
}

function gtinOf(companyPrefix: string, itemReference: string): string {
  const body = `${itemReference[0]}${companyPrefix}${itemReference.slice(1)}`;
  return `${body}${gtinCheckDigit(body)}`;
}

// Characters TDS requires to be percent-escaped in a URI serial.
const URI_ESCAPES: Readonly<Record<string, string>> = {
  '"': '%22',
  '%': '%25',
  '&': '%26',
  '/': '%2F',
  '<': '%3C',
  '>': '%3E',
  '?': '%3F',
};

/** The pure identity URI for an SGTIN. */
export function sgtinUri(companyPrefix: string, itemReference: string, serial: string): string {
  const escaped = [...serial].map((c) => URI_ESCAPES[c] ?? c).join('');
  return `urn:epc:id:sgtin:${companyPrefix}.${itemReference}.${escaped}`;
}

/**
 * Parses `urn:epc:id:sgtin:0614141.812345.6789`. Serials here may be alphanumeric (an SGTIN-198
 * or a URI typed from a label), so they are percent-decoded and checked against AI 21's rules.
 */
export function parseSgtinUri(uri: string): SgtinIdentity {
  const match = /^urn:epc:id:sgtin:(\d{6,12})\.(\d{1,7})\.([^.]+)$/i.exec(uri);
  if (!match) {
    throw new BarcodeError('BAD_EPC_URI', `expected urn:epc:id:sgtin:CompanyPrefix.ItemRef.Serial, got ${quote(uri)}`);
  }
  const [, companyPrefix, itemReference, rawSerial] = match;
  if (companyPrefix.length + itemReference.length !== 13) {
    throw new BarcodeError('BAD_EPC_URI', `company prefix and item reference must have 13 digits together in ${quote(uri)}`);
  }
  let serial: string;
  try {
    serial = decodeURIComponent(rawSerial);
  } catch {
    throw new BarcodeError('BAD_EPC_URI', `broken percent-escape in the serial of ${quote(uri)}`);
  }
  if (serial.length === 0 || serial.length > 20 || !GS1_CHARSET_82.test(serial)) {
    throw new BarcodeError('BAD_EPC_URI', `an SGTIN serial is 1 to 20 GS1 characters, got ${quote(serial)}`);
  }
  return { companyPrefix, itemReference, serial, gtin: gtinOf(companyPrefix, itemReference) };
}
