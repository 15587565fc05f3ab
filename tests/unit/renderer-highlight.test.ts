import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { highlight, tokenize, type Token, type TokenKind } from '../../renderer/src/ui/diagnose/highlight';
import { quoteBash, quotePowerShell } from '../../shared/scripts/quote';

/**
 * The fix viewer's highlighting: what a reviewer must tell apart in a fix script is data
 * (quoted values), variables that expand, commands, and comments. Scripts below are shaped like
 * the fix generators' output (header comment, backup, change, verification).
 */

/** The tokens of one kind, by text. */
const of = (tokens: Token[], kind: TokenKind) => tokens.filter((t) => t.kind === kind).map((t) => t.text);
const joined = (tokens: Token[]) => tokens.map((t) => t.text).join('');

const POWERSHELL = [
  '# Certbench fix: negotiate the client certificate in the first handshake on 0.0.0.0:443',
  '<# Why: the server asks only by renegotiation,',
  '   which TLS 1.3 does not have. #>',
  "$binding = '0.0.0.0:443'",
  '$backup = Join-Path $env:ProgramData "Certbench\\backup-$binding.txt"',
  'netsh http show sslcert ipport=$binding | Out-File -FilePath $backup -Encoding utf8',
  "if ($LASTEXITCODE -ne 0) { throw 'netsh failed' }",
  "netsh http update sslcert ipport=$binding certhash='61d34f532da121bbab64723c4871e72c92f03735' appid='{4dc3e181-e14b-4a21-b022-59fc669b0914}' clientcertnegotiation=enable",
  'Set-ItemProperty -Path $key -Name DefaultFlags -Value 0x40 -Type DWord',
  '$pem = @\'',
  '-----BEGIN CERTIFICATE-----',
  "MIIB$notAVariable'",
  "'@",
  'Write-Host "Done: $($binding) at 443"',
].join('\n');

const BASH = [
  '#!/bin/bash',
  '# Certbench fix: let www-data read the key',
  'set -euo pipefail',
  "key='/etc/ssl/private/site.key'",
  'backup="$HOME/certbench-acl-$(date +%s).txt"',
  'getfacl --absolute-names "$key" > "$backup"',
  'if ! getfacl -p "$key" | grep -q "^user:www-data:r"; then',
  "  setfacl -m 'u:www-data:r' \"$key\"",
  'fi',
  'for f in "$@"; do echo "$f" # each file',
  'done',
  "cat > /usr/local/share/ca-certificates/lab.crt <<'EOF'",
  '-----BEGIN CERTIFICATE-----',
  'MIIB$notAVariable',
  'EOF',
  'update-ca-certificates',
  'exit 0',
].join('\n');

describe('tokenize: PowerShell', () => {
  const tokens = tokenize(POWERSHELL, 'powershell');

  it('gives back the script exactly', () => {
    expect(joined(tokens)).toBe(POWERSHELL);
  });

  it('colours line and block comments as comments, whole', () => {
    const comments = of(tokens, 'comment');
    expect(comments[0]).toBe('# Certbench fix: negotiate the client certificate in the first handshake on 0.0.0.0:443');
    expect(comments[1]).toBe('<# Why: the server asks only by renegotiation,\n   which TLS 1.3 does not have. #>');
  });

  it('shows quoted data as strings, and a here-string as one string in which nothing expands', () => {
    const strings = of(tokens, 'string');
    expect(strings).toContain("'0.0.0.0:443'");
    expect(strings).toContain("'61d34f532da121bbab64723c4871e72c92f03735'");
    expect(strings).toContain("'{4dc3e181-e14b-4a21-b022-59fc669b0914}'");
    expect(strings).toContain("@'\n-----BEGIN CERTIFICATE-----\nMIIB$notAVariable'\n'@");
    expect(of(tokens, 'variable')).not.toContain('$notAVariable');
  });

  it('shows variables, including those that expand inside double quotes', () => {
    const vars = of(tokens, 'variable');
    expect(vars).toEqual(expect.arrayContaining(['$binding', '$backup', '$env:ProgramData', '$LASTEXITCODE', '$key', '$pem']));
    // "Certbench\backup-$binding.txt": the variable is cut out of the string, the rest stays string.
    expect(tokens.some((t) => t.kind === 'string' && t.text === '"Certbench\\backup-')).toBe(true);
  });

  it('shows cmdlets, native tools and keywords, and -Parameters', () => {
    expect(of(tokens, 'command')).toEqual(['Join-Path', 'netsh', 'Out-File', 'netsh', 'Set-ItemProperty', 'Write-Host']);
    expect(of(tokens, 'keyword')).toEqual(['if', 'throw']);
    expect(of(tokens, 'parameter')).toEqual(['-FilePath', '-Encoding', '-ne', '-Path', '-Name', '-Value', '-Type']);
  });

  it('shows numbers, but not digits inside words and addresses', () => {
    // 443 in "... at 443" is part of a string; 0.0.0.0:443 is inside one too.
    expect(of(tokens, 'number')).toEqual(['0', '0x40']);
    expect(of(tokenize('$Tls13 = 1; Get-FileHash -Algorithm sha256 443abc 2', 'powershell'), 'number')).toEqual(['1', '2']);
  });

  it('ends an unterminated string at the end of the script rather than failing', () => {
    const t = tokenize("Write-Host 'no end\n$x", 'powershell');
    expect(t.at(-1)).toEqual({ kind: 'string', text: "'no end\n$x" });
  });
});

