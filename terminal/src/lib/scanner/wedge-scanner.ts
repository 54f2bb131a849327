import { ScannerBase } from './scanner.js';
import { WedgeDetector, type WedgeConfig } from './wedge-detector.js';

type Field = HTMLInputElement | HTMLTextAreaElement;

function editableField(el: Element | null): Field | null {
  if (el instanceof HTMLTextAreaElement) return el;
  if (el instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit', 'reset', 'range'].includes(el.type)) return el;
  return null;
}

/**
 * Keyboard-wedge scanner: listens to keydown on the window (capture phase) and lets ordinary typing
 * through untouched. When a burst turns out to be a scan, the terminator key is swallowed and a
 * field that received the burst's characters gets its earlier value back, so a scan never lands as
 * text in, say, the PIN field. Fields marked `data-wedge="off"` are never touched.
 */
export class WedgeScanner extends ScannerBase {
  readonly kind = 'wedge' as const;
  readonly detector: WedgeDetector;
  #snapshot: { field: Field; value: string } | null = null;
  #bound = false;

  constructor(config: Partial<WedgeConfig> = {}, private readonly target: Window = window) {
    super();
    this.detector = new WedgeDetector(config);
    this.label = 'keyboard';
  }

  async start(): Promise<void> {
    if (!this.#bound) {
      this.target.addEventListener('keydown', this.#onKey, { capture: true });
      this.#bound = true;
    }
    this.setStatus('ready');
  }

  async stop(): Promise<void> {
    if (this.#bound) this.target.removeEventListener('keydown', this.#onKey, { capture: true });
    this.#bound = false;
    this.detector.reset();
    this.setStatus('disconnected');
  }

  configure(config: Partial<WedgeConfig>): void {
    this.detector.configure(config);
  }

  readonly #onKey = (event: KeyboardEvent): void => {
    if (event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
    const active = document.activeElement;
    const field = editableField(active);
    if (active instanceof HTMLElement && active.dataset.wedge === 'off') return;
    const verdict = this.detector.key(event.key, event.timeStamp || performance.now());
    if (verdict.type === 'start') {
      this.#snapshot = field ? { field, value: field.value } : null;
      return;
    }
    if (verdict.type !== 'scan') return;
    if (verdict.swallowKey) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    const snap = this.#snapshot;
    this.#snapshot = null;
    if (snap && snap.field === field && snap.field.value !== snap.value) {
      snap.field.value = snap.value;
      snap.field.dispatchEvent(new Event('input', { bubbles: true }));
    }
    this.emit(verdict.value);
  };
}
