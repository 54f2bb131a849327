import type { UserDto } from '@stockfleet/shared';
import { ErrorCode } from '@stockfleet/shared';
import { ApiError, toApiError } from '$lib/api/api-error';
import { onUnauthenticated } from '$lib/api/client';
import { authApi } from '$lib/api/endpoints';

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out' | 'unreachable';

/** Who is signed in. The cookie is httpOnly, so the hub's `/api/auth/me` is the only truth. */
export class Session {
  user = $state.raw<UserDto | null>(null);
  status = $state<SessionStatus>('unknown');
  /** Set when a signed-in session ended under us (expired, revoked, hub secret changed). */
  expired = $state(false);
  error = $state.raw<ApiError | null>(null);

  constructor() {
    onUnauthenticated(() => this.#lost());
  }

  async load(): Promise<void> {
    try {
      const s = await authApi.me();
      this.user = s.user;
      this.status = 'signed-in';
      this.error = null;
    } catch (e) {
      const err = toApiError(e);
      if (err.code === ErrorCode.Unauthenticated) {
        this.user = null;
        this.status = 'signed-out';
      } else {
        this.error = err;
        if (this.status === 'unknown') this.status = 'unreachable';
      }
    }
  }

  /** Throws ApiError (INVALID_CREDENTIALS, RATE_LIMITED, VALIDATION_FAILED, NETWORK_ERROR…). */
  async login(email: string, password: string): Promise<void> {
    const s = await authApi.login({ email, password });
    this.user = s.user;
    this.status = 'signed-in';
    this.expired = false;
    this.error = null;
  }

  async logout(): Promise<void> {
    try {
      await authApi.logout();
    } finally {
      this.user = null;
      this.status = 'signed-out';
      this.expired = false;
    }
  }

  /** Ask the hub again (after a refused socket): a 401 there signs us out. */
  async recheck(): Promise<void> {
    if (this.status !== 'signed-in') return;
    try {
      await authApi.me();
    } catch (e) {
      if (toApiError(e).code === ErrorCode.Unauthenticated) this.#lost();
    }
  }

  #lost(): void {
    if (this.status !== 'signed-in') return;
    this.user = null;
    this.status = 'signed-out';
    this.expired = true;
  }
}
