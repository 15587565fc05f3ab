import fs from 'node:fs';
import net from 'node:net';
import { test, expect, type Locator, type Page } from '@playwright/test';
import { silentServer } from './helpers/silent-server';
import { openApp, screenshot, viewShot } from './helpers/app';
import { opensslFacts } from './helpers/certs';
import { REVOCATION_CASES } from '../../electron/services/lab/revocation-lab';

/**
 * Probe and Lab end to end: the Lab started from its page in the real `certbench serve` (Node TLS servers
 * on 127.0.0.1, Apache for TLS 1.3 post-handshake when installed), each scenario probed from its
 * "Probe this" button, and what the Probe page shows checked against what the lab says it serves
 * and what openssl reads from the lab's own CA files. The tests share one lab, so they run in order.
 */

test.describe.configure({ mode: 'serial' });

const CA_LIST_LIMIT = 16_384;

const nav = (page: Page, area: string): Locator => page.locator(`[data-testid="nav-item"][data-area="${area}"]`);
const scenario = (page: Page, name: string): Locator => page.locator(`[data-testid="lab-scenario"][data-scenario="${name}"]`);
const attemptTab = (page: Page, kind: string): Locator => page.locator(`[data-testid="attempt-tab"][data-kind="${kind}"]`);
const diagram = (page: Page): Locator => page.getByTestId('attempt-panel').getByTestId('seq-diagram');
const message = (page: Page, name: string): Locator => diagram(page).locator(`[data-testid="seq-message"][data-message="${name}"]`);

async function openLab(page: Page): Promise<void> {
  await openApp(page);
  await nav(page, 'lab').click();
  await expect(page.getByTestId('lab-pane')).toBeVisible();
  await expect(page.getByTestId('lab-status')).toBeVisible();
}

/** Open the Lab, press "Probe this" on a scenario, land on the Probe page with its address filled in. */
async function probeThis(page: Page, name: string): Promise<string> {
  await openLab(page);
  await expect(page.getByTestId('lab-status')).toHaveAttribute('data-running', 'true');
  const row = scenario(page, name);
  const url = (await row.getByTestId('lab-url').innerText()).trim();
  await row.getByTestId('lab-probe-this').click();
  await expect(nav(page, 'probe')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('probe-url')).toHaveValue(url);
  await expect(page.getByTestId('probe-context')).toContainText('Lab scenario');
  return url;
}

async function runProbe(page: Page): Promise<void> {
  await page.getByTestId('probe-run').click();
  await expect(page.getByTestId('probe-result')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('probe-progress')).toBeHidden();
}

/** Names in the order the diagram draws them (message names; events as "event"). */
async function messageOrder(page: Page): Promise<string[]> {
  return diagram(page)
    .getByTestId('seq-message')
    .evaluateAll((els) => els.map((el) => `${(el as HTMLElement).dataset.kind}:${(el as HTMLElement).dataset.message}`));
}

/** Scroll an element to the middle of the window (for a view screenshot of it with its context). */
async function centre(locator: Locator): Promise<void> {
  await locator.evaluate((el) => el.scrollIntoView({ block: 'center' }));
}


/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

