#!/usr/bin/env node
// Runs every check and every test runner, then prints one summary whose LAST line is
// `N passed, N failed` (developers' guide: the sum of every runner, alone on the line).
// Typecheck, lint and build count as one test each, so a broken build cannot hide behind
// "0 failed". Under CI=true a skipped test counts as failed unless it needs the Electron binary,
// which cannot be downloaded on these machines.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const reports = path.join(root, '.tmp', 'reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const inCi = process.env.CI === 'true';
const ELECTRON_SKIP = /electron binary/i;

const tally = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(label, cmd, args, env = {}) {
  process.stderr.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return { code: r.status ?? 1, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function check(label, cmd, args) {
  const r = run(label, cmd, args);
  if (r.code === 0) tally.passed += 1;
  else tally.failed += 1;
  lines.push(`${label}: ${r.code === 0 ? 'passed' : 'FAILED'} (${r.seconds} s)`);
  return r.code === 0;
}

function countSkip(label, title, reason) {
  if (inCi && !ELECTRON_SKIP.test(`${title} ${reason}`)) {
    tally.failed += 1;
    lines.push(`  FAILED (skipped under CI): ${title}${reason ? ` — ${reason}` : ''}`);
  } else {
    tally.skipped += 1;
    lines.push(`  skipped: ${title}${reason ? ` — ${reason}` : ''}`);
  }
}

check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']);
check('typecheck shared (no Node, no DOM)', 'npx', ['tsc', '-p', 'tsconfig.shared.json']);
check('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
const built = check('build', process.execPath, ['scripts/build.mjs', '--quiet']);

// vitest: unit and integration
{
  const out = path.join(reports, 'vitest.json');
  const r = run('vitest', 'npx', ['vitest', 'run'], { CERTBENCH_VITEST_JSON: out });
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    let p = 0;
    let f = 0;
    for (const file of j.testResults ?? []) {
      for (const t of file.assertionResults ?? []) {
        if (t.status === 'passed') p += 1;
        else if (t.status === 'failed') f += 1;
        else countSkip('vitest', `${path.relative(root, file.name)} › ${t.fullName}`, '');
      }
      // A file that failed to load has no assertion results but must not count as nothing.
      if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') f += 1;
    }
    tally.passed += p;
    tally.failed += f;
    lines.push(`vitest: ${p} passed, ${f} failed (${r.seconds} s)`);
  } else {
    tally.failed += 1;
    lines.push(`vitest: FAILED to run (exit ${r.code})`);
  }
}

// Real PowerShell: the PowerShell test files each leave their counts in
// .tmp/reports/powershell-*.json (tests/helpers/pwsh-harness.ts writePwshReport).
{
  const files = readdirSync(reports).filter((f) => /^powershell-.*\.json$/.test(f));
  if (files.length) {
    const sum = { scriptsParsed: 0, parseErrors: 0, notIn51: 0, valuesTokenized: 0, valuesEchoed: 0 };
    for (const f of files) {
      const j = JSON.parse(readFileSync(path.join(reports, f), 'utf8'));
      for (const k of Object.keys(sum)) sum[k] += Number(j[k] ?? 0);
    }
    lines.push(
      `PowerShell: ${sum.scriptsParsed} scripts parsed, ${sum.parseErrors} parse errors, ${sum.notIn51} constructs missing in 5.1, ${sum.valuesTokenized} hostile values round-tripped through the real tokenizer (${sum.valuesEchoed} also echoed back by running scripts)`,
    );
  } else {
    lines.push('PowerShell: no report in .tmp/reports (the PowerShell tests did not run: is pwsh installed?)');
  }
}

// Playwright: e2e against the web mode in Debian's chromium (and Electron where present)
if (built) {
  const out = path.join(reports, 'playwright.json');
  const r = run('playwright', 'npx', ['playwright', 'test']);
  if (existsSync(out)) {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    let p = 0;
    let f = 0;
    const walk = (suite, prefix) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          const title = `${prefix}${spec.title}`;
          if (t.status === 'expected' || t.status === 'flaky') p += 1;
          else if (t.status === 'skipped') {
            const reason = (t.annotations ?? []).map((a) => a.description ?? '').join('; ');
            countSkip('playwright', title, reason);
          } else f += 1;
        }
      }
      for (const child of suite.suites ?? []) walk(child, `${prefix}${child.title} › `);
    };
    for (const suite of j.suites ?? []) walk(suite, `${suite.title} › `);
    if ((j.errors ?? []).length && p + f === 0) f += 1;
    tally.passed += p;
    tally.failed += f;
    lines.push(`playwright: ${p} passed, ${f} failed (${r.seconds} s)`);
  } else {
    tally.failed += 1;
    lines.push(`playwright: FAILED to run (exit ${r.code})`);
  }
} else {
  tally.failed += 1;
  lines.push('playwright: not run because the build failed');
}

process.stdout.write(`\n${lines.join('\n')}\n`);
if (tally.skipped) process.stdout.write(`${tally.skipped} skipped\n`);
process.stdout.write(`${tally.passed} passed, ${tally.failed} failed\n`);
process.exit(tally.failed ? 1 : 0);
