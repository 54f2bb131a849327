import { describe, expect, it } from '@jest/globals';
import { ApiError, ClientErrorCode, errorFromResponse, toApiError } from './api-error';
import { toQuery } from './query';
import { skewFromDateHeader } from './server-clock';

describe(errorFromResponse.name, () => {
  it('reads the hub’s { error: { code, message, details } } body', () => {
    const sut = errorFromResponse(422, JSON.stringify({ error: { code: 'IMPORT_FAILED', message: 'bad file', details: [{ line: 3, column: 'sku', message: 'empty' }, { nope: 1 }] } }));
    expect(sut).toBeInstanceOf(ApiError);
    expect(sut.code).toBe('IMPORT_FAILED');
    expect(sut.status).toBe(422);
    expect(sut.message).toBe('bad file');
    expect(sut.importErrors).toEqual([{ line: 3, column: 'sku', message: 'empty' }]);
    expect(sut.fieldIssues).toEqual([]);
  });

  it('exposes VALIDATION_FAILED details as field issues', () => {
    const sut = errorFromResponse(400, JSON.stringify({ error: { code: 'VALIDATION_FAILED', message: 'x', details: [{ path: 'email', message: 'Invalid email' }] } }));
    expect(sut.fieldIssues).toEqual([{ path: 'email', message: 'Invalid email' }]);
  });

  it.each([
    [401, 'UNAUTHENTICATED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [429, 'RATE_LIMITED'],
    [502, 'INTERNAL'],
    [418, 'BAD_RESPONSE'],
  ])('falls back on the status when the body is not ours (%d → %s)', (status, code) => {
    expect(errorFromResponse(status, '<html>proxy error</html>').code).toBe(code);
  });

  it('does not trust unknown codes', () => {
    expect(errorFromResponse(500, JSON.stringify({ error: { code: 'MADE_UP', message: 'x' } })).code).toBe('INTERNAL');
  });
});

describe(ApiError.name, () => {
  it('knows which failures are worth retrying', () => {
    expect(new ApiError(ClientErrorCode.Network, 'x').retryable).toBe(true);
    expect(new ApiError('INTERNAL', 'x', undefined, 503).retryable).toBe(true);
    expect(new ApiError('RATE_LIMITED', 'x', undefined, 429).retryable).toBe(true);
    expect(new ApiError('VALIDATION_FAILED', 'x', undefined, 400).retryable).toBe(false);
  });
});

describe(toApiError.name, () => {
  it('wraps aborts and network failures', () => {
    expect(toApiError(new DOMException('x', 'AbortError')).code).toBe('ABORTED');
    expect(toApiError(new TypeError('Failed to fetch')).code).toBe('NETWORK_ERROR');
    const e = new ApiError('CONFLICT', 'c');
    expect(toApiError(e)).toBe(e);
  });
});

describe(toQuery.name, () => {
  it('drops empty values and encodes the rest', () => {
    expect(toQuery({ q: 'a b&c', storeId: undefined, lowOnly: 'true', offset: 0, x: '', y: null })).toBe('?q=a+b%26c&lowOnly=true&offset=0');
    expect(toQuery({})).toBe('');
  });
});

describe(skewFromDateHeader.name, () => {
  const sent = Date.parse('2025-06-01T12:00:00.000Z');
  it('ignores sub-two-second differences (the header has one-second resolution)', () => {
    expect(skewFromDateHeader('Sun, 01 Jun 2025 12:00:00 GMT', sent, sent + 200)).toBe(0);
  });
  it('measures a real skew', () => {
    expect(skewFromDateHeader('Sun, 01 Jun 2025 12:05:00 GMT', sent, sent + 200)).toBe(300_400);
  });
  it('returns null without a usable header', () => {
    expect(skewFromDateHeader(null, sent, sent)).toBeNull();
    expect(skewFromDateHeader('yesterday', sent, sent)).toBeNull();
  });
});
