import { z } from 'zod';
import { Text } from './text.js';

export const CreateEnrolmentCodeSchema = z.strictObject({
  storeId: z.uuid(),
  terminalName: Text({ min: 1, max: 60 }),
});
export interface EnrolmentCodeDto {
  code: string;
  storeId: string;
  terminalName: string;
  expiresAt: string;
  /** data: URL of a QR code encoding the pairing link. */
  qrDataUrl: string;
  pairUrl: string;
}
/** Till → hub (REST, unauthenticated, throttled): trade a code for a device token, once. */
export const EnrolSchema = z.strictObject({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{8}$/, '8 letters or digits'),
  appVersion: Text({ max: 40 }).optional(),
});
export interface EnrolResultDto {
  terminalId: string;
  storeId: string;
  storeName: string;
  terminalName: string;
  /** Shown once; the hub stores only its hash. */
  token: string;
}
export const TerminalCommandSchema = z.strictObject({
  kind: z.enum(['reload', 'identify', 'message', 'lock', 'unlock']),
  text: Text({ min: 1, max: 500, multiline: true }).optional(),
});
export type TerminalCommandInput = z.infer<typeof TerminalCommandSchema>;

/** What a till downloads (with its device token) to sell offline. */
export interface TillCatalogDto {
  version: string;
  products: Array<{ id: string; sku: string; name: string; category: string; unitPriceCents: number; uom: string }>;
  barcodes: Array<{ code: string; productId: string; multiplier: number }>;
  staff: Array<{ id: string; name: string }>;
  zones: Array<{ id: string; code: string; name: string }>;
}
export interface TillMeDto {
  terminalId: string;
  terminalName: string;
  storeId: string;
  storeName: string;
}
