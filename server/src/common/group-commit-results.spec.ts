import { GroupCommit } from './group-commit';

describe('GroupCommit results and failures', () => {
  it('gives each caller its own result of the write that carried its item', async () => {
    const gc = new GroupCommit<number, string>(async (items) => items.map((i) => `row ${i}`), { maxInFlight: 1 });
    await expect(Promise.all([1, 2, 3].map((i) => gc.push(i)))).resolves.toEqual(['row 1', 'row 2', 'row 3']);
  });

  it('rejects every item of a failed batch, even when the write throws before returning a promise', async () => {
    let fail = true;
    const gc = new GroupCommit<number, number>((items) => {
      if (fail) throw new Error('database away');
      return Promise.resolve(items);
    }, { maxInFlight: 1 });
    const settled = await Promise.allSettled([gc.push(1), gc.push(2), gc.push(3)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(gc.queued).toBe(0);
    fail = false;
    await expect(gc.push(4)).resolves.toBe(4); // no slot left stuck
  });
});
