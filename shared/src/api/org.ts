import { z } from 'zod';
import { Text } from './text.js';

export interface ChainDto { id: string; name: string }
export interface RegionDto { id: string; name: string }
export interface ZoneDto { id: string; storeId: string; code: string; name: string; kind: 'aisle' | 'shelf' | 'backroom' }
export interface StoreDto {
  id: string;
  code: string;
  name: string;
  regionId: string;
  regionName: string;
  timezone: string;
  zones: ZoneDto[];
}

export const CreateStaffSchema = z.strictObject({
  storeId: z.uuid(),
  name: Text({ min: 1, max: 100 }),
  pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits'),
  badge: Text({ min: 4, max: 64 }).optional(),
});
export interface StaffDto { id: string; storeId: string; name: string; hasBadge: boolean }

export interface AuditEventDto {
  id: string;
  at: string;
  actorType: 'user' | 'terminal' | 'system';
  actorId: string | null;
  actorName: string | null;
  action: string;
  storeId: string | null;
  subject: string | null;
  details: unknown;
  ip: string | null;
}
export const AuditQuerySchema = z.object({
  actor: Text({ max: 200 }).optional(),
  action: Text({ max: 100 }).optional(),
  storeId: z.uuid().optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
