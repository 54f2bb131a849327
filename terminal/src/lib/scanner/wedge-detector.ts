/**
 * Tells a keyboard-wedge scanner from a person by inter-key timing. A scanner "types" a whole code
 * in a few milliseconds per key and ends it with Enter/Tab (or a configured suffix); a person is
 * an order of magnitude slower. Pure: fed with KeyboardEvent.key and a timestamp.
 */
export interface WedgeConfig {
  /** Shortest code that counts as a scan (after the prefix is removed). */
  minLength: number;
  /** Longest allowed gap between two characters of one scan. */
  maxGapMs: number;
  /** Longest allowed gap between the last character and the terminator. */
  terminatorGapMs: number;
  /** KeyboardEvent.key values that end a scan. */
  terminators: string[];
  /** Optional suffix characters the scanner is programmed to send instead of a terminator key. */
  suffix: string | null;
  /** Optional prefix characters the scanner is programmed to send; required and stripped when set. */
  prefix: string | null;
}

export const DEFAULT_WEDGE_CONFIG: WedgeConfig = {
  minLength: 4,
  maxGapMs: 35,
  terminatorGapMs: 100,
  terminators: ['Enter', 'Tab'],
  suffix: null,
  prefix: null,
};

/** Keys a scanner's keyboard emulation may send between characters without ending the burst. */
const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'CapsLock', 'NumLock', 'Meta']);

export type WedgeVerdict =
  /** Nothing to do. */
  | { type: 'none' }
  /** A new burst begins with this key: remember what the focused field held before it. */
  | { type: 'start' }
  /** A scan is complete; `swallowKey` says the terminating key must not reach the page. */
  | { type: 'scan'; value: string; swallowKey: boolean };

export class WedgeDetector {
  #buf = '';
  #last = -Infinity;
  #fast = true;
  #config: WedgeConfig;

  constructor(config: Partial<WedgeConfig> = {}) {
    this.#config = { ...DEFAULT_WEDGE_CONFIG, ...config };
  }

  get config(): WedgeConfig {
    return this.#config;
  }

  configure(config: Partial<WedgeConfig>): void {
    this.#config = { ...this.#config, ...config };
    this.reset();
  }

  /** True while the keys seen so far are still fast enough to be a scanner (≥ 2 characters). */
  get scannerLike(): boolean {
    return this.#buf.length >= 2 && this.#fast;
  }

  get buffer(): string {
    return this.#buf;
  }

  reset(): void {
    this.#buf = '';
    this.#last = -Infinity;
    this.#fast = true;
  }

  key(key: string, at: number): WedgeVerdict {
    const c = this.#config;
    if (MODIFIERS.has(key)) return { type: 'none' };
    const gap = at - this.#last;

    if (c.terminators.includes(key)) {
      const verdict = this.#complete(gap <= c.terminatorGapMs, true);
      this.reset();
      return verdict;
    }
    if (key.length !== 1) {
      this.reset();
      return { type: 'none' };
    }
    let started = false;
    if (this.#buf.length === 0 || gap > c.maxGapMs) {
      // Too slow to continue: whatever came before was typed by a person; start over.
      this.#buf = '';
      this.#fast = true;
      started = true;
    }
    this.#buf += key;
    this.#last = at;
    if (c.suffix && this.#buf.endsWith(c.suffix)) {
      this.#buf = this.#buf.slice(0, -c.suffix.length);
      const verdict = this.#complete(true, false);
      this.reset();
      return verdict;
    }
    return started ? { type: 'start' } : { type: 'none' };
  }

  #complete(terminatorInTime: boolean, swallowKey: boolean): WedgeVerdict {
    const c = this.#config;
    let value = this.#buf;
    if (!this.#fast || !terminatorInTime) return { type: 'none' };
    if (c.prefix) {
      if (!value.startsWith(c.prefix)) return { type: 'none' };
      value = value.slice(c.prefix.length);
    }
    if (value.length < c.minLength) return { type: 'none' };
    return { type: 'scan', value, swallowKey };
  }
}
