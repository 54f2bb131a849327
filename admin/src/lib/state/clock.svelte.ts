import { serverClock } from '$lib/api/server-clock';

/** The hub's time, ticking once a second, for "last seen" and countdowns. */
export class Clock {
  now = $state(serverClock.now());
  #timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => (this.now = serverClock.now()), 1000);
  }

  /** Update now (e.g. right after a hub timestamp arrives, so a countdown starts exact). */
  tick(): void {
    this.now = serverClock.now();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
