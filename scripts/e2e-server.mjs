#!/usr/bin/env node
// Starts the web mode for Playwright: makes sure the URL file's folder exists, then runs
// `certbench serve` with that port and URL file (Playwright's webServer stops it afterwards).
// Each run gets its own data folder (added store folders, ACL backups), so the stores the tests
// see are the machine's plus only what the tests add; it is removed when the server stops.
// CERTBENCH_SYSTEM_TRUST and CERTBENCH_ANCHOR_DIRS, when set, pass through to the server.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const [port, urlFile] = process.argv.slice(2);
mkdirSync(path.dirname(urlFile), { recursive: true });
rmSync(urlFile, { force: true });
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'certbench-e2e-data-'));
// A home of its own, so the .NET certificate store PowerShell uses (~/.dotnet/corefx/...) is the
// tests' and never the developer's; the tests import into it (tests/e2e/helpers/app.ts E2E_HOME).
// PowerShell is still found in the account's own ~/.dotnet/tools (electron/platform/find-powershell.ts).
const home = path.resolve(`.tmp/e2e/home-${port}`);
rmSync(home, { recursive: true, force: true });
mkdirSync(home, { recursive: true });
const env = { ...process.env, CERTBENCH_DATA_DIR: dataDir, HOME: home };
const child = spawn(process.execPath, ['bin/certbench.cjs', 'serve', '--port', port, '--url-file', urlFile], {
  stdio: 'inherit',
  env,
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
  process.exit(code ?? 0);
});

