import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The rules for the renderer's styles, checked on the sources: colours come from the design
 * tokens (styles/tokens.css, so a change of palette or contrast is made in one place); a feature's
 * stylesheet (ui/<feature>/*.css) is imported only by that feature's own files and styles only that
 * feature's markup, so it loads with the feature and a shared style lives in styles/base.css.
 */
const SRC = path.resolve('renderer/src');
const UI = path.join(SRC, 'ui');
const TOKENS = path.join(SRC, 'styles/tokens.css');
const RAW_COLOUR = /#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(/;
/** Folders under ui/ that are not features: the frame and the components every feature may render. */
const NOT_FEATURES = new Set(['common', 'shell']);

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The folder under ui/ a file is in ('' outside ui/). */
function uiFolder(file: string): string {
  const rel = path.relative(UI, file);
  return rel.startsWith('..') ? '' : (rel.split(path.sep)[0] ?? '');
}

const features = fs.readdirSync(UI).filter((d) => !NOT_FEATURES.has(d) && fs.statSync(path.join(UI, d)).isDirectory());
const sources = walk(UI).filter((f) => /\.tsx?$/.test(f));

/**
 * What a source file can name a class with: the insides of its string and template literals,
 * without import lines, comments and data-testid values (names, not classes); and the prefixes of
 * classes it builds (`is-${tone}` may make any is-… class).
 */
function classText(file: string): { text: string; prefixes: string[] } {
  const code = fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|\s)\/\/.*$/gm, '$1')
    .replace(/^\s*(import|export)\s[^;]*\sfrom\s[^;]*;/gm, '')
    .replace(/data-testid=\{?(['"`])[^'"`]*\1\}?/g, '');
  const literals = [...code.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`[^`]*`/g)].map((m) => m[0]);
  const prefixes = literals.flatMap((l) => [...l.matchAll(/([a-z][a-z0-9-]*-)\$\{/g)].map((m) => m[1] ?? ''));
  return { text: literals.join('\n'), prefixes };
}

const usage = sources.filter((f) => features.includes(uiFolder(f))).map((f) => ({ feature: uiFolder(f), ...classText(f) }));

/** The features whose source names a class. */
function featuresUsing(cls: string): Set<string> {
  const word = new RegExp(`(?<![\\w-])${cls.replace(/[-]/g, '\\-')}(?![\\w-])`);
  return new Set(usage.filter((u) => word.test(u.text) || u.prefixes.some((p) => cls.startsWith(p))).map((u) => u.feature));
}

/** Each selector of each style rule in a stylesheet, with its line (at-rules' own lines and keyframe steps skipped). */
function selectors(css: string): { line: number; selector: string }[] {
  const out: { line: number; selector: string }[] = [];
  const text = css.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  for (const m of text.matchAll(/([^{};]+)\{/g)) {
    const head = (m[1] ?? '').trim();
    if (head.startsWith('@') || /^(from|to|[\d.]+%)(\s*,\s*(from|to|[\d.]+%))*$/.test(head)) continue;
    const line = text.slice(0, (m.index ?? 0) + (m[1] ?? '').indexOf(head)).split('\n').length;
    for (const s of head.split(',')) out.push({ line, selector: s.trim() });
  }
  return out;
}

describe('renderer styles', () => {
  it('uses no raw colour outside the design tokens', () => {
    const offenders: string[] = [];
    for (const file of walk(SRC).filter((f) => f.endsWith('.css'))) {
      let text = fs.readFileSync(file, 'utf8');
      if (file === TOKENS) text = text.replace(/:root\s*\{[^}]*\}/, '');
      text.split('\n').forEach((line, i) => {
        if (RAW_COLOUR.test(line.replace(/\/\*.*?\*\//g, ''))) offenders.push(`${path.relative(process.cwd(), file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it("never imports another feature's stylesheet", () => {
    const offenders = sources.flatMap((file) =>
      [...fs.readFileSync(file, 'utf8').matchAll(/^import\s+'(\.[^']+\.css)'/gm)]
        .map((m) => ({ target: path.resolve(path.dirname(file), m[1] ?? ''), spec: m[1] ?? '' }))
        .filter((i) => uiFolder(i.target) !== uiFolder(file))
        .map((i) => `${path.relative(UI, file)} imports ${i.spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("styles in a feature's stylesheet only that feature's markup", () => {
    // A selector belongs to the feature that alone names the leftmost class only one feature names:
    // it can match only inside that feature's markup. No such class (only shared ones): base.css.
    const offenders: string[] = [];
    for (const file of walk(UI).filter((f) => f.endsWith('.css'))) {
      const owner = uiFolder(file);
      for (const { line, selector } of selectors(fs.readFileSync(file, 'utf8'))) {
        const classes = [...selector.replace(/:(not|is|where|has)\([^)]*\)/g, '').matchAll(/\.([A-Za-z_][\w-]*)/g)].map((m) => m[1] ?? '');
        const users = classes.map(featuresUsing);
        const sole = users.find((u) => u.size === 1);
        const where = `${path.relative(UI, file)}:${line} ${selector}`;
        if (!sole) offenders.push(`${where}: ${classes.map((c, i) => `.${c} used by ${[...(users[i] ?? [])].join(', ') || 'no feature'}`).join('; ') || 'no class'}`);
        else if (!sole.has(owner)) offenders.push(`${where}: styles ${[...sole][0]}'s markup`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
