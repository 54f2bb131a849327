import { LineFramer } from './line-framer.js';
import type { SerialLike, SerialPortLike } from './web-device-types.js';
import { deviceNavigator } from './web-device-types.js';

export type SerialBackend = 'native' | 'usb-polyfill';

export interface SerialSourceEvents {
  line(line: string): void;
  status(status: 'disconnected' | 'connecting' | 'ready' | 'error', error?: string): void;
}

/** The serial API to use: the browser's own, or web-serial-polyfill over WebUSB (Android). */
export async function serialApi(backend: SerialBackend): Promise<SerialLike | null> {
  const nav = deviceNavigator();
  if (backend === 'native') return nav.serial ?? null;
  if (!nav.usb) return null;
  // Imported lazily: the polyfill touches navigator.usb only when it is actually used.
  const mod = await import('web-serial-polyfill');
  return mod.serial as unknown as SerialLike;
}

/**
 * A line-oriented serial device (barcode scanner in CDC-ACM mode, RFID reader). Asks for a port
 * once (requestPort needs a user gesture), afterwards reopens a granted port by itself: at start
 * through getPorts(), and whenever the browser reports the device plugged back in.
 */
export class SerialLineSource {
  #port: SerialPortLike | null = null;
  #reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  #api: SerialLike | null = null;
  #running = false;
  #onConnect = (): void => void this.#reopen();
  #onDisconnect = (e: Event): void => {
    // Native: the event's target is the port. Polyfill: a USB device left; we cannot tell which, so
    // close ours and let getPorts() find whatever is still there.
    const target = this.backend === 'native' ? (e.target as SerialPortLike | null) : this.#port;
    if (this.#port && target === this.#port) void this.#closePort('disconnected').then(() => this.#reopen());
  };

  constructor(
    private readonly backend: SerialBackend,
    private readonly events: SerialSourceEvents,
    private readonly baudRate = 9600,
  ) {}

  get portLabel(): string | null {
    const info = this.#port?.getInfo?.();
    if (!info?.usbVendorId) return this.#port ? 'serial port' : null;
    const hex = (n?: number) => (n ?? 0).toString(16).padStart(4, '0');
    return `USB ${hex(info.usbVendorId)}:${hex(info.usbProductId)}`;
  }

  /** Prompts for a port (call from a click). Afterwards the port is remembered by the browser. */
  async pick(): Promise<void> {
    const api = await this.#ensureApi();
    if (!api) throw new Error('serial not supported');
    const port = await api.requestPort({});
    await this.#open(port);
  }

  async start(): Promise<void> {
    this.#running = true;
    const api = await this.#ensureApi();
    if (!api) {
      this.events.status('error', 'serial not supported');
      return;
    }
    const events = this.#eventTarget();
    events?.addEventListener('connect', this.#onConnect);
    events?.addEventListener('disconnect', this.#onDisconnect);
    await this.#reopen();
  }

  async stop(): Promise<void> {
    this.#running = false;
    const events = this.#eventTarget();
    events?.removeEventListener('connect', this.#onConnect);
    events?.removeEventListener('disconnect', this.#onDisconnect);
    await this.#closePort('disconnected');
  }

  /** Plug events: navigator.serial's own, or WebUSB's for the polyfill (which is no EventTarget). */
  #eventTarget(): EventTarget | null {
    return this.backend === 'native' ? this.#api : (deviceNavigator().usb ?? null);
  }

  async #ensureApi(): Promise<SerialLike | null> {
    this.#api ??= await serialApi(this.backend).catch(() => null);
    return this.#api;
  }

  async #reopen(): Promise<void> {
    if (!this.#running || this.#port) return;
    const ports = (await this.#api?.getPorts().catch(() => [])) ?? [];
    if (ports.length === 0) {
      this.events.status('disconnected');
      return;
    }
    await this.#open(ports[0]);
  }

  async #open(port: SerialPortLike): Promise<void> {
    await this.#closePort(null);
    this.#running = true;
    this.events.status('connecting');
    try {
      await port.open({ baudRate: this.baudRate });
    } catch (err) {
      // Already open (another reader of ours) is fine; anything else is an error to show.
      if (!(err instanceof Error && /already open/i.test(err.message))) {
        this.events.status('error', err instanceof Error ? err.message : String(err));
        return;
      }
    }
    this.#port = port;
    this.events.status('ready');
    void this.#readLoop(port);
  }

  async #readLoop(port: SerialPortLike): Promise<void> {
    const framer = new LineFramer();
    while (this.#port === port && port.readable) {
      const reader = port.readable.getReader();
      this.#reader = reader;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          if (value) for (const line of framer.pushBytes(value)) this.events.line(line);
        }
      } catch (err) {
        // A read error (device unplugged, framing error): the disconnect event or the retry below recovers.
        console.warn('[serial] read failed', err);
      } finally {
        reader.releaseLock();
        this.#reader = null;
      }
      if (this.#port !== port) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (this.#port === port) await this.#closePort('disconnected');
  }

  async #closePort(status: 'disconnected' | null): Promise<void> {
    const port = this.#port;
    this.#port = null;
    try {
      await this.#reader?.cancel();
    } catch {
      /* already gone */
    }
    if (port) await port.close().catch(() => undefined);
    if (status) this.events.status(status);
  }
}
