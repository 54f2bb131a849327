import type { TillDesired } from '@stockfleet/shared';
import { packDesired, unpackDesired } from './fleet.events';

describe('packed desired states (hub to hub)', () => {
  const freeze = { kind: 'stocktake' as const, stocktakeId: 's1', practice: false, by: 'HQ', message: 'Q4', graceSeconds: 30 };
  const none = { kind: 'none' as const, stocktakeId: null, practice: false, by: null, message: null };
  const states: TillDesired[] = [
    { terminalId: 't1', mode: 'frozen', epoch: 4, since: '2026-11-28T10:00:00.000Z', reason: freeze, graceSeconds: 30 },
    { terminalId: 't2', mode: 'frozen', epoch: 9, since: '2026-11-28T10:00:00.000Z', reason: freeze, graceSeconds: 30 },
    { terminalId: 't3', mode: 'selling', epoch: 2, since: '2026-11-28T10:00:01.000Z', reason: none, graceSeconds: 0 },
    // the same reason as t1/t2 but another object and another time: its own group
    { terminalId: 't4', mode: 'frozen', epoch: 1, since: '2026-11-28T10:00:02.000Z', reason: { ...freeze }, graceSeconds: 30 },
  ];

  it('groups states that share mode, time and reason, and unpacks to the same states', () => {
    const packed = packDesired(states);
    expect(packed).toHaveLength(3);
    expect(packed[0][4]).toEqual(['t1', 4, 't2', 9]);
    const back = unpackDesired(JSON.parse(JSON.stringify(packed)));
    expect(back.sort((a, b) => a.terminalId.localeCompare(b.terminalId))).toEqual(states);
  });

  it('is smaller than the states themselves for a chain-wide steer', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...states[0], terminalId: `till-${i}`, epoch: i }));
    expect(JSON.stringify(packDesired(many)).length).toBeLessThan(JSON.stringify(many).length / 4);
  });
});
