import type { BrowserContext, Locator, Page } from 'playwright-core';
import { IMPORT_COLUMNS } from '@stockfleet/shared';
import { createUser, newGtin13 } from '../utils/factories';
import { HttpClient } from '../utils/http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, screenshotPath } from '../utils/browser';
import { bootApp, type TestApp } from '../utils/test-app';

export type Role = 'admin' | 'manager' | 'auditor';
export const SHORT = 5_000;

/** Signs a new user of that role in over HTTP; the same session cookie then goes into the browser. */
export async function apiSession(t: TestApp, role: Role, storeIds: string[] = []) {
  const user = await createUser(t.em(), role, storeIds);
  const http = new HttpClient(t.url);
  const res = await http.post('/api/auth/login', { email: user.email, password: user.password });
  if (res.status !== 200 || !http.cookie) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { user, http, token: http.cookie.slice(http.cookie.indexOf('=') + 1) };
}

/**
 * One browser for the whole file: each "session" swaps the cookie and opens a fresh page, so a test
 * never sees the previous user's tab (its live socket is closed with the page).
 */
export class Browser {
  private page: Page | null = null;
  /** Uncaught exceptions and console errors of every page, for an assertion at the end of each test. */
  readonly problems: string[] = [];
  constructor(
    readonly ctx: BrowserContext,
    readonly t: TestApp,
  ) {}

  async blank(): Promise<Page> {
    await this.page?.close();
    await this.ctx.clearCookies();
    const page = await this.ctx.newPage();
    page.on('pageerror', (e) => this.problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // Chromium logs every non-2xx answer as "Failed to load resource"; the tests assert on those answers themselves.
      if ((m.type() === 'error' || m.type() === 'warning') && !m.text().startsWith('Failed to load resource')) this.problems.push(`console.${m.type()}: ${m.text()}`);
    });
    this.page = page;
    return page;
  }

  /** The problems collected since the last call. */
  takeProblems(): string[] {
    return this.problems.splice(0);
  }

  async as(role: Role, storeIds: string[] = [], path = '/fleet') {
    const s = await apiSession(this.t, role, storeIds);
    const page = await this.blank();
    await this.ctx.addCookies([{ name: 'sf_session', value: s.token, url: this.t.url, httpOnly: true, sameSite: 'Strict' }]);
    await page.goto(this.t.url + path);
    await page.getByTestId('user-badge').waitFor();
    return { ...s, page };
  }

  async close() {
    await this.page?.close();
  }
}

/** Waits until the element's text matches (Playwright's expect is not part of playwright-core); returns the text. */
export async function textMatches(loc: Locator, re: RegExp, timeout = SHORT): Promise<string> {
  const hit = loc.filter({ hasText: re });
  await hit.first().waitFor({ timeout });
  return hit.first().innerText();
}

export async function shot(page: Page, name: string, locale: string, opts: { fullPage?: boolean } = {}) {
  // Fonts (CJK fallbacks) must have loaded, or the picture shows tofu and a different layout.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path: screenshotPath(`admin-${name}-${locale}`), fullPage: opts.fullPage ?? false, animations: 'disabled' });
}

export interface CsvProduct { sku: string; name: string; category: string; cost: number; price: number; threshold: number; barcodes: string[] }

export function catalogueCsv(products: CsvProduct[]): string {
  const rows = [IMPORT_COLUMNS.join(',')];
  for (const p of products) {
    for (const code of p.barcodes.length ? p.barcodes : ['']) {
      rows.push([p.sku, p.name, p.category, p.cost, p.price, 'piece', p.threshold, code, code ? 'gtin' : '', code ? 1 : ''].join(','));
    }
  }
  return rows.join('\n') + '\n';
}

export const gtin = newGtin13;

const ADMIN_BUILD = join(__dirname, '..', '..', '..', 'admin', 'build', 'index.html');

export interface AdminHub {
  t: TestApp;
  ctx: BrowserContext;
  b: Browser;
  admin: HttpClient;
}

/**
 * One admin-app browser spec's world: the real hub (with these config overrides), Debian's Chromium and an
 * admin API session, started before the spec's tests and closed after them. After each test no page may
 * have had an uncaught exception, a CSP refusal or an ignored socket payload.
 */
export function useAdminHub(overrides: Record<string, string> = {}): AdminHub {
  const hub = {} as AdminHub;
  beforeAll(async () => {
    if (!existsSync(ADMIN_BUILD)) throw new Error('admin/build is missing: run `npm run build -w admin` first');
    [hub.t, hub.ctx] = await Promise.all([bootApp(overrides), launchBrowser()]);
    hub.b = new Browser(hub.ctx, hub.t);
    hub.admin = (await apiSession(hub.t, 'admin')).http;
  });
  afterEach(() => {
    expect(hub.b.takeProblems()).toEqual([]);
  });
  afterAll(async () => {
    await hub.b?.close();
    await hub.ctx?.close();
    await hub.t?.close();
  });
  return hub;
}
