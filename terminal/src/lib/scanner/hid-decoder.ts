/**
 * HID POS barcode scanners (usage page 0x8C) deliver a scan as one or more input reports:
 *   byte 0      number of data bytes in this report
 *   bytes 1..3  AIM symbology identifier (e.g. "]E0" for EAN-13), or zeros
 *   bytes 4..   the data, padded with zeros
 *   byte 62     (in 63-byte reports) non-zero when more reports of the same scan follow
 * Pure: takes the report's bytes (DataView from the `inputreport` event, without the report id).
 */
export const HID_POS_USAGE_PAGE = 0x8c;
export const HID_POS_SCANNER_USAGES = [0x01, 0x02, 0x03, 0x04, 0x05];

export interface HidReportPart {
  aim: string | null;
  text: string;
  /** True when the scan continues in the next report. */
  more: boolean;
}

export interface HidDecoderOptions {
  headerBytes: number;
  continuationIndex: number;
}

const DEFAULTS: HidDecoderOptions = { headerBytes: 4, continuationIndex: 62 };

export function decodeHidPosReport(bytes: Uint8Array, options: Partial<HidDecoderOptions> = {}): HidReportPart {
  const { headerBytes, continuationIndex } = { ...DEFAULTS, ...options };
  if (bytes.length < headerBytes) return { aim: null, text: '', more: false };
  const declared = bytes[0];
  const available = Math.max(0, bytes.length - headerBytes);
  const limit = continuationIndex > headerBytes && bytes.length > continuationIndex ? continuationIndex - headerBytes : available;
  const length = declared > 0 ? Math.min(declared, limit) : limit;
  let text = '';
  for (let i = 0; i < length; i++) {
    const b = bytes[headerBytes + i];
    if (b === 0) break;
    text += String.fromCharCode(b);
  }
  const aimRaw = String.fromCharCode(bytes[1], bytes[2], bytes[3]);
  const aim = /^\][A-Za-z][0-9A-Za-z]$/.test(aimRaw) ? aimRaw : null;
  const more = bytes.length > continuationIndex && bytes[continuationIndex] !== 0;
  return { aim, text: text.replace(/[\r\n]+$/, ''), more };
}

/** Joins multi-report scans; returns the full code when the last part arrives. */
export class HidScanAssembler {
  #parts: string[] = [];
  #aim: string | null = null;

  push(part: HidReportPart): { text: string; aim: string | null } | null {
    if (this.#parts.length === 0) this.#aim = part.aim;
    this.#parts.push(part.text);
    if (part.more) return this.#parts.join('').length > 8192 ? this.#drop() : null;
    const text = this.#parts.join('');
    const aim = this.#aim;
    this.#drop();
    return text.length > 0 ? { text, aim } : null;
  }

  #drop(): null {
    this.#parts = [];
    this.#aim = null;
    return null;
  }
}