test('the Lab starts from its page: scenarios with addresses, the client PFX and password, the CA files', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page);
  await viewShot(page, '50-lab-before-start');
  // A lab left running by an earlier run of this server is replaced by Start.
  await page.getByTestId('lab-start').click();
  await expect(page.getByTestId('lab-status')).toHaveAttribute('data-running', 'true', { timeout: 90_000 });
  await expect(page.getByTestId('lab-progress')).toBeHidden();

  const rows = page.getByTestId('lab-scenario');
  // Six handshake scenarios and the revocation scenario (its own CA, CRLs and OCSP; its cases are listed under the files).
  expect(await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.scenario))).toEqual(['handshake', 'renegotiation', 'post-handshake', 'large-ca-list', 'empty-ca-list', 'wrong-ca-list', 'revocation']);
  await expect(page.getByTestId('lab-revocation-case')).toHaveCount(REVOCATION_CASES.length);
  for (const name of ['handshake', 'renegotiation', 'large-ca-list', 'empty-ca-list', 'wrong-ca-list', 'revocation']) {
    await expect(scenario(page, name)).toHaveAttribute('data-available', 'true');
    await expect(scenario(page, name).getByTestId('lab-url')).toHaveText(/^https:\/\/127\.0\.0\.1:\d+\/secure\/$/);
  }
  // Post-handshake needs Apache: either it runs, or the row says why not in words.
  const pha = scenario(page, 'post-handshake');
  if ((await pha.getAttribute('data-available')) === 'true') {
    await expect(pha.getByTestId('lab-url')).toBeVisible();
  } else {
    await expect(pha.getByTestId('lab-unavailable')).toContainText(/Apache/);
  }

  // The files are real, and the PFX opens with the password shown (openssl, not the app, says so).
  const pfx = (await page.getByTestId('lab-pfx-path').innerText()).trim();
  const password = (await page.getByTestId('lab-pfx-password').innerText()).trim();
  expect(fs.existsSync(pfx)).toBe(true);
  expect(password.length).toBeGreaterThan(6);
  for (const id of ['lab-ca-root', 'lab-ca-intermediate', 'lab-ca-chain', 'lab-ca-other', 'lab-client-cert', 'lab-client-key']) {
    expect(fs.existsSync((await page.getByTestId(id).innerText()).trim()), id).toBe(true);
  }
  await expect(page.getByTestId('lab-client').getByTestId('copy-button')).toHaveCount(4);
  await screenshot(page, '51-lab-running');
  await viewShot(page, '51-lab-running-view');
});

