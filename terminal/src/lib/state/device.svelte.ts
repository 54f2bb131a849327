import type { EnrolResultDto, TillCatalogDto, TillMeDto } from '@stockfleet/shared';
import { HubApiError, hubApi, TOKEN_DEAD_CODES } from '../api/hub-api.js';
import { CatalogIndex } from '../catalog/catalog-index.js';
import { KV, type KvStore } from '../storage/db.js';

export interface DeviceRecord extends TillMeDto {
  token: string;
  pairedAt: number;
}

/** The till's identity (device token from pairing) and its offline copy of the catalogue. */
export class DeviceState {
  device = $state<DeviceRecord | null>(null);
  catalog = $state.raw<CatalogIndex | null>(null);
  catalogFetchedAt = $state<number | null>(null);
  /** Set when the hub revoked the till: the pairing screen explains why it is back. */
  revoked = $state(false);
  loaded = $state(false);

  constructor(private readonly kv: KvStore) {}

  get paired(): boolean {
    return this.device !== null;
  }

  get token(): string | null {
    return this.device?.token ?? null;
  }

  async load(): Promise<void> {
    const [device, catalog] = await Promise.all([
      this.kv.get<DeviceRecord>(KV.device),
      this.kv.get<{ data: TillCatalogDto; fetchedAt: number }>(KV.catalog),
    ]);
    this.device = device ?? null;
    if (catalog) {
      this.catalog = new CatalogIndex(catalog.data);
      this.catalogFetchedAt = catalog.fetchedAt;
    }
    this.loaded = true;
  }

  async pair(code: string, appVersion: string): Promise<EnrolResultDto> {
    const result = await hubApi.enrol(code, appVersion);
    const record: DeviceRecord = {
      token: result.token,
      terminalId: result.terminalId,
      terminalName: result.terminalName,
      storeId: result.storeId,
      storeName: result.storeName,
      pairedAt: Date.now(),
    };
    await this.kv.set(KV.device, record);
    this.device = record;
    this.revoked = false;
    return result;
  }

  /** Confirms the token and refreshes names; a dead token wipes the pairing. Offline: keeps what it has. */
  async refreshMe(): Promise<void> {
    const token = this.token;
    if (!token) return;
    try {
      const me = await hubApi.me(token);
      if (this.device && this.device.token === token) {
        this.device = { ...this.device, ...me };
        await this.kv.set(KV.device, this.device);
      }
    } catch (err) {
      if (err instanceof HubApiError && TOKEN_DEAD_CODES.has(err.code)) await this.wipe(true);
      else throw err;
    }
  }

  async refreshCatalog(): Promise<boolean> {
    const token = this.token;
    if (!token) return false;
    try {
      const data = await hubApi.catalog(token);
      const fetchedAt = Date.now();
      await this.kv.set(KV.catalog, { data, fetchedAt });
      this.catalog = new CatalogIndex(data);
      this.catalogFetchedAt = fetchedAt;
      return true;
    } catch (err) {
      if (err instanceof HubApiError && TOKEN_DEAD_CODES.has(err.code)) await this.wipe(true);
      return false;
    }
  }

  /** Forgets the token (revoked, or unpaired by hand). The outbox is kept: no sale is ever dropped. */
  async wipe(revoked: boolean): Promise<void> {
    await this.kv.delete(KV.device);
    await this.kv.delete(KV.staff);
    this.device = null;
    this.revoked = revoked;
  }
}
