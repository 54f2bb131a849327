import { formatOffset, HeartbeatClock } from './clock.js';

describe(HeartbeatClock.name, () => {
  it('sends the previous round with the next heartbeat', () => {
    const sut = new HeartbeatClock();
    expect(sut.next(1000)).toEqual({ sentAt: 1000, previous: null });
    sut.record(1000, 5060, 1100);
    expect(sut.next(11_000)).toEqual({ sentAt: 11_000, previous: { sentAt: 1000, hubAt: 5060, receivedAt: 1100 } });
    sut.lost();
    expect(sut.next(21_000).previous).toBeNull();
  });

  it('estimates offset from the sample with the shortest round trip', () => {
    const sut = new HeartbeatClock();
    sut.record(0, 5100, 400); // rtt 400, offset 4900
    sut.record(1000, 6020, 1040); // rtt 40, offset 5000
    sut.record(2000, 7300, 2600); // rtt 600, offset 5000
    expect(sut.offsetMs).toBe(5000);
    expect(sut.rttMs).toBe(40);
  });

  it('ignores impossible samples', () => {
    const sut = new HeartbeatClock();
    sut.record(100, 50, 50);
    expect(sut.offsetMs).toBeNull();
  });

  it('formats offsets for the status bar', () => {
    expect(formatOffset(null)).toBe('–');
    expect(formatOffset(12)).toBe('+12 ms');
    expect(formatOffset(-1400)).toBe('−1.4 s');
  });
});
