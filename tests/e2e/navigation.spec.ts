import { test, expect, type Page } from '@playwright/test';
import { appUrl } from './helpers/app';
import { CLIENT_CN, makeFixtures, type Fixtures } from './helpers/certs';
import { fixture } from '../fixtures/windows/load';

/**
 * Navigation state: each area has an address, Back and Forward move between areas, and a reload
 * (F5) brings back the area with what was open: opened certificate files, the server evidence
 * attached (which Diagnose uses too, from whichever page it was attached on), and never a secret.
 */

const nav = (page: Page, area: string) => page.locator(`[data-testid="nav-item"][data-area="${area}"]`);
const NETSH = fixture('netsh-sslcert-full.txt');
let certs: Fixtures;
test.beforeAll(() => {
  certs = makeFixtures();
});

test('Back, Forward and F5 keep the area and what was open in it', async ({ page }) => {
  await page.goto(await appUrl());
  await expect(page.getByTestId('mode')).toBeVisible();

  // The first screen sends a user with a certificate file to the certificate view.
  await expect(page.getByTestId('start-pane')).toBeVisible();
  await page.getByTestId('start-file-input').setInputFiles([certs.clientPem]);
  await expect(page.getByTestId('certificates-pane')).toBeVisible();
  await expect(page.getByTestId('cert-card').first()).toContainText(CLIENT_CN);
  await expect(page).toHaveURL(/#\/certificates$/);
  // A screen reader hears what was opened (the live region), without the focus moving.
  await expect(page.getByTestId('announcer')).toHaveText('1 file open, 1 certificate.');

  // Evidence attached on Server side.
  await nav(page, 'server').click();
  await expect(page).toHaveURL(/#\/server$/);
  await page.getByTestId('server-file-input').setInputFiles([{ name: 'sslcert.txt', mimeType: 'text/plain', buffer: Buffer.from(NETSH) }]);
  await expect(page.getByTestId('bindings-table')).toBeVisible();

  // ... is what Diagnose has attached, whichever way the user gets there.
  await nav(page, 'findings').click();
  await expect(page).toHaveURL(/#\/diagnose$/);
  await expect(page.getByTestId('diag-evidence-item')).toHaveCount(1);
  await expect(page.getByTestId('diag-evidence-item')).toHaveAttribute('data-name', 'sslcert.txt');

  // Back and Forward move between areas.
  await page.goBack();
  await expect(page.getByTestId('server-pane')).toBeVisible();
  await expect(page.getByTestId('bindings-table')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('certificates-pane')).toBeVisible();
  await page.goBack();
  await expect(page.getByTestId('start-pane')).toBeVisible();
  await page.goForward();
  await expect(page.getByTestId('certificates-pane')).toBeVisible();
  await expect(page.locator('[data-testid="nav-item"][aria-current="page"]')).toHaveAttribute('data-area', 'certificates');

  // F5 on Server side: the same area, the evidence read again.
  await nav(page, 'server').click();
  await page.reload();
  await expect(page.getByTestId('server-pane')).toBeVisible();
  await expect(page.getByTestId('bindings-table')).toBeVisible();
  await expect(page.getByTestId('start-pane')).toHaveCount(0);

  // The opened certificate is back too, and Diagnose still has the evidence.
  await nav(page, 'certificates').click();
  await expect(page.getByTestId('cert-card').first()).toContainText(CLIENT_CN);
  await nav(page, 'findings').click();
  await expect(page.getByTestId('diag-evidence-item')).toHaveCount(1);

  // Nothing secret was kept: no password, no private key in the session's storage.
  const stored = await page.evaluate(() => Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`).join('\n'));
  expect(stored).not.toMatch(/PRIVATE KEY|"password"/);
});

test('a file holding a private key is not kept across a reload, and the page says so', async ({ page }) => {
  await page.goto(`${await appUrl()}#/certificates`);
  await page.getByTestId('file-input').setInputFiles([certs.clientWithKeyPem, certs.rootPem]);
  await expect(page.getByTestId('opened-item')).toHaveCount(2);
  await page.reload();
  // Only the root's file came back: one file, so its details and no list.
  await expect(page.getByTestId('file-name')).toHaveText('root.pem');
  await expect(page.getByTestId('opened-item')).toHaveCount(0);
  await expect(page.getByTestId('reload-left-out')).toContainText('One file with a private key or a password was not kept');
  const stored = await page.evaluate(() => Object.values({ ...sessionStorage }).join('\n'));
  expect(stored).not.toContain('PRIVATE KEY');
});
