import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finding, type Finding } from '../../shared/findings/catalogue';
import { fixesFor } from '../../shared/fixes';
import type { FixShell } from '../../shared/model/fix';
import { quoteBash, quotePowerShell } from '../../shared/scripts/quote';
import { fixCases, type FixCase } from '../helpers/fix-cases';
import { lexBash, lexPowerShell, type Lexed } from '../helpers/script-lexers';

/**
 * Quoting is proven, not hoped: hostile values (quotes of every kind, $(), backticks, ;, &,
 * |, newlines, CR, %, {}, RTL and emoji) go into every generator through every free-text param
 * (certificate names, identities, paths, hosts) and the finding's own title, detail and evidence.
 * For each script and undo:
 *  - PowerShell: no expandable ("...") string at all, so no `$` can ever expand data; bash: the real
 *    runs in tests/integration/fixes-bash.test.ts back this up.
 *  - the skeleton (the script with every single-quoted literal replaced by a placeholder and comment
 *    lines collapsed) equals the skeleton made from a plain value: the data changed no token, so it
 *    stayed inside its literal and its comment lines, whatever it holds;
 *  - every value comes back exactly from one literal, written as quotePowerShell/quoteBash write it
 *    (single quotes, embedded quotes doubled / closed-escaped-reopened).
 * This is the fast check with the repo's own lexer; real PowerShell parses the same scripts and is the
 * oracle for the quoting in tests/integration/powershell-scripts.test.ts and powershell-quote.test.ts.
 */

const HOSTILE = [
  `'`, `"`, '\u2018', '\u2019', '\u201A', '\u201B', '\u201C', '\u201D', '\u201E',
  '$(touch PWNED)', '`touch PWNED`', '${env:PATH}', '$x', ';', '&', '&&', '|', '||',
  '\n', '\r', '\r\n', '\t', '%PATH%', '{}', '{', '}', '(', ')', '<#', '#>', '#', "@'", '@"',
  '\\', ':R', ',', '=', '+', '*', '?', '<', '>', '[a]', '~', '!', ' ', '-n', '--',
  '\u202E', '\u202C', '\u2066', '\u2028', '\u0085', 'é', '日本', 'العربية', '😀', '🔐', '\uFEFF',
  "'; Remove-Item C:\\ -Recurse; '", '"; rm -rf /; "', '/../', '/',
];
const hostile = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...HOSTILE) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) }), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))
  // Well-formed UTF-16 only: a lone surrogate cannot be written to a UTF-8 file as itself.
  .filter((s) => !s.includes('\0') && !/\p{Surrogate}/u.test(s));

const META = { now: new Date('2026-03-17T08:00:00Z'), version: '9.9.9' };
const lex = (shell: FixShell, text: string): Lexed => (shell === 'powershell' ? lexPowerShell(text) : lexBash(text));
const quote = (shell: FixShell, v: string) => (shell === 'powershell' ? quotePowerShell(v) : quoteBash(v));

function findingFor(c: FixCase, h: string, text = h): Finding {
  return finding(c.findingId, `title ${text}`, `detail ${text}`, [{ kind: `kind ${text}`, text: `evidence ${text}` }], { params: c.params(h) });
}

function fixOf(c: FixCase, f: Finding) {
  return fixesFor([f], [c.shell], META).fixes.find((x) => x.id === c.fixId);
}

function expectSameShape(shell: FixShell, script: string, benign: string, values: string[]) {
  const lexed = lex(shell, script);
  const plain = lex(shell, benign);
  if (shell === 'powershell') expect(lexed.expandable).toEqual([]);
  expect(lexed.skeleton).toBe(plain.skeleton);
  for (const v of values) {
    expect(lexed.literals).toContain(v);
    expect(script).toContain(quote(shell, v));
  }
}

const cases = fixCases();

