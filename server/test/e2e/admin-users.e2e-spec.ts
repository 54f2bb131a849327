import type { Page } from 'playwright-core';
import { createStore } from '../utils/factories';
import { apiSession, useAdminHub, SHORT, textMatches } from './admin-helpers';

/**
 * The users page in Debian's Chromium (disable, enable, role and stores), and both apps booting under the
 * hub's CSP without 'unsafe-inline' scripts: useAdminHub fails a test on any console error, CSP refusals included.
 */
describe('Users and the hub’s CSP in the browser', () => {
  const hub = useAdminHub();

  /** Records CSP violations the page reports, from before its first script runs. */
  async function watchCsp(page: Page) {
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));
    });
  }
  const violations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

  it('disables, enables and re-roles a user from the users page; disabling signs them out at once', async () => {
    const { t, b } = hub;
    const store = await createStore(t.em());
    const manager = await apiSession(t, 'manager', [store.id]);
    const { page, user: me } = await b.as('admin', [], '/users');
    const row = page.getByTestId(`user-row-${manager.user.id}`);
    await row.waitFor();
    expect(await page.getByTestId(`user-row-${me.id}`).getByTestId('user-disable').count()).toBe(0);

    await row.getByTestId('user-disable').click();
    expect(await textMatches(row.getByTestId('user-status'), /Disabled/)).toBe('Disabled');
    expect((await manager.http.get('/api/auth/me')).status).toBe(401);

    await row.getByTestId('user-enable').click();
    expect(await textMatches(row.getByTestId('user-status'), /Active/)).toBe('Active');

    await row.getByTestId('user-edit').click();
    const dialog = page.getByTestId('user-edit-dialog');
    await dialog.getByTestId(`user-edit-store-${store.id}`).waitFor({ timeout: SHORT });
    expect(await dialog.getByTestId(`user-edit-store-${store.id}`).isChecked()).toBe(true);
    await dialog.getByTestId('user-edit-role').selectOption('auditor');
    await dialog.getByTestId('user-edit-submit').click();
    await textMatches(row, /Auditor/);
    expect(await row.innerText()).toContain('Every store');
    const [saved] = await t.em().getConnection().execute(`select role, store_ids from app_user where id = ?`, [manager.user.id]);
    expect(saved).toMatchObject({ role: 'auditor', store_ids: [] });
  });

  it('boots the admin and till apps with script-src limited to self and the apps’ own inline hashes', async () => {
    const { t, b } = hub;
    const page = await b.blank();
    await watchCsp(page);
    const res = await page.goto(`${t.url}/login`);
    const scriptSrc = /script-src ([^;]*)/.exec(res?.headers()['content-security-policy'] ?? '')?.[1] ?? '';
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(scriptSrc).toMatch(/'sha256-[A-Za-z0-9+/=]+'/);
    await page.getByTestId('login-form').waitFor();
    expect(await violations(page)).toEqual([]);

    await page.goto(`${t.url}/till/`);
    await page.getByTestId('pairing-code').waitFor();
    expect(await violations(page)).toEqual([]);
  });
});
