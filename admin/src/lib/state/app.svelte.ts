import { createContext } from 'svelte';
import { Clock } from './clock.svelte';
import { Fleet } from './fleet.svelte';
import { I18n } from './i18n.svelte';
import { Session } from './session.svelte';
import { Stores } from './stores.svelte';
import { Toasts } from './toasts.svelte';

/** Everything the pages share, created once in the root layout and handed down through context. */
export class AppState {
  readonly i18n = new I18n();
  readonly session = new Session();
  readonly stores = new Stores();
  readonly clock = new Clock();
  readonly toasts = new Toasts();
  readonly fleet = new Fleet(() => void this.session.recheck());

  /** Shorthand for templates: `app.t('key')`. */
  get t() {
    return this.i18n.t;
  }

  get user() {
    return this.session.user;
  }

  /** Called by the shell once signed in; undone on sign-out. */
  startSignedIn(): void {
    void this.stores.load();
    this.fleet.start();
    this.clock.start();
  }

  stopSignedIn(): void {
    this.fleet.stop();
    this.stores.clear();
    this.clock.stop();
  }
}

export const [getApp, setApp] = createContext<AppState>();
