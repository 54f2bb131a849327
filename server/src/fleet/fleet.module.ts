import { Module } from '@nestjs/common';

/** Till fleet: enrolment, the socket gateway, presence and desired state. */
@Module({})
export class FleetModule {}
