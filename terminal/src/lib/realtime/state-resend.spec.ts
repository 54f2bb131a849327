import {
  backoffDelay,
  StateReporter,
  TILL_RECONNECT,
  TILL_RECONNECT_BACKOFF,
  TILL_STATE_RESEND,
  type ReportOutcome,
} from '@stockfleet/shared';
import { reportOutcome } from './till-socket.js';

interface S {
  mode: string;
  epoch: number;
}

/** A reporter over a fake link: every send waits until the test answers it; timers are the test's. */
function harness(random = () => 0) {
  const sent: S[] = [];
  const answers: Array<(o: ReportOutcome) => void> = [];
  const timers: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  let up = true;
  const sut = new StateReporter<S>({
    connected: () => up,
    send: (s) => {
      sent.push(s);
      return new Promise<ReportOutcome>((resolve) => answers.push(resolve));
    },
    random,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      (h as { cleared: boolean }).cleared = true;
    },
  });
  const answer = async (o: ReportOutcome) => {
    answers.shift()!(o);
    await new Promise((r) => setTimeout(r, 0));
  };
  const fire = () => {
    const t = timers.filter((x) => !x.cleared).at(-1)!;
    t.cleared = true;
    t.fn();
  };
  const armed = () => timers.filter((x) => !x.cleared);
  return { sut, sent, answer, fire, armed, setUp: (v: boolean) => (up = v) };
}

