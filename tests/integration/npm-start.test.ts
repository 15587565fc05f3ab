import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm start` where the desktop runtime cannot be had (scripts/start.mjs): one line on stderr saying
 * why, the web mode started, its address printed when no browser can be opened, and Ctrl+C stopping
 * it cleanly with the port closed. The script is run as `npm start` runs it (node scripts/start.mjs),
 * after the build the test run has already made.
 */
const root = path.resolve(__dirname, '../..');
let child: ChildProcess | null = null;
let home = '';

afterEach(() => {
  child?.kill('SIGKILL');
  child = null;
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** Resolves with everything printed once `pattern` appears on stdout (rejects on exit or after 30 s). */
function waitFor(proc: ChildProcess, pattern: RegExp, out: { stdout: string; stderr: string }): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within 30 s; stdout: ${out.stdout}; stderr: ${out.stderr}`)), 30_000);
    const check = () => {
      const m = out.stdout.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout!.on('data', (c: Buffer) => {
      out.stdout += c.toString('utf8');
      check();
    });
    proc.stderr!.on('data', (c: Buffer) => (out.stderr += c.toString('utf8')));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start.mjs exited with ${code} before printing ${pattern}; stderr: ${out.stderr}`));
    });
  });
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('npm start without the desktop runtime', () => {
  it('says why in one line, serves the app at the printed address, and stops on Ctrl+C', async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-start-'));
    const out = { stdout: '', stderr: '' };
    child = spawn(process.execPath, ['scripts/start.mjs'], {
      cwd: root,
      env: { ...process.env, HOME: home, CERTBENCH_START_WEB: '1', CERTBENCH_START_NO_BUILD: '1', BROWSER: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [, url] = await waitFor(child, /Open this address in a browser on this machine: (\S+) \(Ctrl\+C stops Certbench\)/, out);
    // One line on stderr says the desktop window cannot be opened and why; no stack trace.
    const said = out.stderr.trim().split('\n');
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^Certbench cannot open its desktop window here \(.+\); starting the web mode in your browser instead\.$/);

    // The address opens the app itself.
    const page = await fetch(url!, { signal: AbortSignal.timeout(10_000) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Certbench');

    // Ctrl+C: a clean stop, said in words, and the address no longer answers.
    const done = exited(child);
    child.kill('SIGINT');
    expect(await done).toEqual({ code: 0, signal: null });
    expect(out.stdout).toContain('Certbench stopped.');
    await expect(fetch(url!, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  }, 60_000);
});
