import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAclScript } from '../../electron/platform/windows/acl';
import { elevatedLauncherScript, grantScript, undoScript } from '../../electron/platform/windows/grant';
import { APP_POOLS_SCRIPT, resolveAccountScript } from '../../electron/platform/windows/identities';
import { ELEVATION_SCRIPT, jsonScript } from '../../electron/platform/windows/powershell';
import { BINDINGS_SCRIPT, EVENTS_SCRIPT, SCHANNEL_SCRIPT } from '../../electron/platform/windows/server-live';
import { storeEnumerationScript, WINDOWS_STORE_LOCATIONS, WINDOWS_STORE_NAMES } from '../../electron/platform/windows/stores';
import { sslStreamProbeScript } from '../../electron/services/probe/sslstream-script';
import { finding, type Finding } from '../../shared/findings/catalogue';
import { FIX_REGISTRY, fixesFor } from '../../shared/fixes';
import { STORE_EXPORT_COMMAND } from '../../shared/server/store-export';
import { commandLine } from '../../renderer/src/ui/keys/acl-words';
import { bigFileCommand } from '../../renderer/src/ui/server/server-words';
import { fixCases, type FixCase } from '../helpers/fix-cases';
import { requirePwsh } from '../helpers/pwsh';
import { checkScripts, describeProblems, writePwshReport, type ScriptReport } from '../helpers/pwsh-harness';
import { psHostile, PWSH_SEED, sample } from '../helpers/pwsh-hostile';

/**
 * Every PowerShell script Certbench writes or runs, parsed by real PowerShell: the fix
 * catalogue and each undo, the "Save all fixes" combined script and its undo, the key grant and its
 * undo with the UAC launcher, every collection script of the Windows adapter, and the commands the
 * app shows for a user to paste. Each is built from typical values and from fast-check hostile
 * values, and must have no parse error and nothing Windows PowerShell 5.1 lacks. The self-test at
 * the end proves the check finds each 7-only construct, so it cannot pass by finding nothing.
 */

const skip = requirePwsh();
const META = { now: new Date('2026-03-17T08:00:00Z'), version: 'test' };
const SEED = PWSH_SEED;
const HOSTILE_PER_CASE = 12;

type Item = { name: string; script: string; record?: boolean };

const findingFor = (c: FixCase, h: string): Finding => finding(c.findingId, `title ${h}`, `detail ${h}`, [{ kind: `kind ${h}`, text: `evidence ${h}` }], { params: c.params(h) });

const psCases = fixCases().filter((c) => c.shell === 'powershell');

/** A fix's script and undo for value `h`; a value the case says can never be valid there must give none. */
function fixItems(c: FixCase, h: string, label: string, problems: string[]): Item[] {
  const fix = fixesFor([findingFor(c, h)], ['powershell'], META).fixes.find((f) => f.id === c.fixId);
  if (!c.accepts(h)) {
    if (fix) problems.push(`${c.name}: a script for ${JSON.stringify(h)}, which can never be valid there`);
    return [];
  }
  if (!fix) {
    problems.push(`${c.name}: no script for ${JSON.stringify(h)}`);
    return [];
  }
  return [
    { name: `${c.name} [${label}] script`, script: fix.script },
    { name: `${c.name} [${label}] undo`, script: fix.undo },
  ];
}

