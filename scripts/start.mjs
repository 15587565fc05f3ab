#!/usr/bin/env node
// `npm start`: build, then open the desktop window with the Electron binary.
//
// The binary is located without `require('electron')`, because that call starts a download when the
// binary is missing and throws a stack trace when it fails (Electron 42+; see
// reference/electron-offline-notes.md). Instead: resolve electron/package.json, read path.txt
// beside it, check dist/<path.txt>. When the binary is absent, the package's own installer is tried
// once, with a time limit; when that fails too, one line says so and the same app starts in the web
// mode (`certbench serve`), opened in the default browser (the address is printed as well, for when
// no browser can be opened), until Ctrl+C. CERTBENCH_START_WEB=1 goes to the web mode directly;
// BROWSER=none leaves the browser alone.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** Run a Node script with an argument array (no shell); resolves with its exit code and stderr. */
function runNode(args, { timeoutMs, inherit = false } = {}) {
  return new Promise((resolve) => {
    if (inherit) {
      const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
      child.on('error', (err) => resolve({ code: 1, stderr: err.message, timedOut: false }));
      child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stderr: '', timedOut: false }));
      return;
    }
    execFile(process.execPath, args, { cwd: root, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, _stdout, stderr) => {
      const timedOut = Boolean(err && err.killed);
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr: String(stderr), timedOut });
    });
  });
}

/** Where the electron package is, and its binary if present (never triggers a download). */
function findElectron() {
  let pkgFile;
  try {
    pkgFile = createRequire(path.join(root, 'package.json')).resolve('electron/package.json');
  } catch {
    return { pkgDir: null, version: null, binary: null };
  }
  const pkgDir = path.dirname(pkgFile);
  const version = JSON.parse(readFileSync(pkgFile, 'utf8')).version;
  const pathTxt = path.join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return { pkgDir, version, binary: null };
  const binary = path.join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return { pkgDir, version, binary: existsSync(binary) ? binary : null };
}

/** A few words on why the installer failed, from its stderr (which is a stack trace). */
function downloadFailureReason(result) {
  if (result.timedOut) return `the download did not finish within ${DOWNLOAD_TIMEOUT_MS / 1000} s`;
  if (result.code === 0) return 'its installer finished, but the binary is still missing';
  const lines = result.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines.find((l) => !l.startsWith('at ')) ?? 'no reason given';
  const network = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|getaddrinfo|network/i.test(result.stderr);
  const detail = first.replace(/^(Type|Request)?Error:\s*/, '').slice(0, 120);
  return network ? `its download server cannot be reached: ${detail}` : `the installer failed: ${detail}`;
}

/**
 * Open `url` in the default browser without a shell (the URL is never parsed by one): `open` on
 * macOS, the URL protocol handler on Windows, xdg-open elsewhere. Resolves false when none could.
 */
function openBrowser(url) {
  if (process.env.BROWSER === 'none') return Promise.resolve(false);
  const [file, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return Promise.resolve(false);
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000 }, (err) => resolve(!err));
  });
}

/** The desktop window cannot be had: say so in one line, then run the web mode until Ctrl+C. */
function startWebMode(why) {
  process.stderr.write(`Certbench cannot open its desktop window here (${why}); starting the web mode in your browser instead.\n`);
  const child = spawn(process.execPath, ['bin/certbench.cjs', 'serve', '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      stopping = true;
      child.kill(sig);
    });
  }
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    if (buffered === null) return;
    buffered += chunk;
    const line = buffered.split('\n').find((l) => l.trim().startsWith('{'));
    if (!line) return;
    buffered = null;
    let url;
    try {
      url = JSON.parse(line).url;
    } catch {
      url = null;
    }
    if (!url) {
      process.stderr.write('Certbench web mode started but did not say its address; run `npm run serve` instead.\n');
      return;
    }
    void openBrowser(url).then((opened) => {
      process.stdout.write(
        opened
          ? `Certbench is open in your browser at ${url} (Ctrl+C stops it).\n`
          : `Open this address in a browser on this machine: ${url} (Ctrl+C stops Certbench).\n`,
      );
    });
  });
  child.on('error', (err) => {
    process.stderr.write(`Certbench could not start its web mode: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (stopping) {
      process.stdout.write('Certbench stopped.\n');
      process.exit(0);
    }
    process.exit(code ?? (signal ? 1 : 0));
  });
}

function explainAndExit(version, reason) {
  const runtime = version ? `the Electron runtime ${version} is not installed and could not be downloaded` : 'the Electron runtime is not installed';
  startWebMode(`${runtime}: ${reason}`);
}

// CERTBENCH_START_NO_BUILD=1: the caller has just built (the test of this script does, so it does not
// rewrite dist/ under other tests reading it).
if (process.env.CERTBENCH_START_NO_BUILD !== '1') {
  const build = await runNode(['scripts/build.mjs', '--quiet'], { inherit: true });
  if (build.code !== 0) process.exit(build.code);
}

let electron = process.env.CERTBENCH_START_WEB === '1' ? null : findElectron();
if (!electron) startWebMode('CERTBENCH_START_WEB=1');
else if (!electron.pkgDir) explainAndExit(null, 'the electron package is missing from node_modules');
else if (!electron.binary) {
  const install = await runNode([path.join(electron.pkgDir, 'install.js')], { timeoutMs: DOWNLOAD_TIMEOUT_MS });
  electron = findElectron();
  if (!electron.binary) explainAndExit(electron.version, downloadFailureReason(install));
  else startElectron(electron.binary);
} else startElectron(electron.binary);

function startElectron(binary) {

  // ELECTRON_RUN_AS_NODE would make the binary a plain Node.js and run main.cjs without a window.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, ['.'], { cwd: root, stdio: 'inherit', env });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('error', (err) => {
    process.stderr.write(`Certbench could not start ${binary}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
