import { Module } from '@nestjs/common';
import { StocktakeModule } from '../stocktake/stocktake.module.js';
import { PlanScheduler } from './plan-scheduler.js';
import { PlansController } from './plans.controller.js';
import { PlansProcessor } from './plans.processor.js';
import { PlansRepository } from './plans.repository.js';
import { PlansService } from './plans.service.js';

/** Count plans: recurring and ABC cycle counts that create stocktakes through BullMQ job schedulers. */
@Module({
  imports: [StocktakeModule],
  controllers: [PlansController],
  providers: [PlansRepository, PlanScheduler, PlansService, PlansProcessor],
  exports: [PlansService],
})
export class PlansModule {}
