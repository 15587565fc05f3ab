import { describe, expect, it } from 'vitest';
import { dewrap, promptOf, stripPasteNoise } from '../../shared/server/paste-noise';
import { parseSchannelEvents } from '../../shared/server/schannel-events';
import { aclFromText, MAX_ACL_TEXT } from '../../shared/acl/ntfs';

/** The one paste stage every Windows text parser runs first. */

describe('prompts people paste', () => {
  it.each([
    ['C:\\>netsh http show sslcert', 'C:\\>'],
    ['C:\\Windows\\system32>netsh http show sslcert', 'C:\\Windows\\system32>'],
    ['PS C:\\> netsh http show sslcert', 'PS C:\\>'],
    ['PS C:\\Users\\x> netsh http show sslcert', 'PS C:\\Users\\x>'],
    ['[web01]: PS C:\\> netsh http show sslcert', '[web01]: PS C:\\>'],
    ['[10.0.0.5]: PS C:\\Users\\admin\\Documents> netsh http show sslcert', '[10.0.0.5]: PS C:\\Users\\admin\\Documents>'],
    ['*Evil-WinRM* PS C:\\Users\\svc\\Documents> netsh http show sslcert', '*Evil-WinRM* PS C:\\Users\\svc\\Documents>'],
    ['admin@WEB01 C:\\Users\\admin>netsh http show sslcert', 'admin@WEB01 C:\\Users\\admin>'],
    ['PS Cert:\\LocalMachine\\My> netsh http show sslcert', 'PS Cert:\\LocalMachine\\My>'],
  ])('%s', (row, prompt) => {
    expect(promptOf(row)).toEqual({ prompt, command: 'netsh http show sslcert' });
  });

  it('data rows are not prompts', () => {
    for (const row of ['    IP:port                      : 0.0.0.0:443', 'C:\\ProgramData\\x.key NT AUTHORITY\\SYSTEM:(F)', '<configuration>', '2026-03-17 08:01:15 10.0.2.10 GET /secure/ - 443']) expect(promptOf(row)).toBeNull();
  });
});

describe('stripPasteNoise', () => {
  it('keeps the wanted command output, drops whoami before and the prompt after, and says so', () => {
    const clean = stripPasteNoise('C:\\>whoami\r\ncontoso\\h1\r\nC:\\>netsh http show sslcert\r\n\r\nSSL Certificate bindings:\r\nC:\\>', { command: /netsh/ });
    expect(clean.lines).toEqual(['', 'SSL Certificate bindings:']);
    expect(clean.command).toBe('netsh http show sslcert');
    expect(clean.commands).toEqual(['whoami', 'netsh http show sslcert']);
    expect(clean.summary).toBe('the output of "netsh http show sslcert"; 4 row(s) of prompts or other commands\' output left out');
  });

  it('removes NULs of a UTF-16 stretch appended to a UTF-8 file, and a second byte-order mark', () => {
    expect(stripPasteNoise('a\n\uFFFD\uFFFDS\u0000S\u0000L\u0000\n').lines).toEqual(['a', 'SSL']);
  });

  it('joins console-wrapped rows only where the format says the next row cannot start a line', () => {
    const row = 'x'.repeat(80);
    expect(dewrap([row, 'tail', '    next'], (_r, n) => !/^\s/.test(n))).toEqual({ lines: [`${row}tail`, '    next'], joined: 1 });
    expect(dewrap([row.slice(1), 'tail'], () => true).lines).toEqual([row.slice(1), 'tail']);
  });
});

describe('size bounds and one-line refusals of the pasted forms', () => {
  it('events pasted under their Get-WinEvent prompt are read; an ACL paste past its bound is refused in one line', () => {
    const events = parseSchannelEvents('PS C:\\> Get-WinEvent -FilterHashtable @{LogName=\'System\'; ProviderName=\'Schannel\'} | ConvertTo-Json\r\n{"Id":36887,"TimeCreated":"/Date(1700000000000)/","LevelDisplayName":"Error","Message":"A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is 46."}\r\nPS C:\\>', 'ev.txt');
    expect(events.map((e) => [e.id, e.alert?.description])).toEqual([[36887, 'certificate_unknown']]);
    expect(() => aclFromText('x'.repeat(MAX_ACL_TEXT + 1), 'big.txt')).toThrow(/^big\.txt: \d+ characters is more than the 1048576 an ACL listing of one file can be$/);
  });
});
