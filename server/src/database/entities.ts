import { AuditEvent } from '../audit/audit.entities.js';
import { User, UserSession } from '../auth/auth.entities.js';
import { Barcode, Product } from '../catalog/catalog.entities.js';
import { EnrolmentCode, Sale, Terminal } from '../fleet/fleet.entities.js';
import { MovementBatch, StockBalance, StockMovement } from '../inventory/inventory.entities.js';
import { Chain, Region, StaffMember, Store, Zone } from '../org/org.entities.js';
import { CountEntry, RecountTask, Stocktake, StocktakeLine, StocktakeStore, VarianceReason } from '../stocktake/stocktake.entities.js';
import { Report, ReportFile, ReportPart } from '../reports/reports.entities.js';
import { CountPlan, CountPlanRun } from '../plans/plans.entities.js';
import { LowStockAlert } from '../alerts/alerts.entities.js';

export const ENTITIES = [
  Chain, Region, Store, Zone, StaffMember,
  Product, Barcode,
  StockMovement, MovementBatch, StockBalance,
  User, UserSession,
  AuditEvent,
  Terminal, EnrolmentCode, Sale,
  Stocktake, StocktakeStore, CountEntry, RecountTask, VarianceReason, StocktakeLine,
  Report, ReportPart, ReportFile,
  CountPlan, CountPlanRun,
  LowStockAlert,
];
