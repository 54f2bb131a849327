import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxEntry } from '../outbox/outbox-types.js';

export const DB_NAME = 'stockfleet-till';
export const DB_VERSION = 1;

/**
 * One database per till. `kv` holds small records (device token, catalogue, parked baskets,
 * counters, last desired state); `outbox` holds everything waiting for the hub, in creation order.
 */
export interface TillDB extends DBSchema {
  kv: { key: string; value: unknown };
  outbox: { key: number; value: OutboxEntry; indexes: { status: string; kindStatus: [string, string] } };
}

export type TillDatabase = IDBPDatabase<TillDB>;

export function openTillDb(name = DB_NAME): Promise<TillDatabase> {
  return openDB<TillDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('kv');
        const outbox = db.createObjectStore('outbox', { keyPath: 'localId', autoIncrement: true });
        outbox.createIndex('status', 'status');
        outbox.createIndex('kindStatus', ['kind', 'status']);
      }
    },
    blocked() {
      // Another tab holds an older version open; a kiosk has one tab, so this is a leftover.
      console.warn('[db] upgrade blocked by another tab');
    },
  });
}

/** Asks the browser not to evict the outbox under storage pressure. Best effort. */
export async function requestPersistentStorage(): Promise<boolean> {
  try {
    if (typeof navigator === 'undefined' || !navigator.storage?.persist) return false;
    if (await navigator.storage.persisted?.()) return true;
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}

/** Typed access to the key-value store. Keys are listed here so nothing collides. */
export const KV = {
  device: 'device',
  catalog: 'catalog',
  desired: 'desired',
  staff: 'staff',
  parked: 'parked',
  basket: 'basket',
  localLock: 'localLock',
  seqPrefix: 'seq:',
} as const;

export class KvStore {
  constructor(private readonly db: Promise<TillDatabase>) {}

  async get<T>(key: string): Promise<T | undefined> {
    return (await (await this.db).get('kv', key)) as T | undefined;
  }

  async set<T>(key: string, value: T): Promise<void> {
    // Svelte $state proxies cannot be structured-cloned: store a plain snapshot.
    await (await this.db).put('kv', value === undefined ? value : JSON.parse(JSON.stringify(value)), key);
  }

  async delete(key: string): Promise<void> {
    await (await this.db).delete('kv', key);
  }
}