describe('every generator keeps hostile values inside single-quoted literals and comments', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.fixId} (${c.shell})`, () => {
      const benign = fixOf(c, findingFor(c, 'benign'));
      expect(benign, 'a plain value must give a script').toBeDefined();
      fc.assert(
        fc.property(hostile, (h) => {
          const fix = fixOf(c, findingFor(c, h));
          if (!c.accepts(h)) {
            // The value can never be valid there (a " in an account name, a newline in a URL...): no script.
            expect(fix).toBeUndefined();
            return;
          }
          expect(fix).toBeDefined();
          expectSameShape(c.shell, fix!.script, benign!.script, c.literals(h));
          expectSameShape(c.shell, fix!.undo, benign!.undo, c.literals(h));
        }),
        { numRuns: 60 },
      );
    });
  }

  it("the finding's own text (title, detail, evidence) never leaves the header comments", () => {
    fc.assert(
      fc.property(hostile, fc.constantFrom(...cases), (h, c) => {
        const fix = fixOf(c, findingFor(c, 'benign', h));
        const benign = fixOf(c, findingFor(c, 'benign', 'plain'));
        expectSameShape(c.shell, fix!.script, benign!.script, []);
        // Nothing of it is code: it is not in any literal either (it would be data the script uses).
        if (h.length > 3) expect(lex(c.shell, fix!.script).literals.some((l) => l.includes(`title ${h}`))).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('combined scripts of all fixes of a shell, and their undo, keep the same shape for any value', () => {
    for (const shell of ['powershell', 'bash'] as const) {
      const mine = cases.filter((c) => c.shell === shell);
      // A different value per finding (h~0, h~1...), so no two changes share a target and get merged.
      const make = (h: string) => fixesFor(mine.map((c, i) => findingFor(c, `${h}~${i}`)), [shell], META).combined[0]!;
      const plain = make('benign');
      fc.assert(
        fc.property(hostile.filter((h) => mine.every((c, i) => c.accepts(`${h}~${i}`))), (h) => {
          const combined = make(h);
          expectSameShape(shell, combined.script, plain.script, mine.flatMap((c, i) => c.literals(`${h}~${i}`)));
          expectSameShape(shell, combined.undo, plain.undo, []);
        }),
        { numRuns: 25 },
      );
    }
  });

  it('PowerShell: the hand-picked breakouts stay literal (quotes doubled, typographic quotes too)', () => {
    const c = cases.find((x) => x.fixId === 'key.grant-read' && x.shell === 'powershell')!;
    const fix = fixOf(c, findingFor(c, "O'Brien\u2019s $(Remove-Item -Recurse \\Windows) `whoami` %TEMP% {0}"))!;
    expect(fix.script).toContain("$Identity = 'IIS AppPool\\xO''Brien\u2019\u2019s $(Remove-Item -Recurse \\Windows) `whoami` %TEMP% {0}x'");
    // icacls gets the principal and the right as ONE argument (reference section 3).
    expect(fix.script).toContain("Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/grant', ($Identity + ':R'))");
    expect(lexPowerShell(fix.script).expandable).toEqual([]);
  });

  it('a NUL in a value: bash gives no script (a bash word cannot hold one), PowerShell keeps it inside one literal; inside a certificate name it stays encoded', () => {
    for (const c of cases) {
      const params = c.params('a\0b');
      const carriesRaw = Object.entries(params).some(([k, v]) => k !== 'certificatePem' && v.includes('\0'));
      const fix = fixOf(c, findingFor(c, 'a\0b'));
      if (!carriesRaw) expect(`${fix?.script}${fix?.undo}`.includes('\0'), c.name).toBe(false);
      else if (c.shell === 'bash' || !c.accepts('a\0b')) expect(fix, c.name).toBeUndefined();
      else {
        expect(fix, c.name).toBeDefined();
        const literals = lexPowerShell(fix!.script).literals;
        for (const v of c.literals('a\0b')) expect(literals, c.name).toContain(v);
      }
    }
  });

  it('the lexers are not vacuous: a value pasted into code or a double-quoted string changes the shape', () => {
    const ps = "$A = 'x'\nWrite-Output ('a' + $A)\n";
    expect(lexPowerShell(ps.replace("'x'", "'x'; Remove-Item C:\\")).skeleton).not.toBe(lexPowerShell(ps).skeleton);
    expect(lexPowerShell('Write-Output "$A"').expandable).toEqual(['$A']);
    const sh = "a='x'\nprintf '%s' \"$a\"\n";
    expect(lexBash(sh.replace("'x'", "'x'$(touch PWNED)")).skeleton).not.toBe(lexBash(sh).skeleton);
    expect(lexBash(`# c\nb="${'$(id)'}"\n`).skeleton).not.toBe(lexBash('# c\nb="$(x)"\n').skeleton);
    expect(lexBash(`x=${quoteBash("it's")}`).literals).toEqual(["it's"]);
    expect(lexPowerShell(`$x = ${quotePowerShell('it\u2019s')}`).literals).toEqual(['it\u2019s']);
  });
});
