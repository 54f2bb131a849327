import { Global, Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsNotifier } from './alerts.notifier.js';
import { AlertsService } from './alerts.service.js';

/**
 * Low-stock alerts: raised and cleared by the ledger (alerts.repository, inside each post's
 * transaction), listed here, pushed to admin sockets by the notifier. Global so that every feature
 * that posts movements (sales, stock, catalogue, stocktake) can hand its changes to the notifier
 * without importing this module (the fleet module, which this one imports, is among them).
 */
@Global()
@Module({
  imports: [FleetModule],
  controllers: [AlertsController],
  providers: [AlertsService, AlertsNotifier],
  exports: [AlertsNotifier],
})
export class AlertsModule {}
