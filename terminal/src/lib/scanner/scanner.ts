import type { z } from 'zod';
import type { ScannerKindSchema, ScannerStatusSchema } from '@stockfleet/shared';

export type ScannerKind = z.infer<typeof ScannerKindSchema>;
export type ScannerStatus = z.infer<typeof ScannerStatusSchema>;

export interface ScanMeta {
  source: ScannerKind;
  at: number;
  /** AIM symbology identifier when the device reports one (HID POS). */
  aim?: string | null;
}
export type ScanListener = (raw: string, meta: ScanMeta) => void;

/** Every scanner — wedge, serial, HID, RFID, simulated — emits raw strings through this interface. */
export interface Scanner {
  readonly kind: ScannerKind;
  readonly status: ScannerStatus;
  /** A human-readable device label ("Honeywell 1900", "USB serial 0403:6001"), when known. */
  readonly label: string | null;
  readonly lastError: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  onScan(cb: ScanListener): () => void;
  onStatus(cb: (status: ScannerStatus) => void): () => void;
}

/** Shared listener plumbing for the concrete scanners. */
export abstract class ScannerBase implements Scanner {
  abstract readonly kind: ScannerKind;
  #status: ScannerStatus = 'disconnected';
  label: string | null = null;
  lastError: string | null = null;
  readonly #scan = new Set<ScanListener>();
  readonly #statusCbs = new Set<(s: ScannerStatus) => void>();

  get status(): ScannerStatus {
    return this.#status;
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  onScan(cb: ScanListener): () => void {
    this.#scan.add(cb);
    return () => this.#scan.delete(cb);
  }

  onStatus(cb: (s: ScannerStatus) => void): () => void {
    this.#statusCbs.add(cb);
    return () => this.#statusCbs.delete(cb);
  }

  protected setStatus(status: ScannerStatus, error: string | null = null): void {
    this.lastError = error;
    if (status === this.#status && !error) return;
    this.#status = status;
    for (const cb of this.#statusCbs) cb(status);
  }

  protected emit(raw: string, extra: Partial<ScanMeta> = {}): void {
    const value = raw.trim();
    if (!value) return;
    const meta: ScanMeta = { source: this.kind, at: Date.now(), ...extra };
    for (const cb of this.#scan) {
      try {
        cb(value, meta);
      } catch (err) {
        console.error('[scanner] listener failed', err);
      }
    }
  }
}
