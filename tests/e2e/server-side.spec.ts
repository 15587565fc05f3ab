import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { openApp, screenshot, viewShot } from './helpers/app';
import { caPem } from '../helpers/fix-cases';

/**
 * The Server side end to end: evidence files from an IIS server attached on the Server side page of the real
 * `certbench serve`, recognised by content and analysed by the real server:analyze service, and
 * what a helpdesk user sees checked: the binding that does not ask for the certificate in the
 * handshake in red, the application-level certificate mapping flagged as ignored, the log chart
 * with its 403.x bars, the 500-then-403.7 pattern, and Schannel's CA-list sentence.
 *
 * Fixtures: the IIS configuration and W3C log from tests/fixtures/windows (their "# CONSTRUCTED"
 * line removed, as a user's file has none). netsh output, a .reg export and an event export are
 * written here from reference sections 4, 6 and 9 (no fixture of those kinds existed yet).
 */

const FIXTURES = path.resolve('tests/fixtures/windows');

/** A fixture as the user's file: without the leading "# VERBATIM/CONSTRUCTED ..." provenance lines (a W3C log's own #Software header stays). */
function userFile(name: string): Buffer {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  return Buffer.from(text.replace(/^(?:# (?:VERBATIM|CONSTRUCTED)[^\n]*\n)+/, ''), 'utf8');
}

/** `netsh http show sslcert` as reference section 4 prints it: one IP binding without client-certificate negotiation, one SNI binding with it. */
const NETSH = [
  '',
  'SSL Certificate bindings:',
  '-------------------------',
  '',
  '    IP:port                      : 0.0.0.0:443',
  '    Certificate Hash             : 61d34f532da121bbab64723c4871e72c92f03735',
  '    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}',
  '    Certificate Store Name       : MY',
  '    Verify Client Certificate Revocation : Enabled',
  '    Verify Revocation Using Cached Client Certificate Only : Disabled',
  '    Usage Check                  : Enabled',
  '    Revocation Freshness Time    : 0',
  '    URL Retrieval Timeout        : 0',
  '    Ctl Identifier               : (null)',
  '    Ctl Store Name               : (null)',
  '    DS Mapper Usage              : Disabled',
  '    Negotiate Client Certificate : Disabled',
  '    Reject Connections           : Disabled',
  '    Disable HTTP2                : Not Set',
  '    Disable QUIC                 : Not Set',
  '    Disable TLS1.2               : Not Set',
  '    Disable TLS1.3               : Not Set',
  '',
  '    Hostname:port                : secure.contoso.com:8443',
  '    Certificate Hash             : 0b9001b1842fb51f7ab7e4fa7db77f7bd2916643',
  '    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}',
  '    Certificate Store Name       : MY',
  '    Ctl Identifier               : (null)',
  '    Ctl Store Name               : ClientAuthIssuer',
  '    DS Mapper Usage              : Disabled',
  '    Negotiate Client Certificate : Enabled',
  '    Disable TLS1.3               : Set',
  '',
].join('\r\n');

/** A regedit export of SCHANNEL (reference section 6): no CA list is sent, only errors are logged. */
const SCHANNEL_REG = [
  'Windows Registry Editor Version 5.00',
  '',
  '[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL]',
  '"EventLogging"=dword:00000001',
  '"SendTrustedIssuerList"=dword:00000000',
  '',
].join('\r\n');

/** Get-WinEvent ... | Select-Object Id, TimeCreated, LevelDisplayName, ProviderName, Message | ConvertTo-Json (reference section 9 messages). */
const EVENTS_JSON = JSON.stringify([
  {
    Id: 36887,
    TimeCreated: '2026-03-17T08:01:12Z',
    LevelDisplayName: 'Error',
    ProviderName: 'Schannel',
    Message: 'A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is 48.',
  },
  {
    Id: 36888,
    TimeCreated: '2026-03-17T08:01:16Z',
    LevelDisplayName: 'Error',
    ProviderName: 'Schannel',
    Message:
      'A fatal alert was generated and sent to the remote endpoint. This may result in termination of the connection. The TLS protocol defined fatal alert code is 46.\n\nTarget name: secure.contoso.com\n\nThe TLS alert registry can be found at http://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-6',
  },
]);

const nav = (page: Page, area: string): Locator => page.locator(`[data-testid="nav-item"][data-area="${area}"]`);

async function openServerPage(page: Page): Promise<void> {
  await openApp(page);
  await nav(page, 'server').click();
  await expect(page.getByTestId('server-pane')).toBeVisible();
}

async function attach(page: Page, files: { name: string; buffer: Buffer }[]): Promise<void> {
  await page.getByTestId('server-file-input').setInputFiles(files.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
}

async function expectNoOverflow(page: Page): Promise<void> {
  const wide = await page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) out.push(`document ${doc.scrollWidth} > ${doc.clientWidth}`);
    document.querySelectorAll<HTMLElement>('[data-testid="server-pane"], [data-testid="server-evidence"], .server-card, .server-section').forEach((el) => {
      if (el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1) out.push(`${el.className || el.dataset.testid} ${el.scrollWidth} > ${el.clientWidth}`);
    });
    return out;
  });
  expect(wide).toEqual([]);
}

test.describe.configure({ mode: 'serial' });

test('attached server evidence: bindings, Schannel, IIS tree, log chart and events as a helpdesk user reads them', async ({ page }) => {
  await openServerPage(page);
  await expect(page.getByTestId('server-drop-zone')).toContainText('Drop evidence files here');
  await screenshot(page, '70-server-empty');

  await attach(page, [
    { name: 'sslcert.txt', buffer: Buffer.from(NETSH, 'utf8') },
    { name: 'schannel.reg', buffer: Buffer.from(SCHANNEL_REG, 'utf8') },
    { name: 'applicationHost.config', buffer: userFile('applicationhost-two-sites.config') },
    { name: 'u_ex260317.log', buffer: userFile('w3c-default-order.txt') },
    { name: 'schannel-events.json', buffer: Buffer.from(EVENTS_JSON, 'utf8') },
    { name: 'notes.txt', buffer: Buffer.from('Called the user at 9, she sees a 403.\n', 'utf8') },
  ]);
  await expect(page.getByTestId('server-evidence')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('server-progress')).toBeHidden();

  // Every file is listed with what it was recognised as, by content (the names say nothing).
  const kindOf = (name: string) => page.locator(`[data-testid="server-input"][data-name="${name}"]`).getByTestId('server-input-kind');
  await expect(kindOf('sslcert.txt')).toHaveText('netsh http show sslcert output');
  await expect(kindOf('schannel.reg')).toHaveText('Registry export (.reg)');
  await expect(kindOf('applicationHost.config')).toHaveText('IIS applicationHost.config');
  await expect(kindOf('u_ex260317.log')).toHaveText('W3C log (IIS)');
  await expect(kindOf('schannel-events.json')).toHaveText('Schannel events (System log export)');
  await expect(kindOf('notes.txt')).toHaveText('Not recognised');
  await expect(page.locator('[data-testid="server-input"][data-name="notes.txt"]').getByTestId('server-input-error')).toBeVisible();
  await viewShot(page, '71-server-files-top');

  // Bindings: the one that does not ask for the certificate in the handshake is red; the other is not.
  const off = page.locator('[data-testid="binding-row"][data-key="0.0.0.0:443"]');
  await expect(off).toHaveAttribute('data-negotiate', 'no');
  await expect(off.getByTestId('binding-negotiate')).toHaveText('No');
  await expect(off.getByTestId('binding-negotiate')).toHaveCSS('color', 'rgb(163, 32, 26)');
  // TLS 1.3 allowed on that binding is red too: TLS 1.3 cannot renegotiate.
  await expect(off.getByTestId('binding-tls13')).toHaveText('Allowed');
  await expect(off.getByTestId('binding-tls13')).toHaveCSS('color', 'rgb(163, 32, 26)');
  const on = page.locator('[data-testid="binding-row"][data-key="secure.contoso.com:8443"]');
  await expect(on).toHaveAttribute('data-negotiate', 'yes');
  await expect(on.getByTestId('binding-negotiate')).not.toHaveCSS('color', 'rgb(163, 32, 26)');
  await expect(page.getByTestId('bindings-explain')).toContainText('only after the request');
  // The findings about a binding are counted on its row and listed when it is opened.
  await expect(off.getByTestId('binding-findings')).toBeVisible();
  // Every raw field is one click away.
  await off.getByTestId('binding-expand').click();
  await expect(page.getByTestId('binding-detail')).toContainText('Negotiate Client Certificate');
  await expect(page.getByTestId('binding-detail')).toContainText('iis.client-cert-negotiation-off');
  await page.locator('[data-section="bindings"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await viewShot(page, '72-server-bindings-schannel');

  // Schannel: the sentence about the CA list the server sends, and the raw value in words.
  await expect(page.getByTestId('schannel-implied')).not.toBeEmpty();
  await expect(page.getByTestId('schannel-implied')).toContainText(/CA|issuer/i);
  await expect(page.locator('[data-testid="schannel-setting"][data-name="SendTrustedIssuerList"]')).toContainText('No CA list is sent');

  // IIS: certificate mappings defined for an application are flagged as ignored, with the reason.
  const api = page.locator('[data-testid="iis-app"][data-path="Default Web Site/api"]');
  await expect(api).toHaveAttribute('data-ignored-mapping', 'true');
  await expect(api.getByTestId('ignored-badge')).toBeVisible();
  await expect(api.getByTestId('setting-iis-mapping')).toHaveAttribute('data-level', 'application');
  await expect(api.getByTestId('ignored-reason')).toContainText('site level only');
  await expect(api.getByTestId('ignored-reason')).toHaveCSS('color', 'rgb(163, 32, 26)');
  await expect(api.getByTestId('client-cert-state')).toContainText('Accepted');
  // The site that requires certificates (with its mappings where IIS reads them) is not flagged.
  const secure = page.locator('[data-testid="iis-app"][data-path="Secure Site/"]');
  await expect(secure).toHaveAttribute('data-ignored-mapping', 'false');
  await expect(secure.getByTestId('client-cert-state')).toContainText('Required');
  await expect(secure.locator('[data-testid="ssl-flag"][data-flag="SslRequireCert"]')).toHaveAttribute('data-on', 'true');
  await api.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await viewShot(page, '73-server-iis-tree');

  // Logs: the chart's certificate-failure bars add up to the 403.x records of the log: 3 x 403.7,
  // 2 x 403.16, 1 x 403.13, 1 x 403.17 (w3c-default-order.txt).
  const log = page.locator('[data-testid="log-view"][data-source="u_ex260317.log"]');
  await expect(log.getByTestId('log-chart')).toBeVisible();
  await expect(log.locator('svg[role="img"] > title')).toContainText('Requests over time');
  const failureBars = log.locator('[data-testid="log-bar"][data-series="failures"]');
  expect(await failureBars.count()).toBeGreaterThan(0);
  const failureSum = (await failureBars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))).reduce((a, b) => a + b, 0);
  expect(failureSum).toBe(7);
  expect(await log.locator('[data-testid="log-bar"][data-series="total"]').count()).toBeGreaterThan(0);
  await expect(log.locator('[data-testid="log-lane"][data-series="status500"]')).toHaveAttribute('data-total', '2');
  await expect(log.locator('[data-testid="log-failure"][data-status="403.7"]')).toHaveAttribute('data-count', '3');
  await expect(log.locator('[data-testid="status-count"][data-status="403.7"]')).toHaveAttribute('data-count', '3');
  await expect(log.locator('[data-testid="log-failure"][data-status="403.7"]').getByTestId('failure-by-client')).toContainText('10.0.1.50');
  // The 500 (win32 64) two seconds before a 403.7 from 10.0.1.50 is the pattern; 10.0.1.70's, ten minutes apart, is not.
  await expect(log.getByTestId('pattern-row')).toHaveCount(1);
  await expect(log.getByTestId('pattern-row')).toHaveAttribute('data-client', '10.0.1.50');
  await expect(log.locator('[data-testid="win32-status"][data-win32="2148204809"]')).toContainText('CERT_E_UNTRUSTEDROOT');
  await log.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await viewShot(page, '74-server-log-chart');

  // Events: counts by id with meaning, recent events with the alert named.
  const events = page.getByTestId('events-view');
  await expect(events.locator('[data-testid="event-count"][data-id="36887"]')).toHaveAttribute('data-count', '1');
  await expect(events.locator('[data-testid="recent-event"][data-id="36887"]')).toContainText('unknown_ca');
  await events.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await viewShot(page, '75-server-events');

  // Findings from the evidence, the worst first; the rest one click away so the tables stay in reach.
  const findings = page.getByTestId('server-section-findings');
  await expect(findings.getByTestId('finding')).toHaveCount(4);
  await expect(findings.getByTestId('finding').first()).toHaveAttribute('data-severity', 'error');
  await expect(findings.locator('[data-finding-id="iis.mapping-at-application-level"]')).toBeVisible();
  await findings.getByTestId('server-findings-more').click();
  await expect(findings.locator('[data-finding-id="log.500-64-before-403-7"]')).toBeVisible();
  await expect(findings.locator('[data-finding-id="iis.client-cert-negotiation-off"]')).toBeVisible();

  await expectNoOverflow(page);
  await screenshot(page, '76-server-full');

  // Removing a file analyses the rest again: without the log there is no chart.
  await page.locator('[data-testid="server-input"][data-name="u_ex260317.log"]').getByRole('button', { name: 'Remove u_ex260317.log' }).click();
  await expect(page.getByTestId('log-view')).toHaveCount(0);
  await expect(page.locator('[data-testid="server-missing-item"][data-section="logs"]')).toContainText('certbench diagnose --attach');

  // The same files go to Diagnose with one click: it opens with them attached, ready to add the server address.
  const remaining = await page.getByTestId('server-input').count();
  const toDiagnose = page.getByTestId('server-open-diagnose');
  await expect(toDiagnose).toHaveText(`Diagnose with these ${remaining} files`);
  await toDiagnose.click();
  await expect(page.locator('[data-testid="nav-item"][data-area="findings"]')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('diag-evidence-list').locator('li')).toHaveCount(remaining);
  await expect(page.getByTestId('diag-evidence-list')).not.toContainText('u_ex260317.log');
});

