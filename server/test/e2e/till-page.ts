import type { CDPSession, Page } from 'playwright-core';
import { screenshotPath } from '../utils/browser';

/** What `window.__stockfleet.snapshot()` returns (terminal/src/lib/test-hooks.ts). */
export interface TillSnapshot {
  ready: boolean;
  screen: string;
  mode: string;
  epoch: number;
  desiredMode: string | null;
  desiredEpoch: number | null;
  online: boolean;
  link: string;
  outboxDepth: number;
  outboxRejected: number;
  lastSaleSeq: number;
  saleInProgress: boolean;
  basketLines: number;
  basketTotalCents: number;
  parked: number;
  staff: string | null;
  paired: boolean;
  terminalId: string | null;
  locale: string;
  scanner: { kind: string; status: string };
  lastScan: { raw: string; kind: string; ok: boolean; gtin14: string | null; source: string; at: number } | null;
  clockOffsetMs: number | null;
}

export const LOCALES = ['en', 'zh-Hans', 'zh-Hant'] as const;
export type Locale = (typeof LOCALES)[number];

export const snapshot = (page: Page): Promise<TillSnapshot> =>
  page.evaluate(() => (window as any).__stockfleet.snapshot());

/**
 * Waits until the till's own state (`window.__stockfleet`) contains `want` (a deep partial match),
 * checked in the page on every animation frame. A fixed function with data, never a string: the
 * hub's CSP forbids eval in the page.
 */
export async function waitForTill(page: Page, want: DeepPartial<TillSnapshot>, timeout = 15_000): Promise<TillSnapshot> {
  try {
    const handle = await page.waitForFunction(
      (w) => {
        const api = (window as any).__stockfleet;
        if (!api?.ready) return false;
        const s = api.snapshot();
        const matches = (have: any, want: any): boolean =>
          want !== null && typeof want === 'object'
            ? have !== null && typeof have === 'object' && Object.keys(want).every((k) => matches(have[k], want[k]))
            : have === want;
        return matches(s, w) ? s : false;
      },
      want,
      { timeout },
    );
    return (await handle.jsonValue()) as TillSnapshot;
  } catch (e) {
    const snap = await snapshot(page).catch(() => null);
    throw new Error(`till never reached ${JSON.stringify(want)}: ${(e as Error).message}\nsnapshot: ${JSON.stringify(snap)}`);
  }
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | null : T[K] };

/** Polls an async value until it equals / matches what `check` wants (for hub-side state, e.g. the DB). */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => void, timeout = 10_000, interval = 100): Promise<T> {
  const until = Date.now() + timeout;
  for (;;) {
    const v = await read();
    try {
      check(v);
      return v;
    } catch (e) {
      if (Date.now() > until) throw e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Switches the language the way staff do: on the pairing screen directly, elsewhere through settings. */
export async function setLocale(page: Page, locale: Locale, opts: { keepSettingsOpen?: boolean } = {}): Promise<void> {
  const pairing = await page.getByTestId('screen-pairing').isVisible();
  const settingsOpen = await page.getByTestId('screen-settings').isVisible();
  if (!pairing && !settingsOpen) {
    await page.getByTestId('open-settings').click();
    await page.getByTestId('screen-settings').waitFor();
  }
  await page.getByTestId(`lang-${locale}`).click();
  await page.waitForFunction((l) => document.documentElement.lang === l && (window as any).__stockfleet.locale === l, locale);
  if (!pairing && !opts.keepSettingsOpen) {
    await page.getByTestId('close-settings').click();
    await page.getByTestId('screen-settings').waitFor({ state: 'hidden' });
  }
}

/** One screenshot of the current screen per language → test-artifacts/till-<screen>-<locale>.png; ends in English. */
export async function shootEachLocale(page: Page, screen: string, visible: string, opts: { keepSettingsOpen?: boolean } = {}): Promise<void> {
  for (const locale of LOCALES) {
    await setLocale(page, locale, opts);
    await page.getByTestId(visible).waitFor();
    await page.screenshot({ path: screenshotPath(`till-${screen}-${locale}`) });
  }
  await setLocale(page, 'en', opts);
}

const cdpSessions = new WeakMap<Page, Promise<CDPSession>>();

/**
 * A keyboard-wedge scanner: real (trusted) key events for the whole code, then Enter, stamped
 * `gapMs` apart the way the OS stamps a scanner's keys. Playwright's `keyboard.type` waits a CDP
 * round trip per key, and the hub runs in this same Node process, so its gaps wander past the
 * detector's 35 ms now and then; a scanner's do not. The events are sent without waiting on each
 * other and carry their own timestamps, so the till sees scanner timing however busy the test is.
 */
export async function wedgeScan(page: Page, code: string, gapMs = 4): Promise<void> {
  let session = cdpSessions.get(page);
  if (!session) cdpSessions.set(page, (session = page.context().newCDPSession(page)));
  const cdp = await session;
  const t0 = Date.now() / 1000;
  const sends: Array<Promise<unknown>> = [];
  [...code, 'Enter'].forEach((ch, i) => {
    const timestamp = t0 + (i * gapMs) / 1000;
    const enter = ch === 'Enter';
    const key = {
      key: ch,
      code: enter ? 'Enter' : /\d/.test(ch) ? `Digit${ch}` : `Key${ch.toUpperCase()}`,
      windowsVirtualKeyCode: enter ? 13 : ch.toUpperCase().charCodeAt(0),
      text: enter ? '\r' : ch,
      unmodifiedText: enter ? '\r' : ch,
    };
    sends.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', timestamp, ...key }));
    sends.push(cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', timestamp: timestamp + 0.001, key: key.key, code: key.code, windowsVirtualKeyCode: key.windowsVirtualKeyCode }));
  });
  await Promise.all(sends);
}

/** A wedge scan that must be recognised as a scan (by its timing), not typed into the focused field. */
export async function wedgeScanDetected(page: Page, code: string): Promise<void> {
  const before = (await snapshot(page)).lastScan?.at ?? null;
  await wedgeScan(page, code);
  try {
    await page.waitForFunction(
      ({ code, before }) => {
        const s = (window as any).__stockfleet.lastScan;
        return s && s.at !== before && s.raw === code && s.source === 'wedge';
      },
      { code, before },
      { timeout: 5000 },
    );
  } catch {
    throw new Error(`the wedge scan of ${code} was not detected: ${JSON.stringify(await snapshot(page))}`);
  }
}
