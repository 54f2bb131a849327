import { ErrorCode } from '@stockfleet/shared';
import { ApiError, ClientErrorCode, errorFromResponse, toApiError } from './api-error';
import { serverClock } from './server-clock';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  signal?: AbortSignal;
  /** JSON body. */
  json?: unknown;
  /** A 401 here is an expected answer (sign-in, session probe), not a lost session. */
  expectUnauthenticated?: boolean;
}

let unauthenticatedHandler: (() => void) | null = null;

/** Called once per 401 from any ordinary request: the session ended (expired, hub restarted with new secret…). */
export function onUnauthenticated(handler: (() => void) | null): void {
  unauthenticatedHandler = handler;
}

function report(err: ApiError, opts: { expectUnauthenticated?: boolean }): ApiError {
  if (err.code === ErrorCode.Unauthenticated && !opts.expectUnauthenticated) unauthenticatedHandler?.();
  return err;
}

export async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const sentAt = Date.now();
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    throw toApiError(e);
  }
  serverClock.observe(res.headers.get('date'), sentAt, Date.now());
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw toApiError(e);
  }
  if (!res.ok) throw report(errorFromResponse(res.status, text), opts);
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(ClientErrorCode.BadResponse, 'The hub sent a response that is not JSON', undefined, res.status);
  }
}

export const http = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, json?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, json }),
  patch: <T>(path: string, json?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, json }),
};

export interface UploadOptions {
  contentType: string;
  signal?: AbortSignal;
  /** Fraction 0..1 of the body sent so far. */
  onProgress?: (fraction: number) => void;
}

/** POST a file with upload progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload<T>(path: string, file: Blob, opts: UploadOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const sentAt = Date.now();
    xhr.open('POST', path);
    xhr.withCredentials = false; // same origin: cookies go anyway
    xhr.setRequestHeader('content-type', opts.contentType);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
    };
    xhr.upload.onload = () => opts.onProgress?.(1);
    xhr.onload = () => {
      serverClock.observe(xhr.getResponseHeader('date'), sentAt, Date.now());
      const text = xhr.responseText;
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(report(errorFromResponse(xhr.status, text), {}));
        return;
      }
      try {
        resolve((text ? JSON.parse(text) : undefined) as T);
      } catch {
        reject(new ApiError(ClientErrorCode.BadResponse, 'The hub sent a response that is not JSON', undefined, xhr.status));
      }
    };
    xhr.onerror = () => reject(new ApiError(ClientErrorCode.Network, 'The hub could not be reached'));
    xhr.onabort = () => reject(new ApiError(ClientErrorCode.Aborted, 'aborted'));
    opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
