import { EpcDedupe } from './epc-dedupe.js';
import { ScannerBase } from './scanner.js';
import { SerialLineSource, type SerialBackend } from './serial-source.js';

/**
 * An RFID reader that reports one EPC (hex) per line over serial. Each tag is emitted once per
 * session however often the reader sees it; `newSession()` (e.g. a new count zone) starts over.
 * Lines that are not EPCs (reader banners, status) are ignored.
 */
export class RfidScanner extends ScannerBase {
  readonly kind = 'rfid' as const;
  readonly dedupe = new EpcDedupe();
  readonly #source: SerialLineSource;

  constructor(backend: SerialBackend = 'native', baudRate = 115200) {
    super();
    this.#source = new SerialLineSource(
      backend,
      {
        line: (line) => this.feed(line),
        status: (s, error) => {
          this.label = this.#source.portLabel;
          this.setStatus(s, error ?? null);
        },
      },
      baudRate,
    );
  }

  /** One line from the reader (exposed so other transports, e.g. HID keyboard readers, can feed it). */
  feed(line: string): void {
    const epc = this.dedupe.accept(line);
    if (epc) this.emit(epc);
  }

  newSession(): void {
    this.dedupe.reset();
  }

  async pick(): Promise<void> {
    await this.#source.pick();
  }

  async start(): Promise<void> {
    await this.#source.start();
  }

  async stop(): Promise<void> {
    await this.#source.stop();
  }
}
