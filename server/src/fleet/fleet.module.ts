import { Module } from '@nestjs/common';
import { AdminGateway } from './admin.gateway.js';
import { FleetNotifier } from './fleet-notifier.js';
import { FleetController, TillController } from './fleet.controller.js';
import { FleetEvents } from './fleet.events.js';
import { FleetRepository } from './fleet.repository.js';
import { FleetService } from './fleet.service.js';
import { InventoryModule } from '../inventory/inventory.module.js';
import { StaffSignInService } from './staff-signin.service.js';
import { TillGateway } from './till.gateway.js';
import { TillHandshake } from './till-handshake.js';

/** Till fleet: enrolment, the till handshake and gateways, presence, desired state, remote commands. */
@Module({
  imports: [InventoryModule],
  controllers: [FleetController, TillController],
  providers: [FleetRepository, FleetEvents, FleetNotifier, FleetService, TillHandshake, StaffSignInService, TillGateway, AdminGateway],
  exports: [FleetRepository, FleetEvents, FleetNotifier, FleetService, TillHandshake],
})
export class FleetModule {}
