import type { EnrolResultDto, TillCatalogDto, TillMeDto } from '@stockfleet/shared';

/** An HTTP error in the hub's stable shape, or NETWORK when the hub could not be reached at all. */
export class HubApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HubApiError';
  }

  get isNetwork(): boolean {
    return this.code === 'NETWORK';
  }
}

/** Codes that mean the device token is dead: wipe it and show the pairing screen. */
export const TOKEN_DEAD_CODES = new Set(['TERMINAL_REVOKED', 'DEVICE_TOKEN_INVALID']);

async function request<T>(path: string, init: RequestInit & { token?: string; timeoutMs?: number } = {}): Promise<T> {
  const { token, timeoutMs = 15_000, ...rest } = init;
  const headers = new Headers(rest.headers);
  headers.set('Accept', 'application/json');
  if (rest.body) headers.set('Content-Type', 'application/json');
  if (token) headers.set('Authorization', `Bearer ${token}`);
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let res: Response;
  try {
    // The hub serves the till on the same origin; /api is never cached by the service worker.
    res = await fetch(path, { ...rest, headers, signal: ctrl.signal, cache: 'no-store', credentials: 'omit' });
  } catch (err) {
    throw new HubApiError('NETWORK', err instanceof Error ? err.message : 'network error', 0);
  } finally {
    clearTimeout(timer);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    // A proxy's 502/504 page means "hub not reachable", not a refusal.
    const code = e?.code ?? (res.status >= 502 && res.status <= 504 ? 'NETWORK' : res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL');
    throw new HubApiError(code, e?.message ?? `HTTP ${res.status}`, res.status, e?.details);
  }
  return body as T;
}

export const hubApi = {
  enrol(code: string, appVersion: string): Promise<EnrolResultDto> {
    return request<EnrolResultDto>('/api/till/enrol', { method: 'POST', body: JSON.stringify({ code, appVersion }) });
  },
  me(token: string): Promise<TillMeDto> {
    return request<TillMeDto>('/api/till/me', { token });
  },
  catalog(token: string): Promise<TillCatalogDto> {
    return request<TillCatalogDto>('/api/till/catalog', { token, timeoutMs: 60_000 });
  },
};

/** Pairing codes are 8 letters or digits; people type them with spaces, dashes and lower case. */
export function normalisePairingCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase().slice(0, 8);
}

export function isPairingCode(code: string): boolean {
  return /^[A-Z0-9]{8}$/.test(code);
}