test('"Probe this" on the handshake scenario: the sequence diagram, the encrypted TLS 1.3 CertificateRequest, its CA names and size', async ({ page }) => {
  test.setTimeout(90_000);
  await openLab(page);
  const expectedCas = [
    opensslFacts((await page.getByTestId('lab-ca-intermediate').innerText()).trim()).subject,
    opensslFacts((await page.getByTestId('lab-ca-root').innerText()).trim()).subject,
  ];
  const labBytes = Number(await scenario(page, 'handshake').getByTestId('lab-scenario-ca').getAttribute('data-ca-bytes'));
  expect(labBytes).toBeGreaterThan(0);

  await probeThis(page, 'handshake');
  await viewShot(page, '52-probe-prefilled');
  await runProbe(page);
  await expect(page.getByTestId('probe-summary')).toContainText('in the first handshake');
  // Default, TLS 1.2 forced, TLS 1.3 forced (no post-handshake client: the handshake already asked).
  await expect(page.getByTestId('attempt-tab')).toHaveCount(3);
  // The default connection negotiated TLS 1.3, so TLS 1.3 was not forced on a connection of its own: two connections.
  await expect(page.getByTestId('probe-summary-meta')).toContainText(' · 2 connections in ');

  // TLS 1.3 forced: the first connection's answer, said so; everything after ServerHello is encrypted, the CertificateRequest too.
  await attemptTab(page, 'tls1.3').click();
  await expect(page.getByTestId('attempt-reused')).toHaveText('TLS 1.3 attempt not repeated: the first connection negotiated it. The messages below are the first connection\'s.');
  await expect(attemptTab(page, 'tls1.3').getByTestId('attempt-sentence')).toContainText('TLS 1.3: the server asked for a certificate in the handshake');
  await expect(message(page, 'ClientHello')).toHaveAttribute('data-from', 'client');
  await expect(message(page, 'ClientHello')).toHaveAttribute('data-encrypted', 'false');
  await expect(message(page, 'ServerHello')).toHaveAttribute('data-from', 'server');
  const request = message(page, 'CertificateRequest');
  await expect(request).toHaveAttribute('data-encrypted', 'true');
  await expect(request).toContainText('decrypted');
  const order = await messageOrder(page);
  expect(order.indexOf('handshake:ClientHello')).toBeLessThan(order.indexOf('handshake:ServerHello'));
  expect(order.indexOf('handshake:ServerHello')).toBeLessThan(order.indexOf('certificate-request:CertificateRequest'));
  await expect(diagram(page).locator('[data-kind="http-response"]')).toContainText('403');

  await request.getByTestId('seq-cert-request').click();
  const panel = page.getByTestId('ca-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('ca-count')).toHaveText('(2)');
  await expect(panel.getByTestId('ca-name')).toHaveText(expectedCas);
  const gauge = panel.getByTestId('size-gauge');
  await expect(gauge).toHaveAttribute('data-bytes', String(labBytes));
  await expect(gauge).toHaveAttribute('data-level', 'ok');
  await expect(gauge.getByTestId('gauge-bytes')).toHaveText(`${labBytes} bytes`);
  await expect(panel.getByTestId('signature-algorithms')).toContainText('ecdsa_secp256r1_sha256');
  await screenshot(page, '53-probe-handshake');
  await centre(panel);
  await viewShot(page, '53-probe-handshake-ca-panel');

  // TLS 1.2 forced: a connection of its own, the same request in the clear, with its certificate types.
  await attemptTab(page, 'tls1.2').click();
  await expect(page.getByTestId('attempt-reused')).toHaveCount(0);
  await expect(message(page, 'CertificateRequest')).toHaveAttribute('data-encrypted', 'false');
  await message(page, 'CertificateRequest').getByTestId('seq-cert-request').click();
  await expect(page.getByTestId('ca-panel').getByTestId('certificate-types')).toContainText('ecdsa_sign');

  // The server's chain as sent opens in the certificate dialog.
  await expect(page.getByTestId('server-cert')).toHaveCount(2);
  await page.getByTestId('server-cert').first().click();
  const dialog = page.locator('[data-area="probe"]').getByTestId('cert-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('cert-card')).toBeVisible();
  await expect(dialog).toContainText("the server's handshake");
  await viewShot(page, '53-probe-server-certificate-dialog');
  await dialog.getByTestId('cert-dialog-close').click();
  await expect(dialog).toBeHidden();

  await expect(page.getByTestId('offers-summary')).toContainText('The server named 2 CA(s)', { timeout: 60_000 });
});

test('the CA list over 16 KB: the gauge is red and over 16,384, and the finding says so', async ({ page }) => {
  test.setTimeout(90_000);
  await openLab(page);
  const caCell = scenario(page, 'large-ca-list').getByTestId('lab-scenario-ca');
  const labNames = Number(await caCell.getAttribute('data-ca-names'));
  const labBytes = Number(await caCell.getAttribute('data-ca-bytes'));
  expect(labBytes).toBeGreaterThan(CA_LIST_LIMIT);

  await probeThis(page, 'large-ca-list');
  await runProbe(page);
  await expect(page.locator('[data-testid="finding"][data-finding-id="server.ca-list-too-large"]')).toBeVisible();

  await attemptTab(page, 'tls1.3').click();
  await message(page, 'CertificateRequest').getByTestId('seq-cert-request').click();
  const panel = page.getByTestId('ca-panel');
  await expect(panel.getByTestId('ca-count')).toHaveText(`(${labNames})`);
  await expect(panel.getByTestId('ca-name')).toHaveCount(labNames);
  const gauge = panel.getByTestId('size-gauge');
  await expect(gauge).toHaveAttribute('data-level', 'over');
  expect(Number(await gauge.getAttribute('data-bytes'))).toBe(labBytes);
  await expect(gauge.getByTestId('gauge-bytes')).toHaveText(`${labBytes.toLocaleString('en-US')} bytes`);
  await expect(gauge.getByTestId('gauge-words')).toContainText(`${(labBytes - CA_LIST_LIMIT).toLocaleString('en-US')} bytes over the 16,384-byte limit`);
  // Red: the fill takes --bad (#a3201a).
  const fill = await gauge.locator('.size-gauge-fill').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(fill).toBe('rgb(163, 32, 26)');
  await expect(panel.getByTestId('ca-message-size')).toContainText(/carried in [2-9] TLS records/);
  await screenshot(page, '54-probe-large-ca-list');
  await centre(gauge);
  await viewShot(page, '54-probe-large-ca-list-gauge');
});

test('renegotiation with "Both": TLS 1.2 shows HelloRequest and a CertificateRequest after the request, TLS 1.3 fails, the words say so', async ({ page }) => {
  test.setTimeout(90_000);
  await probeThis(page, 'renegotiation');
  await page.getByTestId('tls-both').check();
  await runProbe(page);
  await expect(page.getByTestId('probe-summary')).toContainText('renegotiation');
  await expect(page.locator('[data-testid="finding"][data-finding-id="server.renegotiation-client-cert"]')).toBeVisible();

  const tls12 = attemptTab(page, 'tls1.2');
  await expect(tls12.getByTestId('attempt-sentence')).toContainText('TLS 1.2: the server asked only after the request, by renegotiation');
  const tls13 = attemptTab(page, 'tls1.3');
  await expect(tls13).toHaveAttribute('data-tone', 'bad');
  await expect(tls13.getByTestId('attempt-sentence')).toContainText('TLS 1.3:');
  await expect(tls13.getByTestId('attempt-badge')).toHaveText('Alert protocol_version');

  await tls12.click();
  // The default connection negotiated TLS 1.2 with this server: the TLS 1.2 attempt is its answer, not another connection.
  await expect(page.getByTestId('attempt-reused')).toHaveText('TLS 1.2 attempt not repeated: the first connection negotiated it. The messages below are the first connection\'s.');
  const order = await messageOrder(page);
  const get = order.indexOf('http-request:HTTP request');
  const helloRequest = order.indexOf('hello-request:HelloRequest');
  const certRequest = order.indexOf('certificate-request:CertificateRequest');
  expect(get).toBeGreaterThan(0);
  expect(helloRequest).toBeGreaterThan(get);
  expect(certRequest).toBeGreaterThan(helloRequest);
  await expect(message(page, 'HelloRequest')).toHaveAttribute('data-encrypted', 'true');
  await expect(message(page, 'HelloRequest')).toContainText('server asks to renegotiate');
  await expect(message(page, 'CertificateRequest')).toContainText('renegotiation');
  await screenshot(page, '55-probe-renegotiation');
  await centre(message(page, 'HelloRequest'));
  await viewShot(page, '55-probe-renegotiation-view');

  // The TLS 1.3 diagram: ClientHello answered by a fatal alert, in red.
  await tls13.click();
  await expect(message(page, 'Alert')).toHaveAttribute('data-bad', 'true');
  await expect(message(page, 'Alert')).toContainText('protocol_version');
});

test("the lab's client PFX with its password is accepted (HTTP 200), and the table says a browser would offer it", async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page);
  const pfx = (await page.getByTestId('lab-pfx-path').innerText()).trim();
  const password = (await page.getByTestId('lab-pfx-password').innerText()).trim();
  await probeThis(page, 'handshake');
  await expect(page.getByTestId('probe-lab-hint')).toContainText(pfx);

  await page.getByTestId('probe-cert-input').setInputFiles(pfx);
  await expect(page.getByTestId('probe-cert-name')).toContainText('client.pfx');
  await page.getByTestId('probe-password').fill(password);
  await runProbe(page);

  const outcome = page.getByTestId('client-cert-outcome');
  await expect(outcome).toHaveAttribute('data-accepted', 'true');
  await expect(outcome).toContainText('sent and accepted: HTTP 200 OK');
  const withCert = attemptTab(page, 'client-certificate');
  await expect(withCert).toHaveAttribute('aria-selected', 'true');
  await expect(withCert.getByTestId('attempt-badge')).toHaveText('HTTP 200');
  await expect(withCert).toHaveAttribute('data-tone', 'good');
  // The client's Certificate now carries certificates, and the answer is 200.
  await expect(diagram(page).locator('[data-testid="seq-message"][data-message="Certificate"][data-from="client"]')).toContainText('certificates');
  await expect(diagram(page).locator('[data-kind="http-response"]')).toContainText('200');

  const chosen = page.locator('[data-testid="offer-row"]', { hasText: 'chosen for this probe' });
  await expect(chosen).toHaveCount(1, { timeout: 60_000 });
  await expect(chosen).toHaveAttribute('data-offered', 'true');
  await expect(chosen).toContainText('lab-client');
  await expect(chosen).toContainText('Certbench Lab Issuing CA');
  await screenshot(page, '56-probe-client-certificate');
  await centre(page.getByTestId('offers'));
  await viewShot(page, '56-probe-offers-view');

  // A wrong password is one line, and nothing is probed.
  await page.getByTestId('probe-password').fill('not-the-password');
  await page.getByTestId('probe-run').click();
  const error = page.getByTestId('probe-error');
  await expect(error).toBeVisible({ timeout: 30_000 });
  expect((await error.innerText()).trim()).not.toContain('\n');
});