/** Every group of scripts, built from typical and hostile values. */
function collect(problems: string[]): Record<string, Item[]> {
  const groups: Record<string, Item[]> = {};

  const hostileFix = sample(psHostile, HOSTILE_PER_CASE, SEED);
  groups.fixes = psCases.flatMap((c) => [...fixItems(c, 'Shop', 'typical', problems), ...hostileFix.flatMap((h, i) => fixItems(c, h, `hostile ${i} ${JSON.stringify(h)}`, problems))]);

  groups.combined = [];
  for (const [label, h] of [['typical', 'Shop'], ...sample(psHostile, 4, SEED + 1).map((v, i) => [`hostile ${i}`, v] as const)] as const) {
    // A different value per finding, so no two changes share a target and get merged.
    const findings = psCases.filter((c, i) => c.accepts(`${h}~${i}`)).map((c, i) => findingFor(c, `${h}~${i}`));
    const combined = fixesFor(findings, ['powershell', 'bash'], META).combined.find((x) => x.shell === 'powershell');
    if (!combined || combined.fileName !== 'certbench-fixes.ps1') {
      problems.push(`combined [${label}]: no certbench-fixes.ps1`);
      continue;
    }
    groups.combined.push({ name: `combined [${label}] script`, script: combined.script }, { name: `combined [${label}] undo`, script: combined.undo });
  }

  groups.grant = [];
  const typical = { keyPath: 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\6d8f_1a2b', identity: 'IIS APPPOOL\\Shop', backupFile: 'C:\\Users\\a\\AppData\\Local\\Certbench\\acl-backups\\x.icacls' };
  const grantValues = [typical, ...sample(psHostile, 12, SEED + 2).map((h) => ({ keyPath: `C:\\keys\\${h}`, identity: `IIS APPPOOL\\${h}`, backupFile: `C:\\b\\${h}.icacls` }))];
  grantValues.forEach((v, i) => {
    for (const resultFile of [null, `C:\\r\\${i}.json`]) {
      groups.grant!.push({ name: `grant ${i} ${JSON.stringify(v.identity)} result ${resultFile}`, script: grantScript({ ...v, resultFile }) });
      groups.grant!.push({ name: `grant (no change) ${i}`, script: grantScript({ ...v, resultFile, grant: false }) });
      groups.grant!.push({ name: `undo ${i}`, script: undoScript({ keyPath: v.keyPath, backupFile: v.backupFile, resultFile }) });
    }
    groups.grant!.push({ name: `launcher ${i}`, script: elevatedLauncherScript(`${v.backupFile}.ps1`, `${v.backupFile}.result.json`) });
  });

  const hostile = sample(psHostile, 20, SEED + 3);
  groups.collection = [
    { name: 'elevation check', script: ELEVATION_SCRIPT },
    { name: 'store enumeration (all stores; key folders)', script: storeEnumerationScript() },
    ...WINDOWS_STORE_LOCATIONS.flatMap((l) => WINDOWS_STORE_NAMES.map((n) => ({ name: `store enumeration ${l}\\${n}`, script: storeEnumerationScript([n], [l]) }))),
    { name: 'app pools', script: APP_POOLS_SCRIPT },
    { name: 'HTTP.SYS bindings', script: BINDINGS_SCRIPT },
    { name: 'Schannel settings', script: SCHANNEL_SCRIPT },
    { name: 'Schannel events', script: EVENTS_SCRIPT },
    { name: 'Get-Acl typical', script: getAclScript('C:\\ProgramData\\Microsoft\\Crypto\\Keys\\abc_123') },
    { name: 'resolve account typical', script: resolveAccountScript('CONTOSO\\svc-web') },
    { name: 'jsonScript of a multi-line value', script: jsonScript("$v = 'a\nb'\n[pscustomobject]@{ v = $v }") },
    ...hostile.flatMap((h, i) => [
      { name: `Get-Acl hostile ${i} ${JSON.stringify(h)}`, script: getAclScript(`C:\\keys\\${h}`) },
      { name: `resolve account hostile ${i} ${JSON.stringify(h)}`, script: resolveAccountScript(h) },
    ]),
  ];

  // The Windows TLS client (probe --via powershell): typical targets, then hostile names and requests
  // (a value its builder refuses gives no script, which is its own business).
  const probeBase = { host: 'iis.contoso.test', port: 443, servername: 'iis.contoso.test', request: 'GET /secure/ HTTP/1.1\r\nHost: iis.contoso.test\r\n\r\n', thumbprint: 'A01A49EEC088CCC9E1A149529F694A0AFBC48F73', tls: 'default' as const, timeoutMs: 15_000, maxResponseBytes: 65_536, maxCandidates: 50 };
  groups.probe = [];
  const probeInputs = [
    probeBase,
    { ...probeBase, tls: '1.2' as const, thumbprint: null },
    { ...probeBase, tls: '1.3' as const, host: '10.1.2.3', servername: 'iis.contoso.test' },
    ...sample(psHostile, 12, SEED + 5).map((h) => ({ ...probeBase, servername: `x${h}x`, request: `GET /${h} HTTP/1.1\r\nHost: ${h}\r\n\r\n` })),
  ];
  probeInputs.forEach((input, i) => {
    try {
      groups.probe!.push({ name: `SslStream probe ${i} ${JSON.stringify(input.servername)}`, script: sslStreamProbeScript(input) });
    } catch {
      // refused by the builder
    }
  });

  const pasted = sample(psHostile, 20, SEED + 4);
  groups.pasted = [
    { name: 'server store export', script: STORE_EXPORT_COMMAND },
    ...['u_ex261117.log', ...pasted].map((h, i) => ({ name: `big log command ${i} ${JSON.stringify(h)}`, script: bigFileCommand(h) })),
    ...['IIS APPPOOL\\Shop', ...pasted].map((h, i) => ({
      name: `grant plan command ${i} ${JSON.stringify(h)}`,
      script: commandLine({ file: 'icacls.exe', args: [`C:\\keys\\${h}`, '/grant', `${h}:R`] }, 'powershell'),
    })),
  ];
  return groups;
}

const problems: string[] = [];
let groups: Record<string, Item[]> = {};
const reports = new Map<string, ScriptReport[]>();

beforeAll(() => {
  if (skip) return;
  groups = collect(problems);
  // One pwsh run for every script of this file.
  const all = Object.entries(groups).flatMap(([g, items]) => items.map((it) => ({ ...it, group: g })));
  const checked = checkScripts(all);
  all.forEach((it, i) => reports.set(it.group, [...(reports.get(it.group) ?? []), checked[i]!]));
}, 300_000);

afterAll(() => {
  if (!skip) writePwshReport('scripts');
});

function expectGroupClean(group: string, min: number) {
  const r = reports.get(group) ?? [];
  expect(r.length, `${group}: scripts checked`).toBeGreaterThanOrEqual(min);
  expect(describeProblems(r), `seed ${SEED} (CERTBENCH_PWSH_SEED replays it)`).toBe('');
}

describe.skipIf(skip !== null)('every PowerShell script Certbench generates parses in real PowerShell and is Windows PowerShell 5.1', () => {
  it('the fix catalogue covers every PowerShell generator of the registry', () => {
    const generators = new Set(Object.values(FIX_REGISTRY).flatMap((gens) => (gens ?? []).filter((g) => g.shell === 'powershell').map((g) => g.fixId)));
    expect([...generators].sort()).toEqual([...new Set(psCases.map((c) => c.fixId))].sort());
    expect(problems, `seed ${SEED}`).toEqual([]);
  });

  it('each fix and its undo, from typical and hostile values', () => expectGroupClean('fixes', psCases.length * 2));
  it('"Save all fixes": the combined PowerShell script and its undo, typical and hostile', () => expectGroupClean('combined', 10));
  it('the key grant, the grant without a change, the undo and the UAC launcher', () => expectGroupClean('grant', 13 * 7));
  it('every collection script of the Windows adapter (stores, ACLs, identities, key paths, server side, elevation)', () => expectGroupClean('collection', 30));
  it('the commands the app shows for a user to paste into PowerShell', () => expectGroupClean('pasted', 40));
  it('the Windows TLS client script (SslStream probe), typical and hostile', () => expectGroupClean('probe', 3));
});

describe.skipIf(skip !== null)('the check itself finds what Windows PowerShell 5.1 lacks (it cannot pass by finding nothing)', () => {
  const SEVEN_ONLY: Array<[string, string]> = [
    ['ternary', '$a = $true ? 1 : 2'],
    ['null-coalescing', '$a = $null ?? 3'],
    ['null-coalescing-assignment', '$a ??= 3'],
    ['null-conditional-member', '$a = ${b}?.Name'],
    ['null-conditional-member', '$a = ${b}?.GetType()'],
    ['null-conditional-index', '$a = ${b}?[0]'],
    ['pipeline-chain', 'Get-Item x && Write-Output y'],
    ['pipeline-chain', 'Get-Item x || Write-Output y'],
    ['background', 'Get-Process &'],
    ['clean-block', 'function f { process { } clean { } }'],
    ['unicode-escape', 'Write-Output "a`u{2713}"'],
    ['unicode-escape', 'Write-Output a`u{2713}'],
    ['parameter-missing-in-5.1', '1..3 | ForEach-Object -Parallel { $_ }'],
    ['parameter-missing-in-5.1', '1..3 | % -Parallel { $_ } -ThrottleLimit 2'],
    ['parameter-missing-in-5.1', "$h = '{}' | ConvertFrom-Json -AsHashtable"],
    ['parameter-missing-in-5.1', "$h = '{}' | ConvertFrom-Json -AsHash"],
    ['parameter-missing-in-5.1', "$h = '{}' | ConvertFrom-Json -Depth 3"],
    ['parameter-missing-in-5.1', 'Get-Content x -AsByteStream'],
    ['parameter-missing-in-5.1', 'Invoke-WebRequest https://x -SkipCertificateCheck'],
    ['parameter-missing-in-5.1', 'Invoke-RestMethod https://x -SkipCertificateCheck'],
    ['parameter-missing-in-5.1', 'ConvertTo-Json 1 -EscapeHandling EscapeHtml'],
    ['parameter-missing-in-5.1', 'Join-Path a b c'],
    ['command-missing-in-5.1', "1, 2 | Join-String -Separator ','"],
    ['command-missing-in-5.1', "Test-Json '{}'"],
    ['command-missing-in-5.1', 'Get-Error'],
    ['encoding-missing-in-5.1', 'Set-Content x -Value 1 -Encoding utf8NoBOM'],
    ['encoding-missing-in-5.1', 'Out-File x -Encoding 1252'],
    ['dotnet-missing-in-5.1', '[Convert]::ToHexString([byte[]](1, 2))'],
    ['dotnet-missing-in-5.1', "'a, b'.Split(', ')"],
    ['variable-missing-in-5.1', 'if ($IsWindows) { 1 }'],
    ['replace-scriptblock', "'a' -replace 'a', { 'b' }"],
    ['requires-newer', '#requires -Version 7.0\n1'],
  ];

  const FIVE_ONE = [
    "$a = if ($true) { 1 } else { 2 }; $b = $null; if ($null -eq $b) { $b = 3 }",
    "Get-Item x; if ($?) { Write-Output y }; $j = Start-Job { 1 }",
    "1..3 | ForEach-Object -Process { $_ }; $h = '{}' | ConvertFrom-Json",
    "Get-Content x -Encoding Byte -Raw; Set-Content x -Value 1 -Encoding UTF8; Join-Path (Join-Path a b) c; Split-Path -Leaf x",
    "Write-Output \"``u{41} $([char]0x2713)\"; 'a,b'.Split(','); 'a' -replace 'a', 'b'",
    "$IsWin = $true; Write-Output $IsWin",
  ];
  let self: ScriptReport[] = [];
  beforeAll(() => {
    const checker = fs.readFileSync(path.join(__dirname, '../helpers/pwsh-check.ps1'), 'utf8');
    self = checkScripts(
      [
        ...SEVEN_ONLY.map(([kind, script], i) => ({ name: `${i} ${kind}`, script })),
        { name: 'broken', script: "if ($a) { Write-Output 'x'" },
        ...FIVE_ONE.map((script, i) => ({ name: `5.1 form ${i}`, script })),
        { name: 'pwsh-check.ps1', script: checker },
      ],
      { record: false },
    );
  }, 120_000);

  it('each 7-only construct is reported with its kind, and the parse error of broken text is reported', () => {
    SEVEN_ONLY.forEach(([kind, script], i) => {
      expect(self[i]!.parseErrors, script).toEqual([]);
      expect(self[i]!.notIn51.map((f) => f.kind), script).toContain(kind);
    });
    expect(self[SEVEN_ONLY.length]!.parseErrors.map((e) => e.id)).toContain('MissingEndCurlyBrace');
  });

  it('5.1 forms of the same things are not reported', () => {
    expect(describeProblems(self.slice(SEVEN_ONLY.length + 1, SEVEN_ONLY.length + 1 + FIVE_ONE.length))).toBe('');
  });

  it('the checker script itself is Windows PowerShell 5.1', () => {
    expect(self.at(-1)!.name).toBe('pwsh-check.ps1');
    expect(describeProblems([self.at(-1)!])).toBe('');
  });
});
