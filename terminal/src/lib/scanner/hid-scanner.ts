import { decodeHidPosReport, HID_POS_USAGE_PAGE, HidScanAssembler } from './hid-decoder.js';
import { ScannerBase } from './scanner.js';
import type { HidDeviceLike, HidInputReportEventLike, HidLike } from './web-device-types.js';
import { deviceNavigator } from './web-device-types.js';

function isPosScanner(d: HidDeviceLike): boolean {
  return d.collections.some((c) => c.usagePage === HID_POS_USAGE_PAGE);
}

/**
 * A barcode scanner in HID POS mode (usage page 0x8C), read through WebHID. The device is picked
 * once; afterwards getDevices() and the 'connect' event bring it back after unplug/replug.
 */
export class HidScanner extends ScannerBase {
  readonly kind = 'hid' as const;
  #device: HidDeviceLike | null = null;
  #hid: HidLike | null = null;
  #running = false;
  readonly #assembler = new HidScanAssembler();

  readonly #onReport = (e: Event): void => {
    const ev = e as HidInputReportEventLike;
    const bytes = new Uint8Array(ev.data.buffer, ev.data.byteOffset, ev.data.byteLength);
    const done = this.#assembler.push(decodeHidPosReport(bytes));
    if (done) this.emit(done.text, { aim: done.aim });
  };
  readonly #onConnect = (): void => void this.#reopen();
  readonly #onDisconnect = (e: Event): void => {
    const device = (e as Event & { device?: HidDeviceLike }).device;
    if (device && device === this.#device) {
      this.#device.removeEventListener('inputreport', this.#onReport);
      this.#device = null;
      this.setStatus('disconnected');
    }
  };

  async pick(): Promise<void> {
    const hid = this.#api();
    if (!hid) throw new Error('WebHID not supported');
    const devices = await hid.requestDevice({ filters: [{ usagePage: HID_POS_USAGE_PAGE }] });
    const device = devices.find(isPosScanner) ?? devices[0];
    if (device) await this.#open(device);
  }

  async start(): Promise<void> {
    this.#running = true;
    const hid = this.#api();
    if (!hid) {
      this.setStatus('error', 'WebHID not supported');
      return;
    }
    hid.addEventListener('connect', this.#onConnect);
    hid.addEventListener('disconnect', this.#onDisconnect);
    await this.#reopen();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#hid?.removeEventListener('connect', this.#onConnect);
    this.#hid?.removeEventListener('disconnect', this.#onDisconnect);
    const d = this.#device;
    this.#device = null;
    if (d) {
      d.removeEventListener('inputreport', this.#onReport);
      await d.close().catch(() => undefined);
    }
    this.setStatus('disconnected');
  }

  #api(): HidLike | null {
    this.#hid ??= deviceNavigator().hid ?? null;
    return this.#hid;
  }

  async #reopen(): Promise<void> {
    if (!this.#running || this.#device) return;
    const devices = (await this.#hid?.getDevices().catch(() => [])) ?? [];
    const device = devices.find(isPosScanner);
    if (device) await this.#open(device);
    else this.setStatus('disconnected');
  }

  async #open(device: HidDeviceLike): Promise<void> {
    this.#running = true;
    this.setStatus('connecting');
    try {
      if (!device.opened) await device.open();
    } catch (err) {
      this.setStatus('error', err instanceof Error ? err.message : String(err));
      return;
    }
    this.#device?.removeEventListener('inputreport', this.#onReport);
    this.#device = device;
    this.label = device.productName || `HID ${device.vendorId.toString(16)}:${device.productId.toString(16)}`;
    device.addEventListener('inputreport', this.#onReport);
    this.setStatus('ready');
  }
}