/** One row of the store export the page documents (Store, Thumbprint, RawData), for a certificate made here. */
function storeRow(pem: string): { Store: string; Thumbprint: string; RawData: string } {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
  return { Store: 'LocalMachine\\Root', Thumbprint: crypto.createHash('sha1').update(der).digest('hex').toUpperCase(), RawData: der.toString('base64') };
}

test("the server's Root store export: the card flags the intermediate in Trusted Root, and the finding says it is on the server", async ({ page }) => {
  await openServerPage(page);
  // Before: the page says how to export the stores.
  await attach(page, [{ name: 'sslcert.txt', buffer: Buffer.from(NETSH, 'utf8') }]);
  await expect(page.locator('[data-testid="server-missing-item"][data-section="stores"]')).toContainText('ConvertTo-Json -Compress > stores.json');

  const root = storeRow(caPem('Contoso Root CA', 'root'));
  const intermediate = storeRow(caPem('Contoso Issuing CA 1', 'intermediate'));
  // As Windows PowerShell's `>` writes it: UTF-16LE with a BOM.
  const json = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify([root, intermediate]), 'utf16le')]);
  await attach(page, [{ name: 'stores.json', buffer: json }]);
  await expect(page.locator('[data-testid="server-input"][data-name="stores.json"]').getByTestId('server-input-kind')).toHaveText("The server's certificate store (export)");

  const store = page.locator('[data-testid="server-store"][data-role="root"]');
  await expect(store).toContainText('Server: Trusted Root Certification Authorities (stores.json)');
  await expect(store.getByTestId('server-store-conclusion')).toContainText('not self-signed (KB 2802568');
  await expect(store.locator('[data-testid="server-store-figure"][data-name="non-self-signed"]')).toHaveAttribute('data-count', '1');
  // The flagged certificate comes first.
  await expect(store.getByTestId('server-store-certificate').first()).toHaveAttribute('data-thumbprint', intermediate.Thumbprint);
  await expect(page.locator('[data-testid="server-missing-item"][data-section="stores"]')).toHaveCount(0);

  const f = page.getByTestId('server-section-findings').locator('[data-finding-id="store.non-self-signed-in-root"]');
  await expect(f).toContainText("server's trusted root store");
  await expect(f).toContainText('on the server (stores.json)');
  await expectNoOverflow(page);
  await page.locator('[data-section="stores"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, '7a-server-stores');
});

