import { Module } from '@nestjs/common';
import { FleetModule } from '../fleet/fleet.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { CountGateway } from './count.gateway.js';
import { CountService } from './count.service.js';
import { StocktakeLive } from './stocktake-live.js';
import { StocktakeController } from './stocktake.controller.js';
import { StocktakeRepository } from './stocktake.repository.js';
import { StocktakeService } from './stocktake.service.js';

/** The synchronised stocktake: freeze, barrier, snapshot, count, recount, approve, unfreeze. */
@Module({
  imports: [FleetModule, ReportsModule],
  controllers: [StocktakeController],
  providers: [StocktakeRepository, StocktakeLive, StocktakeService, CountService, CountGateway],
  exports: [StocktakeService],
})
export class StocktakeModule {}
