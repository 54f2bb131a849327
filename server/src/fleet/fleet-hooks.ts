import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { StocktakeTasks, TillState } from '@stockfleet/shared';
import type { TerminalIdentity } from './fleet.types.js';

/** What other features may react to without the fleet knowing them (the stocktake barrier listens here). */
@Injectable()
export class FleetHooks {
  readonly reported = new Subject<{ till: TerminalIdentity; state: TillState }>();
  readonly connected = new Subject<{ till: TerminalIdentity; sendTasks: (tasks: StocktakeTasks) => void }>();
}
