import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { test, expect } from '@playwright/test';
import { openApp, viewShot } from './helpers/app';
import { CLIENT_CN, makeFixtures, openssl, type Fixtures } from './helpers/certs';

/**
 * A PFX end to end. Private keys asks for its password in place (focused, a wrong one
 * said and asked again) and then shows the key inside it and who may read the file; Diagnose with
 * a PFX and an account says plainly at the top that the account's access could not be checked.
 */

let certs: Fixtures;
let pfx = '';
const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;

test.beforeAll(() => {
  certs = makeFixtures();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-pfx-e2e-'));
  pfx = path.join(dir, 'alice.pfx');
  openssl(['pkcs12', '-export', '-in', certs.clientPem, '-inkey', path.join(certs.dir, 'client.key'), '-name', 'alice', '-passout', `pass:${PASSWORD}`, '-out', pfx]);
});

test('Private keys opens a PFX by path with its password asked in place', async ({ page }) => {
  await openApp(page, '#/keys');
  await page.getByTestId('key-path').fill(pfx);
  await page.getByTestId('key-path-submit').click();

  const field = page.getByTestId('key-pfx-password-input');
  await expect(page.getByTestId('key-pfx-password')).toContainText('password-protected PFX');
  await expect(field).toBeFocused();
  await viewShot(page, 'keys-pfx-password');

  await field.fill('not-the-password');
  await field.press('Enter');
  await expect(page.getByTestId('key-pfx-password-wrong')).toBeVisible();
  await expect(field).toBeFocused();

  await field.fill(PASSWORD);
  await field.press('Enter');
  await expect(page.getByTestId('key-location')).toHaveAttribute('data-key-status', 'present');
  await expect(page.getByTestId('key-cert-name')).toContainText(CLIENT_CN);
  await expect(page.getByTestId('key-pfx-password')).toHaveCount(0);
  // The file's ACL is there, so the account check can follow.
  await expect(page.getByTestId('key-step-access')).toBeVisible();
  await viewShot(page, 'keys-pfx-opened');
  const stored = await page.evaluate(() => Object.values({ ...sessionStorage }).join('\n'));
  expect(stored).not.toContain(PASSWORD);
});

test('Diagnose with a PFX and an account says why the account was not checked', async ({ page }) => {
  await openApp(page, '#/diagnose');
  await page.getByTestId('diag-cert-input').setInputFiles(pfx);
  // The PFX's password field takes the cursor as it appears.
  await expect(page.getByTestId('diag-password')).toBeFocused();
  await page.keyboard.type(PASSWORD);
  await page.getByTestId('identity-input').fill('nobody');
  await page.getByTestId('diag-read-live').uncheck();
  await page.getByTestId('diag-run').click();
  await expect(page.getByTestId('diag-report')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('diag-key-not-checked')).toContainText('Not checked: whether nobody can read the private key');
  await expect(page.getByTestId('diag-asked-summary')).toContainText('nobody (not checked: the key is in the uploaded file)');
  await viewShot(page, 'diagnose-pfx-identity');
});
