import { uuidV4 } from './uuid';

/**
 * One idempotency key per logical submission of a form. The key is made on the first submit and
 * kept for every retry until the hub confirms the post; only then (or when the form is cleared) is
 * a fresh key made. A double click, a timeout that did reach the hub, or a retry after an edit can
 * therefore never post twice: the hub answers the second time with `applied: false` (or refuses a
 * changed body with IDEMPOTENCY_CONFLICT).
 */
export class IdempotentSubmission {
  #key: string | null = null;

  constructor(
    private readonly prefix: string,
    private readonly makeId: () => string = uuidV4,
  ) {}

  /** The key for this attempt: the same one until `succeeded()` or `reset()`. */
  keyForAttempt(): string {
    this.#key ??= `${this.prefix}:${this.makeId()}`;
    return this.#key;
  }

  get pendingKey(): string | null {
    return this.#key;
  }

  succeeded(): void {
    this.#key = null;
  }

  reset(): void {
    this.#key = null;
  }
}
