// UI smoke run against the built till (`vite preview`) and scripts/mock-hub.mjs, in Debian's Chromium.
//   npm run build -w terminal && node terminal/scripts/mock-hub.mjs & (cd terminal && npx vite preview) &
//   node terminal/scripts/smoke.mjs [baseUrl] [screenshotDir]
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.argv[2] ?? 'http://127.0.0.1:4174/till/';
const HUB = process.env.MOCK_HUB_URL ?? 'http://127.0.0.1:8480';
const SHOTS = process.argv[3] ?? join(tmpdir(), 'till-shots');
mkdirSync(SHOTS, { recursive: true });

const hub = async (path, body) =>
  (await fetch(HUB + path, body ? { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } : {})).json();
const sf = (page) => page.evaluate(() => window.__stockfleet.snapshot());
function check(cond, what) {
  if (!cond) throw new Error(`smoke: ${what}`);
  console.log(`ok - ${what}`);
}

const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'till-')), {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
ctx.setDefaultTimeout(8000);
const page = ctx.pages()[0] ?? (await ctx.newPage());
page.on('pageerror', (e) => console.log('[pageerror]', e.message));
page.on('console', (m) => m.type() === 'error' && console.log('[console]', m.text()));
try {
  await page.goto(BASE);
  await page.getByTestId('screen-pairing').waitFor();
  await page.screenshot({ path: join(SHOTS, '01-pairing.png') });
  check(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang is en');

  await page.getByTestId('pairing-code').fill('BADCODE1');
  await page.getByTestId('pairing-submit').click();
  await page.getByTestId('pairing-error').filter({ hasText: /unknown|expired/ }).waitFor();
  check(true, 'a bad pairing code is refused with a message');

  await page.getByTestId('pairing-code').fill('abcd1234');
  await page.getByTestId('pairing-submit').click();
  await page.getByTestId('screen-signin').waitFor();
  await page.waitForFunction(() => window.__stockfleet.online);
  check(true, 'paired and online');

  for (const d of ['1', '2', '3', '9']) await page.getByTestId(`signin-keypad-${d}`).click();
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('signin-error').filter({ hasText: /not recognised/ }).waitFor();
  check(true, 'a wrong PIN is refused');
  await page.getByTestId('signin-pin').fill('1234');
  await page.keyboard.press('Enter');
  await page.getByTestId('screen-selling').waitFor();
  check((await sf(page)).staff === 'Mei', 'signed in with PIN');

  await page.evaluate(() => window.__stockfleet.scan('4006381333931'));
  await page.evaluate(() => window.__stockfleet.scan('4006381333931'));
  await page.getByTestId('scan-input').fill('036000291452');
  await page.keyboard.press('Enter');
  await page.locator('body').click({ position: { x: 5, y: 780 } });
  await page.keyboard.type('9501101530003', { delay: 4 });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.__stockfleet.basketLines === 3);
  const qtys = await page.getByTestId('basket-line').evaluateAll((els) => els.map((e) => e.dataset.qty));
  check(JSON.stringify(qtys) === '["2","1","1"]', `repeat scan adds quantity, keyed and wedge scans add lines (${qtys})`);
  check((await sf(page)).basketTotalCents === 99 * 2 + 149 + 450, 'total is right');
  await page.getByTestId('basket-line-inc').first().click();
  await page.getByTestId('basket-line-remove').nth(1).click();
  await page.screenshot({ path: join(SHOTS, '02-selling.png') });

  await page.getByTestId('tender-card').click();
  await page.getByTestId('complete-sale').click();
  await page.getByTestId('sale-completed').waitFor();
  await page.waitForFunction(() => window.__stockfleet.outboxDepth === 0 && window.__stockfleet.lastSaleSeq === 1);
  let hubState = await hub('/mock/state');
  check(hubState.sales.length === 1 && hubState.sales[0].lines[0].quantity === 3 && hubState.sales[0].tender === 'card', 'sale delivered to the hub');

  // Freeze with a basket open: grace, then park, then report frozen.
  await page.evaluate(() => window.__stockfleet.scan('036000291452'));
  await hub('/mock/desired', { mode: 'frozen', graceSeconds: 2, reasonKind: 'stocktake', practice: true, by: 'Head office' });
  await page.getByTestId('grace-banner').waitFor();
  check((await sf(page)).mode === 'selling', 'still selling during the grace period');
  await page.getByTestId('screen-frozen').waitFor({ timeout: 6000 });
  await page.getByTestId('practice-marker').waitFor();
  await page.waitForFunction(() => window.__stockfleet.mode === 'frozen');
  await new Promise((r) => setTimeout(r, 300));
  hubState = await hub('/mock/state');
  check(hubState.lastReport.mode === 'frozen' && hubState.lastReport.epoch === 2 && hubState.lastReport.lastSaleSeq === 1, 'hub told: frozen at epoch 2, lastSaleSeq 1');
  check((await sf(page)).parked === 1, 'open basket parked');
  await page.screenshot({ path: join(SHOTS, '03-frozen.png') });

  await hub('/mock/desired', { mode: 'selling' });
  await page.getByTestId('screen-selling').waitFor();
  await page.waitForFunction(() => window.__stockfleet.basketLines === 1 && window.__stockfleet.parked === 0);
  check(true, 'unfreeze restores the parked basket');

  // A rejected sale stays visible and delivery goes on.
  await hub('/mock/reject-next', { code: 'UNKNOWN_PRODUCT' });
  await page.getByTestId('tender-cash').click();
  await page.getByTestId('complete-sale').click();
  await page.waitForFunction(() => window.__stockfleet.outboxRejected === 1);
  await page.evaluate(() => window.__stockfleet.scan('4006381333931'));
  await page.getByTestId('tender-other').click();
  await page.getByTestId('complete-sale').click();
  await page.waitForFunction(() => window.__stockfleet.outboxDepth === 0 && window.__stockfleet.lastSaleSeq === 3);
  check((await hub('/mock/state')).sales.length === 2, 'a rejected sale does not block the next one');

  await hub('/mock/command', { kind: 'message', text: 'Stocktake at 18:00' });
  await page.getByTestId('message-banner').waitFor();
  await hub('/mock/command', { kind: 'identify' });
  await page.getByTestId('identify-overlay').waitFor();
  await page.getByTestId('open-settings').click();
  await page.getByTestId('screen-settings').waitFor();
  await page.getByTestId('outbox-entry').first().waitFor();
  await page.evaluate(() => window.__stockfleet.scan('(01)04006381333931(21)SER1'));
  await page.getByTestId('lang-zh-Hans').click();
  check(await page.evaluate(() => document.documentElement.lang) === 'zh-Hans', 'html lang follows the switcher');
  await page.waitForTimeout(6200);
  await page.screenshot({ path: join(SHOTS, '04-settings-zh.png'), fullPage: true });
  hubState = await hub('/mock/state');
  check(hubState.commandAcks.length === 2 && hubState.commandAcks.every((a) => a.ok && a.data.done), 'commands acknowledged');
  await page.getByTestId('lang-en').click();
  await page.getByTestId('close-settings').click();

  await hub('/mock/command', { kind: 'lock', text: 'Till audit' });
  await page.getByTestId('screen-locked').waitFor();
  await hub('/mock/command', { kind: 'unlock' });
  await page.getByTestId('screen-selling').waitFor();
  check(true, 'lock / unlock');

  // Offline reboot: the service worker serves the shell, selling goes on, the outbox waits.
  await page.waitForFunction(async () => !!(await navigator.serviceWorker?.getRegistration())?.active);
  await ctx.setOffline(true);
  await page.reload();
  await page.getByTestId('screen-selling').waitFor();
  await page.evaluate(() => window.__stockfleet.scan('4006381333931'));
  await page.getByTestId('tender-cash').click();
  await page.getByTestId('complete-sale').click();
  await page.waitForFunction(() => window.__stockfleet.outboxDepth === 1 && !window.__stockfleet.online);
  await page.getByTestId('signout').click();
  await page.getByTestId('signin-pin').fill('1234');
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('signin-error').filter({ hasText: /offline/ }).waitFor();
  await page.screenshot({ path: join(SHOTS, '05-offline-signin.png') });
  check(true, 'rebooted offline from the service worker, sold offline, offline sign-in refused');
  await ctx.setOffline(false);
  await page.waitForFunction(() => window.__stockfleet.online && window.__stockfleet.outboxDepth === 0, null, { timeout: 20000 });
  check((await hub('/mock/state')).sales.length === 3, 'the offline sale was delivered after reconnecting');
  await page.getByTestId('signin-pin').fill('1234');
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('screen-selling').waitFor();

  await hub('/mock/revoke', {});
  await page.getByTestId('pairing-revoked').waitFor();
  check(!(await sf(page)).paired, 'revocation wipes the token and shows pairing');
  console.log(`screenshots in ${SHOTS}`);
} catch (e) {
  await page.screenshot({ path: join(SHOTS, 'failure.png') }).catch(() => undefined);
  console.error(e);
  process.exitCode = 1;
} finally {
  await ctx.close();
}
