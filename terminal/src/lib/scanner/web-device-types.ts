/**
 * The few Web Serial / WebHID / WebUSB shapes the scanners use. TypeScript's DOM library does not
 * ship these (they are Chromium-only), and the @types packages are not installed.
 */
export interface SerialPortInfoLike {
  usbVendorId?: number;
  usbProductId?: number;
}
export interface SerialPortLike {
  readonly readable: ReadableStream<Uint8Array> | null;
  open(options: { baudRate: number; dataBits?: number; stopBits?: number; parity?: 'none' | 'even' | 'odd' }): Promise<void>;
  close(): Promise<void>;
  getInfo?(): SerialPortInfoLike;
}
export interface SerialLike extends EventTarget {
  getPorts(): Promise<SerialPortLike[]>;
  requestPort(options?: { filters?: SerialPortInfoLike[] }): Promise<SerialPortLike>;
}

export interface HidCollectionLike {
  usagePage?: number;
  usage?: number;
}
export interface HidInputReportEventLike extends Event {
  readonly data: DataView;
  readonly reportId: number;
  readonly device: HidDeviceLike;
}
export interface HidDeviceLike extends EventTarget {
  readonly opened: boolean;
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly collections: HidCollectionLike[];
  open(): Promise<void>;
  close(): Promise<void>;
}
export interface HidLike extends EventTarget {
  getDevices(): Promise<HidDeviceLike[]>;
  requestDevice(options: { filters: Array<{ usagePage?: number; usage?: number; vendorId?: number }> }): Promise<HidDeviceLike[]>;
}

export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName?: string;
}
export interface UsbLike extends EventTarget {
  getDevices(): Promise<UsbDeviceLike[]>;
  requestDevice(options: { filters: Array<{ classCode?: number; vendorId?: number }> }): Promise<UsbDeviceLike>;
}

export interface DeviceNavigator {
  serial?: SerialLike;
  hid?: HidLike;
  usb?: UsbLike;
}

export function deviceNavigator(): DeviceNavigator {
  return (typeof navigator === 'undefined' ? {} : navigator) as unknown as DeviceNavigator;
}

/** What this browser can offer, for the settings picker. */
export function scannerSupport(): { serial: boolean; usbSerial: boolean; hid: boolean } {
  const nav = deviceNavigator();
  return { serial: !!nav.serial, usbSerial: !nav.serial && !!nav.usb, hid: !!nav.hid };
}
