import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { issueCertificate } from '../../electron/services/lab/pki';
import { startRevocationLab, type RevocationLab } from '../../electron/services/lab/revocation-lab';
import { SCREENSHOT_DIR, appUrl, expectOpenedCount, showFile } from './helpers/app';
import { clippedAtRight } from './helpers/a11y';

/**
 * A revoked lab certificate opened in the certificate view with "Check revocation" on: the leaf's
 * box reads "Revoked" and says when, why and per which CRL; the CA's box says it is good per the
 * root's CRL and the root is "not checked". Photographed at the three desk sizes of screens.spec.ts.
 */

const SIZES = [
  { name: '1366x768', viewport: { width: 1366, height: 768 }, scale: 1 },
  { name: '1024x700', viewport: { width: 1024, height: 700 }, scale: 1 },
  { name: 'zoom150', viewport: { width: 911, height: 512 }, scale: 1.5 },
] as const;

let lab: RevocationLab;
let dir: string;
test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-e2e-revocation-'));
  const server = issueCertificate({ subject: [['CN', 'localhost']], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], eku: ['serverAuth'] });
  lab = await startRevocationLab(dir, { cert: server.pem, key: server.keyPem });
});
test.afterAll(async () => {
  await lab?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openRevoked(browser: Browser, size: (typeof SIZES)[number]): Promise<Page> {
  const context = await browser.newContext({ viewport: size.viewport, deviceScaleFactor: size.scale });
  const page = await context.newPage();
  await page.goto(`${await appUrl()}#/certificates`);
  await expect(page.getByTestId('mode')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles([lab.cases.revoked.chainFile]);
  await expectOpenedCount(page, 1);
  await page.getByTestId('chain-revocation-check').check();
  return page;
}

for (const size of SIZES) {
  test(`a revoked certificate reads Revoked in its chain at ${size.name}`, async ({ browser }) => {
    const page = await openRevoked(browser, size);
    const card = (await showFile(page, 'revoked-chain.pem')).getByTestId('cert-card').first();
    const boxes = card.getByTestId('chain-section').getByTestId('chain-diagram').first().getByTestId('chain-box');
    const leaf = boxes.and(page.locator('[data-role="leaf"]'));
    await expect(leaf.getByTestId('chain-revocation')).toHaveAttribute('data-status', 'revoked', { timeout: 30_000 });
    await expect(leaf.getByTestId('chain-revocation')).toContainText(/Revoked on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(keyCompromise\) per CRL http:\/\/127\.0\.0\.1:\d+\/ca\.crl/);
    await expect(leaf).toHaveAttribute('data-status', 'fail');
    await expect(leaf.locator('.chain-box-status')).toHaveText('Revoked');
    const ca = boxes.and(page.locator('[data-role="intermediate"]'));
    await expect(ca.getByTestId('chain-revocation')).toContainText('Good per CRL');
    const root = boxes.and(page.locator('[data-role="root"]'));
    await expect(root.getByTestId('chain-revocation')).toContainText('Not checked: root');
    await expect(card.locator('[data-testid="finding"][data-finding-id="revocation.revoked"]')).toBeVisible();
    await expect(card.getByTestId('verdict-sentence')).toContainText('Not usable: the certificate is revoked on');
    await expect(card.getByTestId('validity-badge')).toHaveText('Revoked');

    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await card.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `revocation-${size.name}-verdict.png`) });
    await leaf.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `revocation-${size.name}-leaf.png`) });
    await card.getByTestId('chain-section').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `revocation-${size.name}-chain.png`) });
    expect(await clippedAtRight(page), `revocation at ${size.name}`).toEqual([]);
    await page.context().close();
  });
}