test('a file over 16 MB is refused in one line that gives the command line for it', async ({ page }) => {
  await openServerPage(page);
  await attach(page, [{ name: 'u_ex260318.log', buffer: Buffer.alloc(16 * 1024 * 1024 + 1, 0x20) }]);
  const refused = page.getByTestId('server-refused');
  await expect(refused).toHaveCount(1);
  await expect(refused).toContainText('u_ex260318.log is too big for this page (16.0 MB; the limit is 16 MB per file)');
  await expect(refused).toContainText('certbench diagnose --attach u_ex260318.log');
  // Nothing was sent: no reading, no list.
  await expect(page.getByTestId('server-evidence')).toHaveCount(0);
  await expect(page.getByTestId('server-inputs')).toHaveCount(0);
  await viewShot(page, '77-server-too-big');
});

test("Read this machine's configuration on a machine that is not Windows says so plainly", async ({ page }) => {
  test.skip(process.platform === 'win32', 'this checks the note shown where live reading is not available');
  await openServerPage(page);
  await page.getByTestId('server-read-live').click();
  await expect(page.getByTestId('server-evidence')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('server-head-title')).toContainText("this machine's configuration");
  await expect(page.getByTestId('server-notes')).toContainText(/Windows/);
  await expect(page.getByTestId('server-missing')).toBeVisible();
  await expectNoOverflow(page);
  await viewShot(page, '78-server-live-not-windows');
});

