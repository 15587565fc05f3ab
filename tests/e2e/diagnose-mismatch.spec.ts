import { test, expect } from '@playwright/test';
import { openApp, startLabFromPage, viewShot } from './helpers/app';
import { fixture } from '../fixtures/windows/load';

/**
 * Evidence from one server, a probe of another. The netsh output and applicationHost.config
 * a user attaches describe 0.0.0.0:443 and secure.contoso.com:8443; the address diagnosed is a Lab
 * server on 127.0.0.1 and another port. Diagnose says so before the findings, and which findings came
 * from the probe and which from the files. Evidence on the same port raises no warning.
 */

const NETSH = fixture('netsh-sslcert-full.txt');
const APPHOST = fixture('applicationhost-two-sites.config');

function netshFor(key: string): string {
  return NETSH.replace(/(IP:port\s*:\s*)\S+/, `$1${key}`);
}

test('Diagnose warns when the attached evidence describes another server than the one probed', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page, '#/lab');
  await startLabFromPage(page);
  const url = (await page.locator('[data-testid="lab-scenario"][data-scenario="handshake"]').getByTestId('lab-url').innerText()).trim();
  const port = new URL(url).port;

  await page.locator('[data-testid="nav-item"][data-area="findings"]').click();
  await page.getByTestId('diag-url').fill(url);
  await page.getByTestId('diag-evidence-input').setInputFiles([
    { name: 'sslcert.txt', mimeType: 'text/plain', buffer: Buffer.from(NETSH) },
    { name: 'applicationHost.config', mimeType: 'text/xml', buffer: Buffer.from(APPHOST) },
  ]);
  await page.getByTestId('diag-read-live').uncheck();
  await page.getByTestId('diag-run').click();
  await expect(page.getByTestId('diag-report')).toBeVisible({ timeout: 90_000 });

  const warning = page.getByTestId('diag-mismatch');
  await expect(warning).toContainText('describe another server than the one probed');
  await expect(warning).toContainText(`127.0.0.1:${port}`);
  await expect(warning).toContainText('secure.contoso.com');
  await expect(page.getByTestId('diag-mismatch-probe')).toContainText(`From the probe of 127.0.0.1:${port}`);
  await expect(page.getByTestId('diag-mismatch-server')).toContainText('From the server files (sslcert.txt, applicationHost.config)');
  await viewShot(page, 'diagnose-evidence-mismatch');

  // The same diagnosis with a binding on the probed port: nothing to warn about.
  await page.getByTestId('diag-edit').click();
  for (let n = await page.getByTestId('diag-evidence-remove').count(); n > 0; n--) await page.getByTestId('diag-evidence-remove').first().click();
  await page.getByTestId('diag-evidence-input').setInputFiles([{ name: 'sslcert.txt', mimeType: 'text/plain', buffer: Buffer.from(netshFor(`0.0.0.0:${port}`)) }]);
  await page.getByTestId('diag-run').click();
  await expect(page.getByTestId('diag-asked-summary')).toContainText('1 evidence file');
  await expect(page.getByTestId('diag-report')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('diag-mismatch')).toHaveCount(0);
});
