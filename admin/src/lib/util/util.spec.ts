import { describe, expect, it } from '@jest/globals';
import { IdempotencyKeySchema } from '@stockfleet/shared';
import { IdempotentSubmission } from './idempotency';
import { mapLimit } from './pool';
import { safeNext } from './safe-next';
import { uuidV4 } from './uuid';

describe(uuidV4.name, () => {
  it('makes RFC 4122 version-4 ids', () => {
    const ids = new Set(Array.from({ length: 200 }, () => uuidV4()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it('sets the version and variant bits whatever the random bytes are', () => {
    expect(uuidV4((b) => b.fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(uuidV4((b) => b.fill(0))).toBe('00000000-0000-4000-8000-000000000000');
  });
});

describe(IdempotentSubmission.name, () => {
  it('reuses one key across retries until the post succeeds, then makes a new one', () => {
    let i = 0;
    const sut = new IdempotentSubmission('receipt', () => `id-${++i}`);
    const first = sut.keyForAttempt();
    expect(sut.keyForAttempt()).toBe(first);
    expect(sut.keyForAttempt()).toBe(first);
    sut.succeeded();
    expect(sut.pendingKey).toBeNull();
    expect(sut.keyForAttempt()).not.toBe(first);
    sut.reset();
    expect(sut.keyForAttempt()).toBe('receipt:id-3');
  });
  it('makes keys the hub’s schema accepts', () => {
    expect(IdempotencyKeySchema.safeParse(new IdempotentSubmission('adjustment').keyForAttempt()).success).toBe(true);
  });
});

describe(mapLimit.name, () => {
  it('keeps input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const sut = await mapLimit([5, 1, 4, 2, 3], 2, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => setTimeout(r, x));
      running--;
      return x * 10;
    });
    expect(sut).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
  it('handles an empty list', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
  });
});

describe(safeNext.name, () => {
  it.each([
    ['/catalog?q=x', '/catalog?q=x'],
    [null, '/fleet'],
    ['', '/fleet'],
    ['//evil.example', '/fleet'],
    ['/\\evil.example', '/fleet'],
    ['https://evil.example', '/fleet'],
    ['/login?next=/x', '/fleet'],
  ])('%p → %s', (next, expected) => expect(safeNext(next)).toBe(expected));
});