test('TLS 1.3 post-handshake authentication (Apache), or the reason it is unavailable', async ({ page }) => {
  test.setTimeout(90_000);
  await openLab(page);
  const row = scenario(page, 'post-handshake');
  if ((await row.getAttribute('data-available')) !== 'true') {
    await expect(row.getByTestId('lab-unavailable')).toBeVisible();
    await centre(row);
    await viewShot(page, '57-lab-post-handshake-unavailable');
    return;
  }
  await probeThis(page, 'post-handshake');
  await page.getByTestId('tls-1.3').check();
  await runProbe(page);
  await expect(page.getByTestId('probe-summary')).toContainText('post-handshake');
  const pha = attemptTab(page, 'post-handshake');
  await expect(pha.getByTestId('attempt-sentence')).toContainText('TLS 1.3 post-handshake authentication');
  await pha.click();
  const order = await messageOrder(page);
  expect(order.indexOf('certificate-request:CertificateRequest')).toBeGreaterThan(order.indexOf('http-request:HTTP request'));
  await expect(message(page, 'CertificateRequest')).toHaveAttribute('data-encrypted', 'true');
  await expect(attemptTab(page, 'tls1.3').getByTestId('attempt-sentence')).toContainText('never asked');
  await screenshot(page, '57-probe-post-handshake');
});

