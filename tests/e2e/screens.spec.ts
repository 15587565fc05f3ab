import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { SCREENSHOT_DIR, appUrl, startLabFromPage } from './helpers/app';
import { expectAccessible, clippedAtRight } from './helpers/a11y';
import { makeFixtures, type Fixtures } from './helpers/certs';
import { fixture } from '../fixtures/windows/load';

/**
 * Every screen as a helpdesk user meets it, at the sizes of their desks: a 1366x768
 * laptop, a 1024x700 window, and 1366x768 at 150% zoom (a 911x512 CSS viewport at device scale
 * 1.5). Each screen is photographed (test-results/screenshots/screens-<size>-<screen>.png, looked
 * at by a person), nothing on it is cut off at the right, and axe finds no
 * serious or critical accessibility violation.
 */

const SIZES = [
  { name: '1366x768', viewport: { width: 1366, height: 768 }, scale: 1 },
  { name: '1024x700', viewport: { width: 1024, height: 700 }, scale: 1 },
  { name: 'zoom150', viewport: { width: 911, height: 512 }, scale: 1.5 },
] as const;

const nav = (page: Page, area: string) => page.locator(`[data-testid="nav-item"][data-area="${area}"]`);

let certs: Fixtures;
test.beforeAll(() => {
  certs = makeFixtures();
});

const NETSH = fixture('netsh-sslcert-full.txt');
const APPHOST = fixture('applicationhost-two-sites.config');

async function open(browser: Browser, size: (typeof SIZES)[number]): Promise<Page> {
  const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.scale });
  const page = await context.newPage();
  await page.goto(await appUrl());
  await expect(page.getByTestId('mode')).toBeVisible();
  return page;
}

/** The window as the user sees it; with `part`, scrolled so that part is at the top (what they came to read). */
async function screen(page: Page, size: string, name: string, axe: boolean, part?: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  if (part) {
    await page.getByTestId(part).first().evaluate((el) => {
      const top = el.getBoundingClientRect().top + window.scrollY - (document.querySelector('.top-bar')?.getBoundingClientRect().height ?? 0) - 8;
      window.scrollTo({ top });
    });
  }
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `screens-${size}-${name}.png`) });
  expect(await clippedAtRight(page), `${name} at ${size}`).toEqual([]);
  if (axe) await expectAccessible(page, `${name} at ${size}`);
}

for (const size of SIZES) {
  test(`every screen at ${size.name}`, async ({ browser }) => {
    test.setTimeout(300_000);
    const page = await open(browser, size);
    const axe = true; // every screen, at every size

    await expect(page.getByTestId('start-pane')).toBeVisible();
    await screen(page, size.name, '01-start', axe);

    await page.getByTestId('start-file-input').setInputFiles([certs.clientPem, certs.rootCer, certs.serverPem]);
    await expect(page.getByTestId('certificates-pane')).toBeVisible();
    await expect(page.getByTestId('cert-card').first()).toBeVisible();
    // Judged, not still being checked: the list's rows say so once the chains are in.
    await expect(page.getByTestId('opened-item').filter({ hasText: 'checking its chain' })).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('chain-progress')).toHaveCount(0, { timeout: 30_000 });
    await screen(page, size.name, '02-certificates', axe);
    await screen(page, size.name, '02b-certificate-card', false, 'cert-card');

    await page.locator('[data-testid="area-tab"][data-tab="stores"]').click();
    await expect(page.getByTestId('store-table')).toBeVisible({ timeout: 60_000 });
    await screen(page, size.name, '03-stores', axe);
    await screen(page, size.name, '03b-stores-table', false, 'store-table');

    await nav(page, 'keys').click();
    await expect(page.getByTestId('key-picker')).toBeVisible();
    await screen(page, size.name, '04-keys', axe);

    await nav(page, 'probe').click();
    await expect(page.getByTestId('probe-pane')).toBeVisible();
    await screen(page, size.name, '05-probe', axe);

    await nav(page, 'server').click();
    await page.getByTestId('server-file-input').setInputFiles([
      { name: 'sslcert.txt', mimeType: 'text/plain', buffer: Buffer.from(NETSH) },
      { name: 'applicationHost.config', mimeType: 'text/xml', buffer: Buffer.from(APPHOST) },
    ]);
    await expect(page.getByTestId('server-evidence')).toBeVisible({ timeout: 30_000 });
    await screen(page, size.name, '06-server', axe);
    await screen(page, size.name, '06b-server-bindings', false, 'bindings-table');

    await nav(page, 'findings').click();
    await expect(page.getByTestId('diag-evidence-item')).toHaveCount(2);
    await screen(page, size.name, '07-diagnose', axe);

    await nav(page, 'bundles').click();
    await expect(page.getByTestId('bundles-pane')).toBeVisible();
    await screen(page, size.name, '08-bundles', axe);

    await nav(page, 'lab').click();
    await expect(page.getByTestId('lab-start')).toBeVisible();
    await screen(page, size.name, '09-lab', axe);

    // The answers, not only the forms: a probe of the Lab's 25 KB CA list, then a diagnosis of it with the evidence above.
    await startLabFromPage(page);
    await screen(page, size.name, '10-lab-running', axe);
    const url = (await page.locator('[data-testid="lab-scenario"][data-scenario="large-ca-list"]').getByTestId('lab-url').innerText()).trim();
    await nav(page, 'probe').click();
    await page.getByTestId('probe-url').fill(url);
    await page.getByTestId('probe-run').click();
    await expect(page.getByTestId('probe-headline')).toContainText("larger than Windows can send", { timeout: 60_000 });
    await screen(page, size.name, '11-probe-result', axe, 'probe-result');

    await nav(page, 'findings').click();
    await page.getByTestId('diag-url').fill(url);
    await page.getByTestId('diag-read-live').uncheck();
    await page.getByTestId('diag-run').click();
    await expect(page.getByTestId('diag-report')).toBeVisible({ timeout: 90_000 });
    await screen(page, size.name, '12-diagnose-report', axe);
    await screen(page, size.name, '12b-diagnose-findings', false, 'diag-findings');
    await page.context().close();
  });
}
