export type ToastKind = 'ok' | 'error' | 'info';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

/** Short confirmations ("Receipt posted"), read out by screen readers through an aria-live region. */
export class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  push(text: string, kind: ToastKind = 'ok', ttlMs = kind === 'error' ? 8000 : 4000): void {
    const id = this.#next++;
    this.items.push({ id, kind, text });
    if (this.items.length > 4) this.items.shift();
    setTimeout(() => this.dismiss(id), ttlMs);
  }

  dismiss(id: number): void {
    const i = this.items.findIndex((x) => x.id === id);
    if (i >= 0) this.items.splice(i, 1);
  }
}
