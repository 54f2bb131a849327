import { Module } from '@nestjs/common';
import { AdminGateway } from './admin.gateway.js';
import { FleetHooks } from './fleet-hooks.js';
import { FleetNotifier } from './fleet-notifier.js';
import { FleetController, TillController } from './fleet.controller.js';
import { FleetEvents } from './fleet.events.js';
import { FleetRepository } from './fleet.repository.js';
import { FleetService } from './fleet.service.js';
import { SalesService } from './sales.service.js';
import { StaffSignInService } from './staff-signin.service.js';
import { TillGateway } from './till.gateway.js';

/** Till fleet: enrolment, the socket gateways, presence, desired state, remote commands, sales. */
@Module({
  controllers: [FleetController, TillController],
  providers: [FleetHooks, FleetRepository, FleetEvents, FleetNotifier, FleetService, SalesService, StaffSignInService, TillGateway, AdminGateway],
  exports: [FleetHooks, FleetRepository, FleetEvents, FleetNotifier, FleetService],
})
export class FleetModule {}
