#!/usr/bin/env node
// Starts the web mode for Playwright: makes sure the URL file's folder exists, then runs
// `certbench serve` with that port and URL file (Playwright's webServer stops it afterwards).
import { mkdirSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';

const [port, urlFile] = process.argv.slice(2);
mkdirSync(path.dirname(urlFile), { recursive: true });
rmSync(urlFile, { force: true });
const child = spawn(process.execPath, ['bin/certbench.cjs', 'serve', '--port', port, '--url-file', urlFile], {
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
