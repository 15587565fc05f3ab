import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { revocationDiagnosis, type RevocationDiagnosis } from '../helpers/revocation-diagnosis';
import { testServices } from '../helpers/services';
import { SCREENSHOT_DIR, openApp } from './helpers/app';

/**
 * A redacted bundle of a Diagnose whose client chain was checked against real CRL and OCSP
 * responders, opened on the Bundles page: its diagnosis shows each chain box's revocation answer,
 * in pseudonyms (the CA's name in the CRL path too), never the names it was made with.
 */
let diagnosis: RevocationDiagnosis;
let dir: string;
let zip: string;

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-e2e-bundle-revocation-'));
  diagnosis = await revocationDiagnosis();
  const services = testServices({ ...process.env, CERTBENCH_DATA_DIR: path.join(dir, 'data'), HOME: dir });
  zip = path.join(dir, 'revocation-redacted.zip');
  const work = { progress: () => undefined, signal: new AbortController().signal };
  await services.bundles.export({ report: diagnosis.report, redact: ['hosts', 'accounts', 'ips', 'subjects'], includeStores: false, out: zip }, work, { hostname: diagnosis.report.host });
});

test.afterAll(async () => {
  await diagnosis?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('an opened redacted bundle shows each link’s revocation answer, redacted', async ({ page }) => {
  await openApp(page);
  await page.locator('[data-testid="nav-item"][data-area="bundles"]').click();
  await page.getByTestId('bundle-file-input').setInputFiles(zip);
  await expect(page.locator('[data-testid="nav-item"][data-area="findings"]')).toHaveAttribute('aria-current', 'page', { timeout: 30_000 });
  await page.getByTestId('evidence-tabs').locator('[data-tab="certificate"]').first().click();
  const lines = page.getByTestId('evidence-panel').getByTestId('chain-revocation');
  await expect(lines.first()).toBeVisible();
  const statuses = await lines.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
  // The picture draws the root at the top and the certificate at the bottom.
  expect(statuses.slice(0, 3)).toEqual(['not-checked', 'good', 'revoked']);
  const leaf = lines.nth(2);
  await expect(leaf).toContainText(/Revoked on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(keyCompromise\) per (OCSP|CRL) http:\/\/127\.0\.0\.1:\d+\/host-\d+\.example\//);
  await expect(lines.nth(1)).toContainText(/Good per CRL http:\/\/127\.0\.0\.1:\d+\/host-\d+\.example\/Subject-\d+\.crl/);
  const text = await page.locator('main').first().innerText();
  expect(text).not.toMatch(/Contoso|revoke-?proof/i);
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await leaf.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'bundle-revocation-chain.png') });
});
