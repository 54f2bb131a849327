import { GroupCommit } from './group-commit';

const deferred = () => {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};

describe('GroupCommit', () => {
  it('writes the first item at once and everything that queued meanwhile in the next write, in order', async () => {
    const writes: number[][] = [];
    const gates = [deferred(), deferred()];
    const gc = new GroupCommit<number>((items) => { writes.push(items); return gates[writes.length - 1].promise; }, { maxInFlight: 1 });
    const settled: number[] = [];
    const all = [1, 2, 3, 4].map((n) => gc.push(n).then(() => settled.push(n)));
    expect(writes).toEqual([[1]]);
    gates[0].resolve();
    await all[0];
    expect(writes).toEqual([[1], [2, 3, 4]]);
    expect(settled).toEqual([1]); // 2..4 wait for the write that carries them
    gates[1].resolve();
    await Promise.all(all);
    expect(settled).toEqual([1, 2, 3, 4]);
  });

  it('fails only the callers whose write failed, and keeps going', async () => {
    let n = 0;
    const gc = new GroupCommit<string>(async (items) => { n++; if (items.includes('bad')) throw new Error('boom'); }, { maxInFlight: 1 });
    const a = gc.push('ok1');
    const b = gc.push('bad');
    const c = gc.push('ok2');
    await expect(a).resolves.toBeUndefined();
    await expect(b).rejects.toThrow('boom');
    await expect(c).rejects.toThrow('boom'); // shared the failed write
    await expect(gc.push('ok3')).resolves.toBeUndefined();
    expect(n).toBe(3);
  });

  it('caps the items per write', async () => {
    const sizes: number[] = [];
    const gate = deferred();
    const gc = new GroupCommit<number>(async (items) => { sizes.push(items.length); if (sizes.length === 1) await gate.promise; }, { maxInFlight: 1, maxItems: 2 });
    const all = [1, 2, 3, 4, 5].map((i) => gc.push(i));
    gate.resolve();
    await Promise.all(all);
    expect(sizes).toEqual([1, 2, 2]);
  });
});