test('evidence attached on Diagnose is the Server side page\'s evidence too, read there at once', async ({ page }) => {
  await openApp(page);
  await nav(page, 'findings').click();
  await page.getByTestId('diag-evidence-input').setInputFiles([{ name: 'sslcert.txt', mimeType: 'text/plain', buffer: Buffer.from(NETSH, 'utf8') }]);
  await page.getByTestId('diag-read-live').uncheck();
  await page.getByTestId('diag-run').click();
  await expect(page.getByTestId('diag-report')).toBeVisible({ timeout: 60_000 });

  // One list of evidence for the window; no "show what the last diagnosis read" detour.
  await nav(page, 'server').click();
  await expect(page.getByTestId('server-evidence')).toBeVisible();
  await expect(page.locator('[data-testid="binding-row"][data-key="0.0.0.0:443"]')).toHaveAttribute('data-negotiate', 'no');
  await expect(page.getByTestId('server-last-offer')).toHaveCount(0);
  await viewShot(page, '79-server-evidence-from-diagnose');

  // Removed here, it is gone from Diagnose too.
  await page.getByTestId('server-inputs').getByRole('button', { name: /^Remove/ }).first().click();
  await expect(page.getByTestId('server-evidence')).toHaveCount(0);
  await nav(page, 'findings').click();
  await page.getByTestId('diag-edit').click();
  await expect(page.getByTestId('diag-evidence-item')).toHaveCount(0);
});
