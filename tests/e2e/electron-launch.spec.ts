import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import { channels, contract } from '../../shared/contract';

/**
 * Launches the real desktop app and checks what the renderer can and cannot reach (Electron security
 * checklist 2, 3, 4, 20). Needs the Electron binary, which cannot be downloaded on the machines this
 * is built on: it is looked up the way scripts/start.mjs does (path.txt, no require('electron'),
 * which would start a download), and the test is skipped when it is absent. Needs `npm run build`.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function installedElectron(): string | null {
  try {
    const pkg = createRequire(path.join(root, 'package.json')).resolve('electron/package.json');
    const pathTxt = path.join(path.dirname(pkg), 'path.txt');
    if (!fs.existsSync(pathTxt)) return null;
    const binary = path.join(path.dirname(pkg), 'dist', fs.readFileSync(pathTxt, 'utf8').trim());
    return fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

type Probe = Record<string, unknown> & { certbench?: Record<string, unknown> };

test('the Electron window shows Certbench, exposes only the contract and no Node', async () => {
  const binary = installedElectron();
  test.skip(binary === null, 'Electron binary is not installed (cannot be downloaded on this machine)');

  // Its own profile per run, and so its own single-instance lock (electron/main.ts).
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-e2e-electron-'));
  // Chromium refuses to start as root with its sandbox on (CI containers); the renderer settings
  // under test (contextIsolation, sandboxed preload, no nodeIntegration) do not depend on it.
  const rootArgs = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const env = { ...process.env, CERTBENCH_USER_DATA_DIR: userData } as Record<string, string>;
  delete env.ELECTRON_RUN_AS_NODE;
  const app = await electron.launch({
    executablePath: binary as string,
    args: [...rootArgs, path.join(root, 'dist', 'electron', 'main.cjs')],
    cwd: root,
    env,
  });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    expect(page.url()).toBe('app://certbench/index.html');

    const title = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getTitle() ?? '');
    expect(title).toContain('Certbench');

    const keys = await page.evaluate(() => Object.keys((window as unknown as Probe).certbench ?? {}).sort());
    expect(keys).toEqual([...channels.map((c) => contract[c].method), 'onProgress'].sort());

    const reach = await page.evaluate(() => {
      const g = globalThis as unknown as Probe;
      return {
        require: typeof g.require,
        process: typeof g.process,
        module: typeof g.module,
        Buffer: typeof g.Buffer,
        frozen: Object.isFrozen(g.certbench),
      };
    });
    expect(reach).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined', frozen: true });

    // One real round trip through the preload, the sender check and dispatch.
    const info = await page.evaluate(() =>
      ((window as unknown as Probe).certbench?.appInfo as (req: object) => Promise<unknown>)({}),
    );
    expect(info).toMatchObject({ ok: true, value: { name: 'Certbench', mode: 'electron' } });

    await page.screenshot({ path: test.info().outputPath('electron-window.png') });
  } finally {
    await app.close();
    fs.rmSync(userData, { recursive: true, force: true });
  }
});
