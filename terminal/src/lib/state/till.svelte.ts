import { version } from '$app/environment';
import type { TillCommand, TillDesired, TillState } from '@stockfleet/shared';
import { getContext, setContext } from 'svelte';
import { HubApiError, isPairingCode, normalisePairingCode } from '../api/hub-api.js';
import { I18n } from '../i18n/locale.svelte.js';
import { classifyAck } from '../outbox/ack-outcome.js';
import type { ScanMeta } from '../scanner/scanner.js';
import { KV, KvStore, openTillDb, requestPersistentStorage, type TillDatabase } from '../storage/db.js';
import { beep } from '../ui/beep.js';
import { DeviceState } from './device.svelte.js';
import { HubLink } from './link.svelte.js';
import { screenFor, type Screen } from './mode-logic.js';
import { CountState } from './count.svelte.js';
import { ModeState } from './mode.svelte.js';
import { OutboxState } from './outbox.svelte.js';
import { SaleState } from './sale.svelte.js';
import { ScannerState } from './scanner.svelte.js';
import { StaffState } from './staff.svelte.js';

export const APP_VERSION = version.slice(0, 40);
const CATALOG_MAX_AGE_MS = 60_000;
/** While connected, the catalogue is fetched again this often (the hub does not push changes). */
const CATALOG_REFRESH_MS = 5 * 60_000;
/** An unknown code on the selling screen fetches the catalogue again, at most this often. */
const CATALOG_RETRY_MS = 15_000;

export interface Banner {
  text: string;
  by: string | null;
  at: number;
}

/** The whole till: composes the feature states, routes scans, and keeps the hub informed. */
export class TillApp {
  readonly db: Promise<TillDatabase>;
  readonly kv: KvStore;
  readonly i18n = new I18n();
  readonly device: DeviceState;
  readonly outbox: OutboxState;
  readonly scanner = new ScannerState();
  readonly sale: SaleState;
  readonly staff: StaffState;
  readonly mode: ModeState;
  readonly link: HubLink;
  readonly count: CountState;

  ready = $state(false);
  settingsOpen = $state(false);
  banner = $state<Banner | null>(null);
  identifyUntil = $state(0);
  persisted = $state<boolean | null>(null);
  /** Filled by a scanned pairing QR code / `?code=` and read by the pairing screen. */
  pairingCode = $state('');

  readonly screen: Screen = $derived.by(() =>
    screenFor({
      paired: this.device.paired,
      staffSignedIn: this.staff.current !== null,
      target: this.mode.target,
      saleInProgress: this.sale.open,
      graceActive: this.mode.graceActive,
    }),
  );
  readonly tillState: TillState = $derived.by(() => ({
    mode: this.mode.reported.mode,
    epoch: this.mode.reported.epoch,
    appVersion: APP_VERSION,
    scanner: { kind: this.scanner.kind, status: this.scanner.status },
    outboxDepth: this.outbox.pending,
    lastSaleSeq: this.outbox.lastSaleSeq,
    saleInProgress: this.sale.open,
    staffId: this.staff.current?.id ?? null,
    locale: this.i18n.locale,
  }));

  #cleanup: Array<() => void> = [];
  #catalogRetryAt = 0;

  constructor() {
    this.db = openTillDb();
    this.kv = new KvStore(this.db);
    this.device = new DeviceState(this.kv);
    this.outbox = new OutboxState(this.db);
    this.sale = new SaleState(this.kv, this.outbox, {
      catalog: () => this.device.catalog,
      storeId: () => this.device.device?.storeId ?? null,
      staffId: () => this.staff.current?.id ?? null,
      mayStartSale: () => this.mode.target === 'selling',
    });
    this.staff = new StaffState(this.kv, () => this.link.emitter);
    this.mode = new ModeState(this.kv, this.sale, this.outbox);
    this.link = new HubLink({
      onConnect: () => this.#onConnect(),
      onDisconnect: () => this.outbox.setOnline(false),
      onDesired: (d) => this.#onDesired(d),
      onCommand: (c) => this.#onCommand(c),
      onRevoked: () => void this.#onRevoked(),
      onTasks: (t) => this.count.onTasks(t),
    });
    this.count = new CountState(this.kv, this.outbox, {
      stocktakeId: () => {
        const d = this.mode.desired;
        return d && d.mode === 'counting' && d.reason.kind === 'stocktake' ? d.reason.stocktakeId : null;
      },
      catalog: () => this.device.catalog,
      staffId: () => this.staff.current?.id ?? null,
      emitter: () => this.link.emitter,
    });
    this.outbox.register('count', (entry) => this.count.deliver(entry));
    this.outbox.register('sale', async (entry) => {
      const emitter = this.link.emitter;
      if (!emitter?.connected) return { type: 'retry', reason: 'offline' };
      try {
        return classifyAck(await emitter.submitSale(entry.payload as never));
      } catch (err) {
        return classifyAck(null, err ?? 'error');
      }
    });
  }

  async start(): Promise<void> {
    void requestPersistentStorage().then((p) => (this.persisted = p));
    await Promise.all([this.device.load(), this.outbox.refresh(), this.sale.load(), this.staff.load()]);
    await this.mode.load();
    await this.count.load();
    this.scanner.setConsumer((raw, meta) => this.#onScan(raw, meta));
    await this.scanner.start();
    this.mode.start();
    this.#takeUrlCode();
    // The till tells the hub what it is whenever that changes (level-triggered on both sides).
    this.#cleanup.push(
      $effect.root(() => {
        $effect(() => {
          this.link.sendState(this.tillState);
        });
        // The count lines follow the outbox (delivered, refused) and the stocktake being counted.
        $effect(() => {
          void this.outbox.version;
          void this.count.stocktakeId;
          void this.count.reload();
        });
      }),
    );
    const onOnline = () => this.device.token && this.link.status === 'offline' && this.link.connect(this.device.token);
    window.addEventListener('online', onOnline);
    this.#cleanup.push(() => window.removeEventListener('online', onOnline));
    const catalogTimer = setInterval(() => {
      if (this.link.online && Date.now() - (this.device.catalogFetchedAt ?? 0) >= CATALOG_REFRESH_MS) void this.device.refreshCatalog();
    }, 30_000);
    this.#cleanup.push(() => clearInterval(catalogTimer));
    if (this.device.token) this.#connect();
    this.ready = true;
  }

