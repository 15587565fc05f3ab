import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The shape STYLE.md asks of the code, checked on the sources so it stays so: no function of 120
 * lines or more (a reader must hold a function in view to review it; longer ones are split into named
 * stages or sub-components), every source file over 400 lines says at its top why it is one file, and
 * no comment or test title cites a tracker number instead of saying the behaviour (the number means
 * nothing to a reader of the code; the behaviour and its RFC or KB article do).
 *
 * The allow-lists are explicit and each entry says why. "pending: being split" / "pending" entries are
 * code another change is reworking at the moment; they are to be removed, not added to.
 */

const ROOT = path.resolve(__dirname, '..', '..');
const SOURCE_FOLDERS = ['electron', 'shared', 'renderer/src', 'scripts', 'bench'];
const TEST_FOLDERS = ['tests'];
const CODE_FILE = /\.(?:ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'build', 'release', 'test-results', 'fixtures']);

const MAX_FUNCTION_LINES = 120;
const MAX_FILE_LINES = 400;
const WHY_ONE_FILE = /One file because|Why one file:/i;
const TRACKER_CITATION = /\bissues?\s*#?\d+/i;

/** Functions of 120 lines or more that may stay, by "file#name" (name as `functionName` gives it). */
const LONG_FUNCTION_ALLOWED: Record<string, string> = {
  // Data, not logic: a PowerShell script held as a template string, whose lines are the script's lines.
  'electron/services/probe/sslstream-script.ts#sslStreamProbeScript': 'PowerShell script template (data)',
};

/** Source files over 400 lines still without their "why one file" comment. */
const WHY_PENDING = new Set<string>([
]);

/** Files that still cite a tracker number in a comment or title. */
const TRACKER_PENDING = new Set<string>([
]);

function codeFiles(folders: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(full);
      } else if (CODE_FILE.test(entry.name)) out.push(full);
    }
  };
  for (const folder of folders) walk(path.join(ROOT, folder));
  return out.sort();
}

const relative = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

/** The name a reader would look for: the function's own, else the variable, property or method it is assigned to. */
export function functionName(node: ts.SignatureDeclaration): string {
  const named = (n: ts.Node | undefined): string | null =>
    n && (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n)) ? n.text : null;
  const own = 'name' in node ? named(node.name as ts.Node | undefined) : null;
  if (own) return own;
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))) {
    return named(parent.name) ?? '<anonymous>';
  }
  return '<anonymous>';
}

export interface LongFunction {
  readonly file: string;
  readonly line: number;
  readonly lines: number;
  readonly name: string;
}

/** Every function-like node with a body (declarations, expressions, arrows, methods, accessors) of `limit` lines or more. */
export function longFunctions(file: string, text: string, limit: number): LongFunction[] {
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : /\.[mc]?ts$/.test(file) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines >= limit) found.push({ file: relative(file), line: start + 1, lines, name: functionName(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const lineCount = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

describe('code shape', () => {
  it('measures a function from its first line to its last', () => {
    const body = Array.from({ length: 118 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `export function edge(): void {\n${body}\n}\nconst short = () => 1;\n`;
    expect(longFunctions('edge.ts', text, 120)).toEqual([{ file: 'edge.ts', line: 1, lines: 120, name: 'edge' }]);
    expect(longFunctions('edge.ts', text, 121)).toEqual([]);
  });

  it(`has no function of ${MAX_FUNCTION_LINES} lines or more outside the allow-list`, () => {
    const offenders = codeFiles(SOURCE_FOLDERS)
      .flatMap((file) => longFunctions(file, fs.readFileSync(file, 'utf8'), MAX_FUNCTION_LINES))
      .filter((f) => !(`${f.file}#${f.name}` in LONG_FUNCTION_ALLOWED))
      .map((f) => `${f.lines} lines  ${f.file}:${f.line} ${f.name}`);
    expect(offenders, `split these into named stages:\n${offenders.join('\n')}`).toEqual([]);
  });

  it('allows only long functions that still exist (a split one leaves the list)', () => {
    const present = new Set(
      codeFiles(SOURCE_FOLDERS).flatMap((file) =>
        longFunctions(file, fs.readFileSync(file, 'utf8'), MAX_FUNCTION_LINES).map((f) => `${f.file}#${f.name}`),
      ),
    );
    const stale = Object.keys(LONG_FUNCTION_ALLOWED).filter((key) => !present.has(key));
    expect(stale, `no longer long, remove from LONG_FUNCTION_ALLOWED:\n${stale.join('\n')}`).toEqual([]);
  });

  it(`says in the first 15 lines of every source file over ${MAX_FILE_LINES} lines why it is one file`, () => {
    const offenders = codeFiles(SOURCE_FOLDERS)
      .map((file) => ({ file: relative(file), text: fs.readFileSync(file, 'utf8') }))
      .filter(({ file, text }) => lineCount(text) > MAX_FILE_LINES && !WHY_PENDING.has(file))
      .filter(({ text }) => !WHY_ONE_FILE.test(text.split('\n').slice(0, 15).join('\n')))
      .map(({ file, text }) => `${lineCount(text)} lines  ${file}`);
    expect(offenders, `add "One file because ..." near the top, or split:\n${offenders.join('\n')}`).toEqual([]);
  });

  it('cites no tracker number ("issue N") in a comment or test title: it says the behaviour', () => {
    const offenders: string[] = [];
    for (const file of codeFiles([...SOURCE_FOLDERS, ...TEST_FOLDERS])) {
      if (TRACKER_PENDING.has(relative(file))) continue;
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (TRACKER_CITATION.test(line)) offenders.push(`${relative(file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders, `say the behaviour instead:\n${offenders.join('\n')}`).toEqual([]);
  });

  it('keeps the pending lists to files that still need them (a fixed file leaves the list)', () => {
    const read = (file: string): string => (fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), 'utf8') : '');
    const whyDone = [...WHY_PENDING].filter((file) => {
      const text = read(file);
      return lineCount(text) <= MAX_FILE_LINES || WHY_ONE_FILE.test(text.split('\n').slice(0, 15).join('\n'));
    });
    const trackerDone = [...TRACKER_PENDING].filter((file) => !TRACKER_CITATION.test(read(file)));
    expect({ whyDone, trackerDone }).toEqual({ whyDone: [], trackerDone: [] });
  });
});
