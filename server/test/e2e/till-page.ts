import type { Page } from 'playwright-core';
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
  lastScan: { raw: string; kind: string; ok: boolean; gtin14: string | null; source: string } | null;
  clockOffsetMs: number | null;
}

export const LOCALES = ['en', 'zh-Hans', 'zh-Hant'] as const;
export type Locale = (typeof LOCALES)[number];

export const snapshot = (page: Page): Promise<TillSnapshot> =>
  page.evaluate(() => (window as any).__stockfleet.snapshot());

/**
 * Waits until the till's own state satisfies `pred`, checked in the page on every animation frame.
 * `pred` is a function over the snapshot; it is sent as a function (the hub's CSP forbids string eval).
 */
export async function waitForTill(page: Page, pred: (s: TillSnapshot) => boolean, timeout = 15_000): Promise<TillSnapshot> {
  try {
    const handle = await page.waitForFunction(
      (src) => {
        const api = (window as any).__stockfleet;
        if (!api?.ready) return false;
        const s = api.snapshot();
        // eslint-disable-next-line no-new-func
        return (globalThis as any).__tillPred?.[src]?.(s) ? s : false;
      },
      pred.toString(),
      { timeout },
    );
    return (await handle.jsonValue()) as TillSnapshot;
  } catch (e) {
    const snap = await snapshot(page).catch(() => null);
    throw new Error(`till never reached ${pred.toString()}: ${(e as Error).message}\nsnapshot: ${JSON.stringify(snap)}`);
  }
}

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

/** A keyboard-wedge scanner: the whole code in a few milliseconds per key, then Enter. */
export async function wedgeScan(page: Page, code: string): Promise<void> {
  await page.keyboard.type(`${code}\n`, { delay: 5 });
}
