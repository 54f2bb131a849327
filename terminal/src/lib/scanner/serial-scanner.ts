import { ScannerBase } from './scanner.js';
import { SerialLineSource, type SerialBackend } from './serial-source.js';

/** A barcode scanner on a (USB CDC-ACM or RS-232) serial port: one code per CR/LF-terminated line. */
export class SerialScanner extends ScannerBase {
  readonly kind: 'serial' | 'usb-serial';
  readonly #source: SerialLineSource;

  constructor(backend: SerialBackend, baudRate = 9600) {
    super();
    this.kind = backend === 'native' ? 'serial' : 'usb-serial';
    this.#source = new SerialLineSource(
      backend,
      {
        line: (line) => this.emit(line),
        status: (s, error) => {
          this.label = this.#source.portLabel;
          this.setStatus(s, error ?? null);
        },
      },
      baudRate,
    );
  }

  /** Opens the browser's port chooser; must run inside a click handler. */
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
