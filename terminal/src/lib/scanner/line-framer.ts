/**
 * Splits a serial byte stream into lines on CR, LF or CRLF (a chunk may end between CR and LF, or
 * in the middle of a code). Empty lines are dropped; an overlong line (a device speaking garbage)
 * is discarded rather than growing without bound.
 */
export class LineFramer {
  #buf = '';
  #decoder: TextDecoder | null = null;

  constructor(private readonly maxLineLength = 4096) {}

  /** Feeds raw bytes (decoded as UTF-8, multi-byte sequences may straddle chunks). */
  pushBytes(bytes: Uint8Array): string[] {
    this.#decoder ??= new TextDecoder('utf-8', { fatal: false });
    return this.push(this.#decoder.decode(bytes, { stream: true }));
  }

  push(text: string): string[] {
    this.#buf += text;
    const out: string[] = [];
    let idx: number;
    while ((idx = this.#buf.search(/[\r\n]/)) >= 0) {
      const line = this.#buf.slice(0, idx);
      this.#buf = this.#buf.slice(idx + 1);
      const trimmed = stripControl(line);
      if (trimmed.length > 0 && trimmed.length <= this.maxLineLength) out.push(trimmed);
    }
    if (this.#buf.length > this.maxLineLength) this.#buf = '';
    return out;
  }

  /** Whatever is buffered without a line end (e.g. on disconnect). */
  flush(): string | null {
    const rest = stripControl(this.#buf);
    this.#buf = '';
    return rest.length > 0 ? rest : null;
  }
}

/** Drops STX/ETX and other C0 controls some scanners wrap around a code, keeps GS (0x1D) for GS1. */
export function stripControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1C\x1E\x1F\x7F]/g, '').trim();
}