  stop(): void {
    for (const c of this.#cleanup) c();
    this.#cleanup = [];
    this.mode.stop();
    this.outbox.stop();
    this.link.disconnect();
    void this.scanner.stop();
  }

  /** Pairs with an enrolment code; the device token is stored in IndexedDB and never shown again. */
  async pair(input: string): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
    const code = normalisePairingCode(input);
    if (!isPairingCode(code)) return { ok: false, code: 'FORMAT', message: '' };
    try {
      await this.device.pair(code, APP_VERSION);
      await this.mode.reset();
      this.pairingCode = '';
      this.#connect();
      return { ok: true };
    } catch (err) {
      if (err instanceof HubApiError) return { ok: false, code: err.code, message: err.message };
      return { ok: false, code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
    }
  }

  async unpair(): Promise<void> {
    this.link.disconnect();
    await this.device.wipe(false);
    this.staff.current = null;
    this.settingsOpen = false;
  }

  dismissBanner(): void {
    this.banner = null;
  }

  #connect(): void {
    const token = this.device.token;
    if (!token) return;
    this.link.connect(token);
    void this.device.refreshMe().catch(() => undefined);
  }

  #onConnect(): void {
    // The link sends the latest state on every connect (level-triggered) and until it is acknowledged.
    this.link.sendState(this.tillState);
    this.outbox.setOnline(true);
    const age = Date.now() - (this.device.catalogFetchedAt ?? 0);
    if (!this.device.catalog || age > CATALOG_MAX_AGE_MS) void this.device.refreshCatalog();
  }

  #onDesired(d: TillDesired): void {
    const terminalId = this.device.device?.terminalId;
    if (terminalId && d.terminalId !== terminalId) return;
    this.mode.applyDesired(d);
  }

  async #onCommand(c: TillCommand): Promise<boolean> {
    switch (c.kind) {
      case 'reload':
        setTimeout(() => location.reload(), 300);
        return true;
      case 'identify':
        this.identifyUntil = Date.now() + 6000;
        beep(988, 160, 3);
        setTimeout(() => (this.identifyUntil = 0), 6000);
        return true;
      case 'message':
        this.banner = { text: c.text ?? '', by: c.by, at: Date.now() };
        beep(660, 120, 1);
        return true;
      case 'lock':
        this.mode.lock(c.by, c.text);
        return true;
      case 'unlock':
        this.mode.unlock();
        return true;
    }
  }

  async #onRevoked(): Promise<void> {
    this.link.disconnect();
    await this.device.wipe(true);
    // The revoked terminal's desired state and epochs mean nothing to the next pairing.
    await this.mode.reset();
    this.staff.current = null;
    this.settingsOpen = false;
  }

  #takeUrlCode(): void {
    const url = new URL(location.href);
    const code = url.searchParams.get('code');
    if (!code) return;
    url.searchParams.delete('code');
    history.replaceState(history.state, '', url);
    if (!this.device.paired) this.pairingCode = normalisePairingCode(code);
  }

  /**
   * A code the cached catalogue does not know may be a product added at the hub since the last
   * download: while online, fetch the catalogue once more (rate-limited) and try the scan again.
   * Returns true when a retry is under way (it beeps for itself); the "unknown code" notice stays
   * on screen meanwhile and is replaced if the fresh catalogue knows the code.
   */
  #retryWithFreshCatalog(raw: string): boolean {
    const notice = this.sale.notice;
    if (!notice || notice.key !== 'sell.unknownCode' || !this.link.online || Date.now() < this.#catalogRetryAt) return false;
    this.#catalogRetryAt = Date.now() + CATALOG_RETRY_MS;
    // The catalogue's version does not change when only a barcode was added: always scan again.
    void this.device.refreshCatalog().then((ok) => {
      if (ok && this.screen === 'selling' && !this.settingsOpen && this.sale.scan(raw)) beep(1760, 40, 1);
      else beep(220, 200, 1);
    });
    return true;
  }

  #onScan(raw: string, meta: ScanMeta): void {
    if (this.settingsOpen) return; // the settings "try it" area shows the scan instead
    switch (this.screen) {
      case 'pairing': {
        // A 2D scanner reading the enrolment QR code yields the pairing URL.
        let code = raw;
        try {
          code = new URL(raw).searchParams.get('code') ?? raw;
        } catch {
          /* not a URL */
        }
        this.pairingCode = normalisePairingCode(code);
        return;
      }
      case 'signin':
        void this.staff.signIn({ badge: raw.slice(0, 64) });
        return;
      case 'selling':
        if (this.sale.scan(raw)) beep(1760, 40, 1);
        else if (!this.#retryWithFreshCatalog(raw)) beep(220, 200, 1);
        return;
      case 'counting':
        void meta;
        void this.count.scan(raw).then((ok) => (ok ? beep(1760, 40, 1) : beep(220, 200, 1)));
        return;
      default:
        return;
    }
  }
}

const KEY = Symbol('till');

export function provideTill(app: TillApp): TillApp {
  return setContext(KEY, app);
}

export function useTill(): TillApp {
  return getContext<TillApp>(KEY);
}

export { KV };
