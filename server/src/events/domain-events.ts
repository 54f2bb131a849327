import { Injectable, Logger } from '@nestjs/common';
import type { StocktakeTasks, TillState } from '@stockfleet/shared';

/** A till as the features that react to it see it. */
export interface TillRef {
  terminalId: string;
  storeId: string;
  name: string;
}

/**
 * Every event one feature announces and another reacts to, in one typed map: the fleet says what its
 * tills did, the stocktake listens, and neither imports the other's services.
 */
export interface DomainEventMap {
  /** A till's state report is stored (the barrier checks its store). */
  'till.reported': { till: TillRef; state: TillState };
  /** A till's socket is set up; listeners may send it what it has to do (its recount tasks). */
  'till.connected': { till: TillRef; sendTasks: (tasks: StocktakeTasks) => void };
}
export type DomainEventName = keyof DomainEventMap;
type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => void;

/** The one in-process emitter of domain events: synchronous, typed, a failing listener logged and isolated. */
@Injectable()
export class DomainEvents {
  private readonly log = new Logger('DomainEvents');
  private readonly listeners = new Map<DomainEventName, Set<Listener<DomainEventName>>>();

  /** Listens until the returned function is called. */
  on<K extends DomainEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = listener as Listener<DomainEventName>;
    set.add(l);
    return () => set.delete(l);
  }

  emit<K extends DomainEventName>(event: K, payload: DomainEventMap[K]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (e) {
        this.log.warn(`a listener of ${event} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