describe('tokenize: bash', () => {
  const tokens = tokenize(BASH, 'bash');

  it('gives back the script exactly', () => {
    expect(joined(tokens)).toBe(BASH);
  });

  it('colours comments, but not # inside words or $#', () => {
    expect(of(tokens, 'comment')).toEqual(['#!/bin/bash', '# Certbench fix: let www-data read the key', '# each file']);
    expect(of(tokenize('echo a#b $#', 'bash'), 'comment')).toEqual([]);
  });

  it('shows commands where a command starts, keywords, and options', () => {
    // `date` inside "$(...)" is part of the double-quoted string.
    expect(of(tokens, 'command')).toEqual(['getfacl', 'getfacl', 'grep', 'setfacl', 'echo', 'cat', 'update-ca-certificates']);
    expect(of(tokens, 'keyword')).toEqual(['set', 'if', 'then', 'fi', 'for', 'in', 'do', 'done', 'EOF', 'exit']);
    expect(of(tokens, 'parameter')).toEqual(['-euo', '--absolute-names', '-p', '-q', '-m']);
  });

  it('shows variables and $( inside double quotes, and a quoted heredoc as literal text', () => {
    expect(of(tokens, 'variable')).toEqual(['$HOME', '$(', '$key', '$backup', '$key', '$key', '$@', '$f']);
    expect(of(tokens, 'string')).toContain('-----BEGIN CERTIFICATE-----\nMIIB$notAVariable\n');
    expect(of(tokens, 'string')).toContain("'u:www-data:r'");
  });

  it('expands variables in an unquoted heredoc', () => {
    const t = tokenize('cat <<EOF\nhome is $HOME\nEOF\n', 'bash');
    expect(of(t, 'variable')).toEqual(['$HOME']);
    expect(of(t, 'keyword')).toEqual(['EOF']);
  });
});

describe('quoted values stay data', () => {
  // Hostile values from certificate names, identities and paths: quoting is proven, not hoped.
  const hostile = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom("O'Brien", '$(rm -rf /)', '`whoami`', 'a;b&c|d', 'line1\nline2', '‘typographic’ $x', '${HOME}', '#not a comment', '"quoted"'),
  ).filter((s) => !s.includes('\0'));

  it('a PowerShell value quoted by quotePowerShell is one string token', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const quoted = quotePowerShell(value);
        const t = tokenize(`Write-Output ${quoted}`, 'powershell');
        expect(t).toEqual([
          { kind: 'command', text: 'Write-Output' },
          { kind: 'text', text: ' ' },
          { kind: 'string', text: quoted },
        ]);
      }),
    );
  });

  it('a bash value quoted by quoteBash shows nothing that would run or expand', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const t = tokenize(`echo ${quoteBash(value)}`, 'bash');
        expect(joined(t)).toBe(`echo ${quoteBash(value)}`);
        // Only strings and the \' between them: no variable, command, keyword or comment.
        expect(t.slice(2).every((k) => k.kind === 'string' || (k.kind === 'text' && k.text === "\\'"))).toBe(true);
      }),
    );
  });
});

describe('tokenize on any text', () => {
  it('never throws and always gives the text back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('powershell' as const, 'bash' as const), (text, shell) => {
        expect(joined(tokenize(text, shell))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on text made of the characters the scanners treat specially', () => {
    const special = fc.string({ unit: fc.constantFrom(...'$#\'"`\\<>@{}()-;|&\n 0x9aZ\u2018\u201C'.split('')), maxLength: 60 });
    fc.assert(
      fc.property(special, fc.constantFrom('powershell' as const, 'bash' as const), (text, shell) => {
        expect(joined(tokenize(text, shell))).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('highlight', () => {
  it('renders spans with a class per kind, and markup in a script stays text', () => {
    const html = renderToStaticMarkup(createElement('pre', null, highlight("# <b>x</b>\nWrite-Host '<script>alert(1)</script>'", 'powershell')));
    expect(html).toBe(
      '<pre><span class="hl-comment"># &lt;b&gt;x&lt;/b&gt;</span>\n<span class="hl-command">Write-Host</span> <span class="hl-string">&#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27;</span></pre>',
    );
  });
});