test("an empty CA list and a list without the client's issuer: what the panel says, and why a browser would not offer the lab certificate", async ({ page }) => {
  test.setTimeout(120_000);
  await probeThis(page, 'empty-ca-list');
  await runProbe(page);
  await expect(page.locator('[data-testid="finding"][data-finding-id="server.ca-list-empty"]')).toBeVisible();
  await message(page, 'CertificateRequest').getByTestId('seq-cert-request').click();
  const panel = page.getByTestId('ca-panel');
  await expect(panel.getByTestId('ca-count')).toHaveText('(0)');
  await expect(panel).toContainText('this list is empty, so the client may offer any certificate');
  await expect(panel.getByTestId('size-gauge')).toHaveAttribute('data-bytes', '0');
  await expect(panel.getByTestId('ca-name')).toHaveCount(0);

  await openLab(page);
  const pfx = (await page.getByTestId('lab-pfx-path').innerText()).trim();
  const password = (await page.getByTestId('lab-pfx-password').innerText()).trim();
  const otherCa = opensslFacts((await page.getByTestId('lab-ca-other').innerText()).trim()).subject;
  await probeThis(page, 'wrong-ca-list');
  await page.getByTestId('probe-cert-input').setInputFiles(pfx);
  await page.getByTestId('probe-password').fill(password);
  await runProbe(page);
  await expect(page.locator('[data-testid="finding"][data-finding-id="server.ca-list-excludes-issuer"]')).toBeVisible();
  // The server still accepts the certificate when it is sent: the list, not the trust, is wrong.
  await expect(page.getByTestId('client-cert-outcome')).toHaveAttribute('data-accepted', 'true');
  await attemptTab(page, 'tls1.3').click();
  await message(page, 'CertificateRequest').getByTestId('seq-cert-request').click();
  await expect(page.getByTestId('ca-panel').getByTestId('ca-name')).toHaveText([otherCa]);
  const chosen = page.locator('[data-testid="offer-row"]', { hasText: 'chosen for this probe' });
  await expect(chosen).toHaveAttribute('data-offered', 'false', { timeout: 60_000 });
  await expect(chosen).toContainText('is among the 1 CA name(s) the server sent');
  await centre(page.getByTestId('offers'));
  await viewShot(page, '57-probe-wrong-ca-list-offers');
});

