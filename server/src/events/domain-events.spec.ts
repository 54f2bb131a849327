import type { TillState } from '@stockfleet/shared';
import { DomainEvents } from './domain-events.js';

describe('DomainEvents', () => {
  const till = { terminalId: 't1', storeId: 's1', name: 'Till 1' };
  const state: TillState = {
    mode: 'frozen', epoch: 3, appVersion: '1', scanner: { kind: 'none', status: 'disconnected' }, outboxDepth: 0, lastSaleSeq: 0, saleInProgress: false, staffId: null, locale: 'en',
  };

  it('delivers a payload to every listener of its event only, until they stop listening', () => {
    const events = new DomainEvents();
    const reported: number[] = [];
    const connected: string[] = [];
    const off = events.on('till.reported', (p) => reported.push(p.state.epoch));
    events.on('till.connected', (p) => connected.push(p.till.terminalId));
    events.emit('till.reported', { till, state });
    events.emit('till.connected', { till, sendTasks: () => undefined });
    off();
    events.emit('till.reported', { till, state: { ...state, epoch: 4 } });
    expect(reported).toEqual([3]);
    expect(connected).toEqual(['t1']);
  });

  it('isolates a failing listener: the others still hear the event', () => {
    const events = new DomainEvents();
    const heard: string[] = [];
    events.on('till.reported', () => {
      throw new Error('boom');
    });
    events.on('till.reported', (p) => heard.push(p.till.storeId));
    expect(() => events.emit('till.reported', { till, state })).not.toThrow();
    expect(heard).toEqual(['s1']);
  });
});
