#!/usr/bin/env node
// `npm run check:package`: an offline check of the packaging configuration. Prints one line (OK or
// the first problem) and exits 0 or 1.
//
//   node scripts/check-packaging.mjs [--config build/electron-builder.yml] [--out .tmp/packaging] [--schema-only]
//
// 1. Loads the configuration with electron-builder's own loader and validates it with its own
//    validator (app-builder-lib's validateConfiguration, i.e. ajv over scheme.json): a misspelt or
//    misplaced option fails here, as it would at release time.
// 2. Checks the settings this project depends on for security (asar, every Electron fuse,
//    STYLE.md "fuses flipped at packaging").
// 3. Packs for real: `electron-builder --linux dir` with `electronDist` pointing at the installed
//    Electron when its binary is present, or else at a stub (the binary cannot be downloaded on the
//    machines this is built on; reference/electron-offline-notes.md). The stub is a shell script
//    that carries Electron's fuse sentinel and an 8-fuse wire with Electron's defaults, laid out as
//    in the real binary, so electron-builder's @electron/fuses step runs unchanged and flips it.
//    Then app.asar is listed (the built files are inside, node_modules is not) and the fuse wire of
//    the packed executable is read back and compared with the configuration.
//    What the stub cannot show: that the real binary starts with these fuses, and the installers
//    (deb, AppImage, nsis, dmg), whose tools electron-builder downloads from GitHub.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p) || '.';

/** The fuse values this project requires (Electron security checklist 19). */
const REQUIRED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};
/** Position of each fuse on the V1 wire (@electron/fuses FuseV1Options). */
const FUSE_INDEX = {
  runAsNode: 0,
  enableCookieEncryption: 1,
  enableNodeOptionsEnvironmentVariable: 2,
  enableNodeCliInspectArguments: 3,
  enableEmbeddedAsarIntegrityValidation: 4,
  onlyLoadAppFromAsar: 5,
  loadBrowserProcessSpecificV8Snapshot: 6,
  grantFileProtocolExtraPrivileges: 7,
};
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's own defaults, '1' on / '0' off, in wire order (so the flip is visible). */
const STUB_WIRE = '10110001';
const REQUIRED_IN_ASAR = ['dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html'];
const PACK_TIMEOUT_MS = 180_000;

class CheckError extends Error {}

function parseArgs(argv) {
  const opts = { config: 'build/electron-builder.yml', out: '.tmp/packaging', schemaOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--schema-only') opts.schemaOnly = true;
    else if ((arg === '--config' || arg === '--out') && argv[i + 1]) opts[arg.slice(2)] = argv[++i];
    else throw new CheckError(`unknown argument "${arg}" (use --config FILE, --out DIR, --schema-only)`);
  }
  return { ...opts, config: path.resolve(root, opts.config), out: path.resolve(root, opts.out) };
}

/** electron-builder's modules, resolved through its own dependency tree (not ours). */
function builderModules() {
  const fromRoot = createRequire(path.join(root, 'package.json'));
  const builderPkg = fromRoot.resolve('electron-builder/package.json');
  const fromBuilder = createRequire(builderPkg);
  const libPkg = fromBuilder.resolve('app-builder-lib/package.json');
  const fromLib = createRequire(libPkg);
  return {
    builderCli: path.join(path.dirname(builderPkg), 'cli.js'),
    version: JSON.parse(readFileSync(builderPkg, 'utf8')).version,
    config: fromLib('./out/util/config/config.js'),
    builderUtil: fromLib('builder-util'),
    asar: fromLib('@electron/asar'),
    fuses: fromLib('@electron/fuses'),
  };
}

/** One line from electron-builder's multi-line "Invalid configuration object" message. */
function firstSchemaProblem(message) {
  const item = message.split('\n').find((l) => l.trimStart().startsWith('- '));
  const text = (item ?? message.split('\n')[0]).trim().replace(/^- /, '');
  return text.replace(/\. These properties are valid:.*$/s, '').replace(/\s+/g, ' ').slice(0, 300);
}

async function loadAndValidate(mods, configFile) {
  if (!existsSync(configFile)) throw new CheckError(`${rel(configFile)} does not exist`);
  // electron-builder's loader logs "loaded configuration" straight to its stream; this check
  // prints one line only, so the stream is muted for the call.
  const { log } = mods.builderUtil;
  const stream = log.stream;
  log.stream = { write: () => true };
  let config;
  try {
    config = await mods.config.getConfig(root, configFile, null);
  } catch (err) {
    throw new CheckError(`${rel(configFile)} cannot be read: ${String(err.message).split('\n')[0]}`);
  } finally {
    log.stream = stream;
  }
  try {
    await mods.config.validateConfiguration(config, { isEnabled: false, add: () => undefined });
  } catch (err) {
    throw new CheckError(`${rel(configFile)} is invalid for electron-builder ${mods.version}: ${firstSchemaProblem(String(err.message))}`);
  }
  return config;
}

/** The settings the schema cannot know we depend on. */
function checkPolicy(config, configFile) {
  const problems = [];
  if (config.asar !== true) problems.push('asar must be true');
  const fuses = config.electronFuses ?? {};
  for (const [name, want] of Object.entries(REQUIRED_FUSES)) {
    if (fuses[name] !== want) problems.push(`electronFuses.${name} must be ${want}`);
  }
  // After electron-builder's merge, `files` is a list of patterns or of { filter: [...] } sets.
  const patterns = (Array.isArray(config.files) ? config.files : [config.files]).flatMap((f) =>
    typeof f === 'string' ? [f] : Array.isArray(f?.filter) ? f.filter : typeof f?.filter === 'string' ? [f.filter] : [],
  );
  if (!patterns.includes('dist/**')) problems.push('files must include dist/**');
  if (problems.length) throw new CheckError(`${rel(configFile)}: ${problems.join('; ')}`);
}