test('a bad address, a closed port and a silent server each give a one-line error; a running probe shows its progress and can be cancelled', async ({ page }) => {
  test.setTimeout(90_000);
  await openApp(page);
  await nav(page, 'probe').click();
  const error = page.getByTestId('probe-error');

  await page.getByTestId('probe-url').fill('http://intranet.example.test/secure/');
  await page.getByTestId('probe-run').click();
  await expect(error).toContainText('not an https:// URL');
  expect((await error.innerText()).trim()).not.toContain('\n');
  await expect(page.getByTestId('probe-result')).toHaveCount(0);
  await viewShot(page, '58-probe-bad-url');

  const port = await closedPort();
  await page.getByTestId('probe-url').fill(`https://127.0.0.1:${port}/secure/`);
  await page.getByTestId('probe-run').click();
  await expect(error).toContainText(new RegExp(`^Connection refused by 127\\.0\\.0\\.1:${port}\\b`), { timeout: 30_000 });
  expect((await error.innerText()).trim()).not.toContain('\n');
  await viewShot(page, '58-probe-closed-port');

  // A server that never answers: the progress bar names the connection under way, Cancel stops it,
  // and left to run, the probe ends at its time limit with one line.
  const silent = await silentServer();
  try {
    await page.getByTestId('probe-url').fill(`127.0.0.1:${silent.port}/secure/`);
    await page.getByTestId('probe-timeout').fill('4');
    await page.getByTestId('probe-run').click();
    const progress = page.getByTestId('probe-progress');
    await expect(progress).toBeVisible();
    await expect(progress.getByTestId('probe-progress-label')).toContainText('Connection 1 of');
    await expect(page.getByTestId('probe-run')).toBeDisabled();
    await viewShot(page, '58-probe-running');
    await page.getByTestId('probe-cancel').click();
    await expect(error).toHaveText('Probe cancelled.');
    await expect(progress).toBeHidden();

    await page.getByTestId('probe-run').click();
    await expect(error).toContainText(/^Timeout after [\d.]+ s during the TLS handshake/, { timeout: 30_000 });
    expect((await error.innerText()).trim()).not.toContain('\n');
    // The bare host:port got https:// in front of it.
    await expect(error).toContainText(`127.0.0.1:${silent.port}`);
    await viewShot(page, '58-probe-timeout');
  } finally {
    await silent.close();
  }

  // The timeout field refuses nonsense.
  await page.getByTestId('probe-timeout').fill('0');
  await expect(page.getByTestId('probe-run')).toBeDisabled();
  await page.getByTestId('probe-timeout').fill('15');
  await expect(page.getByTestId('probe-run')).toBeEnabled();
});

test('Stop lab stops the servers', async ({ page }) => {
  await openLab(page);
  await expect(page.getByTestId('lab-status')).toHaveAttribute('data-running', 'true');
  const url = new URL((await scenario(page, 'handshake').getByTestId('lab-url').innerText()).trim());
  await page.getByTestId('lab-stop').click();
  await expect(page.getByTestId('lab-status')).toHaveAttribute('data-running', 'false', { timeout: 30_000 });
  await expect(page.getByTestId('lab-stopped')).toBeVisible();
  await expect(page.getByTestId('lab-scenario')).toHaveCount(0);
  const refused = await new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(url.port), '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
  expect(refused).toBe(true);
  await viewShot(page, '59-lab-stopped');
});

test('a scenario the service cannot start (no Apache) says why on the Lab page', async ({ page }) => {
  // The answer of lab:status as the service sends it, with post-handshake made unavailable the way
  // the service reports a missing Apache: the page must show the service's reason, not hide the row.
  const reason = 'Apache httpd is not installed (Debian/Ubuntu: apt-get install apache2).';
  await page.route('**/api/lab:status', async (route) => {
    const response = await route.fetch();
    const lines = (await response.text()).split('\n').filter((l) => l.trim() !== '');
    const body = lines
      .map((line) => {
        const m = JSON.parse(line) as { type: string; result?: { ok: boolean; value?: { running: boolean; scenarios: Record<string, unknown>[] } } };
        const value = m.result?.value;
        if (m.type === 'result' && value) {
          value.running = true;
          value.scenarios = [
            { name: 'post-handshake', title: 'TLS 1.3 post-handshake authentication', demonstrates: 'TLS 1.3 only.', url: null, port: null, available: false, reason, server: 'Apache httpd', caNames: 2, caNamesBytes: 149 },
          ];
        }
        return JSON.stringify(m);
      })
      .join('\n');
    await route.fulfill({ response, body: `${body}\n` });
  });
  await openApp(page);
  await nav(page, 'lab').click();
  const row = scenario(page, 'post-handshake');
  await expect(row).toHaveAttribute('data-available', 'false');
  await expect(row.getByTestId('lab-unavailable')).toContainText(reason);
  await expect(row.getByTestId('lab-probe-this')).toHaveCount(0);
  await expect(page.getByTestId('lab-status')).toContainText('0 servers, 1 unavailable');
  await centre(row);
  await viewShot(page, '59-lab-scenario-unavailable');
});
