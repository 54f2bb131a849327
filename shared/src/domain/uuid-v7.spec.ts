import { z } from 'zod';
import { uuidv7 } from './uuid-v7';

describe('uuidv7', () => {
  it('is a valid RFC 9562 version 7 UUID that the protocol schemas accept', () => {
    const id = uuidv7();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(z.uuid().safeParse(id).success).toBe(true);
  });

  it('carries the time in its first 48 bits, so ids sort by creation time across milliseconds', () => {
    const t = Date.UTC(2026, 10, 28, 12, 0, 0, 123);
    const id = uuidv7(t);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(t);
    const ids = [t + 2, t, t + 1, t + 1000].map((ms) => uuidv7(ms));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0], ids[3]]);
  });

  it('keeps the random bits and variant of a v4 UUID, with version 7', () => {
    expect(uuidv7(0, () => '01234567-89ab-4cde-8f01-23456789abcd')).toBe('00000000-0000-7cde-8f01-23456789abcd');
    expect(uuidv7(2 ** 48 - 1, () => 'ffffffff-ffff-4fff-bfff-ffffffffffff')).toBe('ffffffff-ffff-7fff-bfff-ffffffffffff');
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(5))).size).toBe(1000);
  });
});
