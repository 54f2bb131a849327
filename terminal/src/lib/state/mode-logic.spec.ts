import { acceptDesired, reportedState, screenFor, targetMode, type ReportInputs } from './mode-logic.js';

const selling = { mode: 'selling' as const, epoch: 3, graceSeconds: 0 };
const frozen = { mode: 'frozen' as const, epoch: 4, graceSeconds: 30 };

function inputs(over: Partial<ReportInputs> = {}): ReportInputs {
  return { desired: frozen, localLock: false, saleInProgress: false, pendingSales: 0, lastApplied: { mode: 'selling', epoch: 3 }, ...over };
}

describe(acceptDesired.name, () => {
  it('applies an equal or newer epoch and ignores an older one', () => {
    expect(acceptDesired(null, selling)).toBe(true);
    expect(acceptDesired(frozen, selling)).toBe(false);
    expect(acceptDesired(selling, frozen)).toBe(true);
    expect(acceptDesired(frozen, frozen)).toBe(true);
  });
});

describe(reportedState.name, () => {
  it('reports frozen at the new epoch once no sale is open and no sale waits in the outbox', () => {
    expect(reportedState(inputs())).toEqual({ mode: 'frozen', epoch: 4, reached: true });
  });

  it('keeps reporting the last reached state while a sale is open (grace) or sales wait', () => {
    expect(reportedState(inputs({ saleInProgress: true }))).toEqual({ mode: 'selling', epoch: 3, reached: false });
    expect(reportedState(inputs({ pendingSales: 2 }))).toEqual({ mode: 'selling', epoch: 3, reached: false });
  });

  it('counting needs no flush, but waits for the open sale', () => {
    const counting = { mode: 'counting' as const, epoch: 5, graceSeconds: 0 };
    expect(reportedState(inputs({ desired: counting, pendingSales: 3 }))).toEqual({ mode: 'counting', epoch: 5, reached: true });
    expect(reportedState(inputs({ desired: counting, saleInProgress: true })).reached).toBe(false);
  });

  it('selling is reached at once; a remote lock overrides the desired mode', () => {
    expect(reportedState(inputs({ desired: selling, saleInProgress: true }))).toEqual({ mode: 'selling', epoch: 3, reached: true });
    expect(reportedState(inputs({ desired: selling, localLock: true })).mode).toBe('locked');
    expect(targetMode(selling, true)).toBe('locked');
    expect(targetMode(null, false)).toBe('selling');
  });
});

describe(screenFor.name, () => {
  const base = { paired: true, staffSignedIn: true, target: 'selling' as const, saleInProgress: false, graceActive: false };

  it('routes by pairing, mode and staff', () => {
    expect(screenFor({ ...base, paired: false })).toBe('pairing');
    expect(screenFor({ ...base, staffSignedIn: false })).toBe('signin');
    expect(screenFor(base)).toBe('selling');
    expect(screenFor({ ...base, target: 'frozen' })).toBe('frozen');
    expect(screenFor({ ...base, target: 'frozen', staffSignedIn: false })).toBe('frozen');
    expect(screenFor({ ...base, target: 'counting' })).toBe('counting');
    expect(screenFor({ ...base, target: 'counting', staffSignedIn: false })).toBe('signin');
    expect(screenFor({ ...base, target: 'locked', staffSignedIn: false })).toBe('locked');
  });

  it('lets the open sale finish on the selling screen while the grace runs', () => {
    expect(screenFor({ ...base, target: 'frozen', saleInProgress: true, graceActive: true })).toBe('selling');
    expect(screenFor({ ...base, target: 'frozen', saleInProgress: true, graceActive: false })).toBe('frozen');
  });
});
