import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The rules for the renderer's styles, checked on the sources: colours come from the design
 * tokens in styles.css's :root (so a change of palette or contrast is made in one place), and a
 * feature never imports another feature's stylesheet (a shared style lives in styles.css).
 */
const UI = path.resolve('renderer/src/ui');
const STYLES = path.resolve('renderer/src/styles.css');
const RAW_COLOUR = /#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(/;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('renderer styles', () => {
  it('uses no raw colour outside the design tokens', () => {
    const offenders: string[] = [];
    for (const file of [STYLES, ...walk(UI).filter((f) => f.endsWith('.css'))]) {
      let text = fs.readFileSync(file, 'utf8');
      if (file === STYLES) text = text.replace(/:root\s*\{[^}]*\}/, '');
      text.split('\n').forEach((line, i) => {
        if (RAW_COLOUR.test(line.replace(/\/\*.*?\*\//g, ''))) offenders.push(`${path.relative(process.cwd(), file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('never imports another feature\'s stylesheet', () => {
    const offenders = walk(UI)
      .filter((f) => /\.tsx?$/.test(f))
      .flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/import '(\.\.\/[^']+\.css)'/g)].map((m) => `${path.relative(UI, f)} imports ${m[1]}`));
    expect(offenders).toEqual([]);
  });
});
