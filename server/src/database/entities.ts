import { AuditEvent } from '../audit/audit.entities.js';
import { User, UserSession } from '../auth/auth.entities.js';
import { Barcode, Product } from '../catalog/catalog.entities.js';
import { EnrolmentCode, Sale, Terminal } from '../fleet/fleet.entities.js';
import { MovementBatch, StockBalance, StockMovement } from '../inventory/inventory.entities.js';
import { Chain, Region, StaffMember, Store, Zone } from '../org/org.entities.js';
import { CountEntry, RecountTask, Stocktake, StocktakeStore, VarianceReason } from '../stocktake/stocktake.entities.js';

export const ENTITIES = [
  Chain, Region, Store, Zone, StaffMember,
  Product, Barcode,
  StockMovement, MovementBatch, StockBalance,
  User, UserSession,
  AuditEvent,
  Terminal, EnrolmentCode, Sale,
  Stocktake, StocktakeStore, CountEntry, RecountTask, VarianceReason,
];
