import { parseScanned, type ParsedScan } from '../barcode/scan-parse.js';
import { HidScanner } from '../scanner/hid-scanner.js';
import { RfidScanner } from '../scanner/rfid-scanner.js';
import type { ScanMeta, Scanner, ScannerKind, ScannerStatus } from '../scanner/scanner.js';
import { SerialScanner } from '../scanner/serial-scanner.js';
import { SimulatedScanner } from '../scanner/simulated-scanner.js';
import { WedgeScanner } from '../scanner/wedge-scanner.js';
import { scannerSupport } from '../scanner/web-device-types.js';

export type PickableKind = Exclude<ScannerKind, 'none'>;
export const PICKABLE_KINDS: PickableKind[] = ['wedge', 'serial', 'usb-serial', 'hid', 'rfid', 'simulated'];

export interface LastScan {
  raw: string;
  parsed: ParsedScan;
  source: ScannerKind;
  aim: string | null;
  at: number;
}

interface Prefs {
  kind: PickableKind;
  prefix: string;
  suffix: string;
}

const PREFS_KEY = 'stockfleet.scanner';

function loadPrefs(): Prefs {
  const fallback: Prefs = { kind: 'wedge', prefix: '', suffix: '' };
  try {
    const raw = localStorage.getItem(PREFS_KEY);
    const p = raw ? (JSON.parse(raw) as Partial<Prefs>) : {};
    return {
      kind: PICKABLE_KINDS.includes(p.kind as PickableKind) ? (p.kind as PickableKind) : fallback.kind,
      prefix: typeof p.prefix === 'string' ? p.prefix : '',
      suffix: typeof p.suffix === 'string' ? p.suffix : '',
    };
  } catch {
    return fallback;
  }
}

/**
 * The chosen scanner plus the always-on simulated one (the test hook). Scans go to whichever
 * screen registered itself as the consumer; the last one is kept, parsed, for the "try it" area.
 */
export class ScannerState {
  kind = $state<PickableKind>('wedge');
  status = $state<ScannerStatus>('disconnected');
  label = $state<string | null>(null);
  error = $state<string | null>(null);
  prefix = $state('');
  suffix = $state('');
  lastScan = $state<LastScan | null>(null);
  readonly support = scannerSupport();
  readonly simulated = new SimulatedScanner();

  #active: Scanner | null = null;
  #unsub: Array<() => void> = [];
  #consumer: ((raw: string, meta: ScanMeta) => void) | null = null;

  constructor() {
    const p = loadPrefs();
    this.kind = p.kind;
    this.prefix = p.prefix;
    this.suffix = p.suffix;
  }

  /** Needs a user gesture to pick a device (serial / HID / RFID over serial). */
  get needsDevice(): boolean {
    return this.kind === 'serial' || this.kind === 'usb-serial' || this.kind === 'hid' || this.kind === 'rfid';
  }

  get supported(): boolean {
    if (this.kind === 'serial' || this.kind === 'rfid') return this.support.serial || this.support.usbSerial;
    if (this.kind === 'usb-serial') return this.support.usbSerial || this.support.serial;
    if (this.kind === 'hid') return this.support.hid;
    return true;
  }

  async start(): Promise<void> {
    this.simulated.onScan((raw, meta) => this.#handle(raw, meta));
    await this.simulated.start();
    await this.#activate(this.kind);
  }

  async select(kind: PickableKind): Promise<void> {
    if (kind === this.kind && this.#active) return;
    this.kind = kind;
    this.#save();
    await this.#activate(kind);
  }

  async setAffixes(prefix: string, suffix: string): Promise<void> {
    this.prefix = prefix;
    this.suffix = suffix;
    this.#save();
    if (this.#active instanceof WedgeScanner) this.#active.configure({ prefix: prefix || null, suffix: suffix || null });
  }

  async pickDevice(): Promise<void> {
    const a = this.#active;
    try {
      if (a instanceof SerialScanner || a instanceof HidScanner || a instanceof RfidScanner) await a.pick();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  /** Starts a new RFID session: every tag counts once again (e.g. a new zone). */
  newSession(): void {
    if (this.#active instanceof RfidScanner) this.#active.newSession();
  }

  setConsumer(fn: ((raw: string, meta: ScanMeta) => void) | null): void {
    this.#consumer = fn;
  }

  /** Entry point for the test hook and the "type a code" fields. */
  inject(raw: string): void {
    this.simulated.scan(raw);
  }

  async stop(): Promise<void> {
    await this.#active?.stop();
    await this.simulated.stop();
  }

  #build(kind: PickableKind): Scanner {
    switch (kind) {
      case 'wedge':
        return new WedgeScanner({ prefix: this.prefix || null, suffix: this.suffix || null });
      case 'serial':
        return new SerialScanner(this.support.serial ? 'native' : 'usb-polyfill');
      case 'usb-serial':
        return new SerialScanner(this.support.serial && !this.support.usbSerial ? 'native' : 'usb-polyfill');
      case 'hid':
        return new HidScanner();
      case 'rfid':
        return new RfidScanner(this.support.serial ? 'native' : 'usb-polyfill');
      case 'simulated':
        return this.simulated;
    }
  }

  async #activate(kind: PickableKind): Promise<void> {
    for (const u of this.#unsub) u();
    this.#unsub = [];
    if (this.#active && this.#active !== this.simulated) await this.#active.stop().catch(() => undefined);
    const scanner = this.#build(kind);
    this.#active = scanner;
    if (scanner !== this.simulated) this.#unsub.push(scanner.onScan((raw, meta) => this.#handle(raw, meta)));
    this.#unsub.push(
      scanner.onStatus((s) => {
        this.status = s;
        this.label = scanner.label;
        this.error = scanner.lastError;
      }),
    );
    this.error = null;
    try {
      await scanner.start();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
    this.status = scanner.status;
    this.label = scanner.label;
    this.error = scanner.lastError ?? this.error;
  }

  #handle(raw: string, meta: ScanMeta): void {
    const parsed = parseScanned(raw);
    this.lastScan = { raw, parsed, source: meta.source, aim: meta.aim ?? null, at: meta.at };
    this.#consumer?.(raw, meta);
  }

  #save(): void {
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify({ kind: this.kind, prefix: this.prefix, suffix: this.suffix }));
    } catch {
      /* ignore */
    }
  }
}
