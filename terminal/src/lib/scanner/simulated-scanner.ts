import { ScannerBase } from './scanner.js';

/** Always-on scanner driven by code: `window.__stockfleet.scan('4006381333931')` in tests and demos. */
export class SimulatedScanner extends ScannerBase {
  readonly kind = 'simulated' as const;

  constructor() {
    super();
    this.label = 'simulated';
  }

  async start(): Promise<void> {
    this.setStatus('ready');
  }

  async stop(): Promise<void> {
    this.setStatus('disconnected');
  }

  scan(raw: string): void {
    this.emit(raw);
  }
}