/** The installed Electron folder when its binary is present (path.txt check, no download). */
function installedElectronDist() {
  try {
    const pkg = createRequire(path.join(root, 'package.json')).resolve('electron/package.json');
    const pathTxt = path.join(path.dirname(pkg), 'path.txt');
    if (!existsSync(pathTxt)) return null;
    const dist = path.join(path.dirname(pkg), 'dist');
    return existsSync(path.join(dist, readFileSync(pathTxt, 'utf8').trim())) ? dist : null;
  } catch {
    return null;
  }
}

function writeStubElectron(dir) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'electron');
  writeFileSync(
    file,
    '#!/bin/sh\n' +
      '# Stand-in for the Electron binary, made by scripts/check-packaging.mjs; it only carries the fuse wire.\n' +
      'echo "this is a packaging-check stub, not Electron" >&2\nexit 1\n' +
      `# ${FUSE_SENTINEL}\u0001${String.fromCharCode(STUB_WIRE.length)}${STUB_WIRE}\n`,
    'latin1',
  );
  chmodSync(file, 0o755);
}

function runBuilder(mods, args) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [mods.builderCli, ...args],
      { cwd: root, timeout: PACK_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
      (err, stdout, stderr) => resolve({ ok: !err, timedOut: Boolean(err?.killed), output: `${stdout}\n${stderr}` }),
    );
  });
}

/** electron-builder reports failures as "⨯ message" lines; keep the first, on one line. */
function builderFailure(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => l.startsWith('⨯')) ?? lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'no output';
  return line.replace(/^⨯\s*/, '').replace(/\s+/g, ' ').slice(0, 300);
}

function findExecutableWithFuses(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    try {
      if (readFileSync(file).includes(FUSE_SENTINEL)) return file;
    } catch {
      // a folder or unreadable entry: not the executable
    }
  }
  return null;
}

async function pack(mods, config, opts) {
  for (const file of REQUIRED_IN_ASAR) {
    if (!existsSync(path.join(root, file))) throw new CheckError(`${file} is missing; run "npm run build" first`);
  }
  const real = installedElectronDist();
  const electronDist = real ?? path.join(opts.out, 'electron-stub');
  if (!real) writeStubElectron(electronDist);
  const output = path.join(opts.out, 'release');
  rmSync(output, { recursive: true, force: true });
  const run = await runBuilder(mods, [
    '--linux',
    'dir',
    '--config',
    opts.config,
    '--publish',
    'never',
    `-c.electronDist=${electronDist}`,
    `-c.directories.output=${output}`,
  ]);
  if (!run.ok) {
    throw new CheckError(
      run.timedOut ? `electron-builder did not finish within ${PACK_TIMEOUT_MS / 1000} s` : `electron-builder --dir failed: ${builderFailure(run.output)}`,
    );
  }
  const unpacked = readdirSync(output).find((d) => d.endsWith('-unpacked'));
  const asarFile = unpacked ? path.join(output, unpacked, 'resources', 'app.asar') : null;
  if (!asarFile || !existsSync(asarFile)) throw new CheckError(`electron-builder produced no app.asar under ${rel(output)}`);

  const entries = new Set(mods.asar.listPackage(asarFile, {}).map((e) => e.replace(/\\/g, '/').replace(/^\//, '')));
  const missing = REQUIRED_IN_ASAR.filter((f) => !entries.has(f));
  if (missing.length) throw new CheckError(`${rel(asarFile)} lacks ${missing.join(', ')}; check "files" in ${rel(opts.config)}`);
  const stray = [...entries].filter((e) => e.startsWith('node_modules/') || e.endsWith('.map'));
  if (stray.length) throw new CheckError(`${rel(asarFile)} holds files that should be excluded, e.g. ${stray[0]}`);

  const exe = findExecutableWithFuses(path.join(output, unpacked));
  if (!exe) throw new CheckError(`no executable with a fuse wire in ${rel(path.join(output, unpacked))}`);
  const wire = await mods.fuses.getCurrentFuseWire(exe);
  const wrong = Object.entries(config.electronFuses ?? {})
    .filter(([name, want]) => name in FUSE_INDEX && typeof want === 'boolean')
    .filter(([name, want]) => wire[FUSE_INDEX[name]] !== (want ? 49 : 48))
    .map(([name]) => name);
  if (wrong.length) throw new CheckError(`fuses not flipped as configured in ${rel(exe)}: ${wrong.join(', ')}`);
  return { asarFile, entries: entries.size, stub: !real };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const mods = builderModules();
  const config = await loadAndValidate(mods, opts.config);
  checkPolicy(config, opts.config);
  if (opts.schemaOnly) {
    return `check:package: OK: ${rel(opts.config)} is valid for electron-builder ${mods.version} (schema and security settings; not packed)`;
  }
  const packed = await pack(mods, config, opts);
  return (
    `check:package: OK: ${rel(opts.config)} is valid for electron-builder ${mods.version}; packed offline ` +
    `(linux --dir, ${packed.stub ? 'stub' : 'installed'} Electron) into ${rel(packed.asarFile)} ` +
    `(${packed.entries} entries incl. ${REQUIRED_IN_ASAR.join(', ')}); fuses flipped as configured`
  );
}

main().then(
  (line) => {
    process.stdout.write(`${line}\n`);
  },
  (err) => {
    const message = err instanceof CheckError ? err.message : `unexpected failure: ${String(err?.message ?? err).split('\n')[0]}`;
    process.stderr.write(`check:package: FAILED: ${message}\n`);
    process.exit(1);
  },
);
