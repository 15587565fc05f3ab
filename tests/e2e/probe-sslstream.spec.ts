import { test, expect, type Browser, type Page } from '@playwright/test';
import { findApache, startApache, type RunningApache } from '../../electron/services/lab/apache';
import { makeProbePki, PAGE_403_7, type ProbePki } from '../helpers/probe-servers';
import { importPfxIntoDotnetStore, requirePwsh } from '../helpers/pwsh';
import { appUrl, E2E_HOME, openApp, SCREENSHOT_DIR } from './helpers/app';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The Windows TLS client from the Probe page: "Windows TLS client (PowerShell)" chosen, a thumbprint
 * of the web mode's own .NET personal store (E2E_HOME) typed in, and the probe run against Apache
 * asking by TLS 1.2 renegotiation after the request. What the page must then say: the connection
 * PowerShell made, that the server asked after the request with the CA names Windows handed over,
 * that the certificate was sent and accepted (HTTP 200), and which personal certificate it would offer.
 */
const pwshMissing = requirePwsh();
const apache = findApache();
if (!apache && process.env.CI === 'true') throw new Error('Apache httpd is missing: apt-get install apache2');

test.describe.configure({ mode: 'serial' });
test.skip(pwshMissing !== null || !apache, pwshMissing ?? 'Apache httpd is missing: apt-get install apache2');

let pki: ProbePki;
let server: RunningApache;
let thumbprint: string;

test.beforeAll(async () => {
  pki = makeProbePki();
  thumbprint = importPfxIntoDotnetStore(E2E_HOME, pki.files.clientPfx, pki.pfxPassword);
  server = await startApache(apache!, {
    certFile: pki.files.serverCert,
    keyFile: pki.files.serverKey,
    caFile: pki.files.caBundle,
    protocols: 'TLSv1.2',
    securePage: 'hello <!--#echo var="SSL_CLIENT_S_DN" -->\n',
    openPage: 'open\n',
    forbiddenPage: PAGE_403_7,
  });
});
test.afterAll(async () => {
  await server?.stop();
  pki?.cleanup();
});

async function probeThroughPowerShell(page: Page): Promise<void> {
  await page.locator('[data-testid="nav-item"][data-area="probe"]').click();
  await expect(page.getByTestId('probe-client')).toBeVisible();
  await page.getByTestId('probe-via-powershell').check();
  await page.getByTestId('probe-url').fill(`https://127.0.0.1:${server.port}/secure/`);
  // As copied from the certificate dialog: spaced pairs.
  await page.getByTestId('probe-thumbprint').fill(thumbprint.replace(/(..)/g, '$1 ').trim());
  await page.getByTestId('probe-timeout').fill('40');
  await page.getByTestId('probe-run').click();
  await expect(page.getByTestId('probe-result')).toBeVisible({ timeout: 60_000 });
}

test('the Probe page presents a personal-store certificate through PowerShell and shows what Windows saw', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await probeThroughPowerShell(page);

  // The attempt with the certificate is the one shown first, and it is PowerShell's.
  const panel = page.getByTestId('attempt-panel');
  await expect(panel).toHaveAttribute('data-kind', 'client-certificate');
  await expect(page.locator('[data-testid="attempt-tab"][aria-selected="true"]')).toContainText('through PowerShell (.NET SslStream)');
  await expect(page.getByTestId('client-cert-outcome')).toHaveAttribute('data-accepted', 'true');
  await expect(page.getByTestId('client-cert-outcome')).toContainText('sent and accepted');

  const details = panel.getByTestId('sslstream-details');
  await expect(details).toContainText('PowerShell 7.');
  await expect(details.getByTestId('sslstream-call')).toContainText('after the HTTP request, the server asked for a certificate naming 2 CAs');
  await expect(details.getByTestId('sslstream-issuer')).toHaveText(['CN=Certbench Probe Issuing CA, O=Certbench Probe Test, C=US', 'CN=Certbench Probe Root, O=Certbench Probe Test, C=US']);
  const offered = details.getByTestId('sslstream-offers').locator(`[data-testid="offer-row"][data-thumbprint="${thumbprint}"]`);
  await expect(offered).toHaveAttribute('data-offered', 'true');
  await expect(panel.getByTestId('seq-sslstream-note')).toBeVisible();

  // Certbench's own connections saw the renegotiation on the wire, so the finding is there too.
  await expect(page.getByTestId('probe-summary')).toContainText('only by TLS 1.2 renegotiation after the request');
  await details.scrollIntoViewIfNeeded();
  await shotsAtThreeSizes(page.context().browser()!, 'probe-sslstream');
});

/**
 * The same screen at the sizes a helpdesk desk has: 1366x768, 1024x700, and 1366x768 at 150% zoom
 * (a 911x512 CSS viewport at device scale 1.5). Each run again in a fresh page of that size.
 */
async function shotsAtThreeSizes(browser: Browser, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const sizes = [
    { tag: '1366x768', viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 },
    { tag: '1024x700', viewport: { width: 1024, height: 700 }, deviceScaleFactor: 1 },
    { tag: '1366x768-150pct', viewport: { width: 911, height: 512 }, deviceScaleFactor: 1.5 },
  ];
  for (const s of sizes) {
    const context = await browser.newContext({ viewport: s.viewport, deviceScaleFactor: s.deviceScaleFactor });
    const page = await context.newPage();
    await page.goto(await appUrl());
    await expect(page.getByTestId('mode')).toBeVisible();
    await probeThroughPowerShell(page);
    await page.getByTestId('sslstream-details').scrollIntoViewIfNeeded();
    // Nothing in the details is wider than the window: DNs and thumbprints wrap.
    const overflow = await page.getByTestId('sslstream-details').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${s.tag}.png`) });
    await page.getByTestId('probe-form').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-form-${s.tag}.png`) });
    await context.close();
  }
}