describe('till resend policy', () => {
  it('doubles from 0.5 s to a 4 s cap, well under the 10 s the barrier has after the database returns', () => {
    const top = [0, 1, 2, 3, 4, 10, 1000].map((a) => backoffDelay(a, TILL_STATE_RESEND, () => 0));
    expect(top).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000]);
    expect(TILL_STATE_RESEND.maxMs + TILL_STATE_RESEND.ackTimeoutMs).toBeLessThan(10_000);
  });

  it('jitters each delay down to half, never above the cap', () => {
    expect(backoffDelay(5, TILL_STATE_RESEND, () => 0.999999)).toBe(2000);
    expect(backoffDelay(5, TILL_STATE_RESEND, () => 0.5)).toBe(3000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(i % 8, TILL_STATE_RESEND);
      expect(d).toBeGreaterThanOrEqual(250);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('is one reconnect policy: quick, capped, jittered', () => {
    expect(TILL_RECONNECT).toEqual({ reconnectionDelay: 500, reconnectionDelayMax: 2500, randomizationFactor: 0.5 });
    expect(backoffDelay(9, TILL_RECONNECT_BACKOFF, () => 0)).toBe(2500);
  });

  it('classifies acks: stored, transient (send again), permanent', () => {
    expect(reportOutcome({ ok: true, data: { mode: 'frozen', epoch: 3 } })).toBe('stored');
    expect(reportOutcome({ ok: false, error: { code: 'UNAVAILABLE', message: '', permanent: false } })).toBe('retry');
    expect(reportOutcome({ ok: false, error: { code: 'INTERNAL', message: '' } })).toBe('retry');
    expect(reportOutcome({ ok: false, error: { code: 'VALIDATION_FAILED', message: '', permanent: true } })).toBe('permanent');
    expect(reportOutcome(null)).toBe('retry');
  });
});

describe(StateReporter.name, () => {
  it('keeps the state pending until the hub acks it, resending with backoff after errors and timeouts', async () => {
    const h = harness();
    h.sut.report({ mode: 'frozen', epoch: 2 });
    expect(h.sent).toHaveLength(1);
    expect(h.sut.pending).toBe(true);
    await h.answer('retry'); // UNAVAILABLE: the database is away
    expect(h.armed().map((t) => t.ms)).toEqual([500]);
    h.fire();
    expect(h.sent).toHaveLength(2);
    await h.answer('retry'); // a timeout
    expect(h.armed().map((t) => t.ms)).toEqual([1000]);
    h.fire();
    await h.answer('stored');
    expect(h.sent).toEqual([{ mode: 'frozen', epoch: 2 }, { mode: 'frozen', epoch: 2 }, { mode: 'frozen', epoch: 2 }]);
    expect(h.sut.pending).toBe(false);
    expect(h.armed()).toHaveLength(0);
    // The same state again: nothing to send.
    h.sut.report({ mode: 'frozen', epoch: 2 });
    expect(h.sent).toHaveLength(3);
  });

  it('lets a newer state supersede an older pending one, one report in flight at a time', async () => {
    const h = harness();
    h.sut.report({ mode: 'selling', epoch: 1 });
    h.sut.report({ mode: 'frozen', epoch: 2 }); // while the first is in flight
    h.sut.report({ mode: 'counting', epoch: 3 });
    expect(h.sent).toHaveLength(1);
    await h.answer('retry'); // the first failed: the newest goes now, not after a backoff
    expect(h.sent.at(-1)).toEqual({ mode: 'counting', epoch: 3 });
    expect(h.armed()).toHaveLength(0);
    await h.answer('stored');
    expect(h.sent).toHaveLength(2);
    expect(h.sut.pending).toBe(false);
  });

  it('sends a new state at once even while an older one waits for its backoff', async () => {
    const h = harness();
    h.sut.report({ mode: 'selling', epoch: 1 });
    await h.answer('retry');
    expect(h.armed()).toHaveLength(1);
    h.sut.report({ mode: 'frozen', epoch: 2 });
    expect(h.armed()).toHaveLength(0);
    expect(h.sent.at(-1)).toEqual({ mode: 'frozen', epoch: 2 });
  });

  it('sends nothing while offline and the latest state at once on (re)connect, even if it was acked', async () => {
    const h = harness();
    h.setUp(false);
    h.sut.report({ mode: 'frozen', epoch: 2 });
    expect(h.sent).toHaveLength(0);
    h.setUp(true);
    h.sut.connectedNow();
    expect(h.sent).toHaveLength(1);
    await h.answer('stored');
    h.sut.disconnectedNow();
    h.sut.connectedNow(); // level-triggered: the hub hears the state on every connect
    expect(h.sent).toHaveLength(2);
    await h.answer('stored');
    expect(h.sut.pending).toBe(false);
  });

  it('stops retrying on a disconnect and resumes on the next connect', async () => {
    const h = harness();
    h.sut.report({ mode: 'frozen', epoch: 2 });
    await h.answer('retry');
    h.setUp(false);
    h.sut.disconnectedNow();
    expect(h.armed()).toHaveLength(0);
    h.setUp(true);
    h.sut.connectedNow();
    expect(h.sent).toHaveLength(2);
  });

  it('resends an acked state when asked (a desired state already applied), once', async () => {
    const h = harness();
    h.sut.report({ mode: 'frozen', epoch: 2 });
    await h.answer('stored');
    h.sut.resend();
    h.sut.resend(); // already on its way
    expect(h.sent).toHaveLength(2);
    await h.answer('retry'); // the forced resend failed: it stays pending
    expect(h.sut.pending).toBe(true);
    h.fire();
    await h.answer('stored');
    expect(h.sent).toHaveLength(3);
    expect(h.sut.pending).toBe(false);
  });

  it('does not send a permanently refused state again, but sends the next one', async () => {
    const h = harness();
    h.sut.report({ mode: 'frozen', epoch: 2 });
    await h.answer('permanent');
    expect(h.armed()).toHaveLength(0);
    expect(h.sut.pending).toBe(false);
    h.sut.report({ mode: 'counting', epoch: 3 });
    expect(h.sent).toHaveLength(2);
  });

  it('spreads the resends of tills that failed together', async () => {
    const delays = new Set<number>();
    for (let i = 0; i < 50; i++) delays.add(backoffDelay(3, TILL_STATE_RESEND));
    expect(delays.size).toBeGreaterThan(25);
  });
});
