import { Module } from '@nestjs/common';

/** Count plans: recurring and ABC cycle counts that create stocktakes through BullMQ job schedulers. */
@Module({})
export class PlansModule {}
