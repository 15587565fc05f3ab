import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { median, round, type BenchResult } from './result';

/**
 * The UI's figures (web mode). ui.first-usable: from starting `certbench serve --port 0` to the first
 * screen's main heading visible with the top bar showing it has talked to the service, in Debian's
 * chromium already running (a user's browser is); baseline: the same server's own start to listening
 * (its URL printed), measured in the same runs. ui.renderer-js: the built renderer's JavaScript, all
 * of it and what the first screen loads (entry script and its preloads), against the figure recorded
 * in bench/ui-baseline.json.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin', 'certbench.cjs');
const RENDERER = path.join(ROOT, 'dist', 'renderer');
const BASELINE = path.join(ROOT, 'bench', 'ui-baseline.json');
const CHROMIUM = '/usr/bin/chromium';

/** Bytes of every built .js, and of those index.html loads at once (its module script and modulepreload links). */
export function rendererJsBytes(dir = RENDERER): { total: number; firstLoad: number } {
  const assets = path.join(dir, 'assets');
  const size = (f: string) => fs.statSync(path.join(assets, f)).size;
  const all = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const first = new Set([...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!));
  return { total: all.reduce((n, f) => n + size(f), 0), firstLoad: [...first].reduce((n, f) => n + size(f), 0) };
}

/** Start `certbench serve` and answer its URL with the milliseconds from spawn to that URL. */
function serve(env: NodeJS.ProcessEnv): Promise<{ url: string; listeningMs: number; started: number; stop: () => void }> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error('certbench serve printed no URL within 30 s'));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line || !out.includes('\n')) return;
      clearTimeout(timer);
      resolve({ url: (JSON.parse(line) as { url: string }).url, listeningMs: performance.now() - started, started, stop: () => child.kill('SIGTERM') });
    });
    child.on('error', reject);
  });
}

export async function benchUi(progress: (m: string) => void, rounds = 5): Promise<BenchResult[]> {
  if (!fs.existsSync(path.join(RENDERER, 'index.html'))) throw new Error('dist/renderer is missing: run "npm run build" first');
  const js = rendererJsBytes();
  const recorded = JSON.parse(fs.readFileSync(BASELINE, 'utf8')) as { rendererJsBytes: number; firstLoadJsBytes: number };
  const results: BenchResult[] = [
    {
      name: 'ui.renderer-js',
      value: js.firstLoad,
      unit: `bytes of JavaScript the first screen loads (all areas: ${js.total} bytes)`,
      baseline: `the first-load JavaScript recorded in bench/ui-baseline.json (all areas then: ${recorded.rendererJsBytes} bytes)`,
      baselineValue: recorded.firstLoadJsBytes,
      ratio: round(js.firstLoad / recorded.firstLoadJsBytes),
      target: '<= 1 (kept from growing)',
      note: `all areas: ${round(js.total / recorded.rendererJsBytes)}x the recorded total`,
    },
  ];
  if (!fs.existsSync(CHROMIUM)) {
    progress(`ui: ${CHROMIUM} is missing; ui.first-usable not measured`);
    return results;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certbench-bench-ui-'));
  const env = { ...process.env, CERTBENCH_DATA_DIR: dir };
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    progress(`ui: ${rounds} starts of certbench serve, each until the first screen is usable in chromium...`);
    const usable: number[] = [];
    const listening: number[] = [];
    for (let i = 0; i <= rounds; i++) {
      const server = await serve(env);
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(server.url);
        await page.getByRole('heading', { name: 'What do you have in front of you?' }).waitFor({ state: 'visible', timeout: 30_000 });
        await page.getByTestId('mode').waitFor({ state: 'visible', timeout: 30_000 });
        // The first round warms the page cache and chromium's process for the page; it is not counted.
        if (i > 0) {
          usable.push(performance.now() - server.started);
          listening.push(server.listeningMs);
        }
      } finally {
        await context.close();
        server.stop();
      }
    }
    const a = median(usable);
    const b = median(listening);
    results.unshift({
      name: 'ui.first-usable',
      value: round(a),
      unit: `ms median of ${rounds}: certbench serve started to the first screen's heading visible and the service answered, in chromium already running`,
      baseline: 'the same certbench serve from start to listening (URL printed), same runs',
      baselineValue: round(b),
      ratio: round(a / b),
      target: 'reference: what the page adds to the server start',
      note: `the page itself: ${round(a - b)} ms`,
    });
    return results;
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
