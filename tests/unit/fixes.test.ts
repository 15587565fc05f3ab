import { describe, expect, it } from 'vitest';
import { FINDING_IDS, finding, type Finding, type FindingId } from '../../shared/findings/catalogue';
import { FIX_REGISTRY, fixIdList, fixIdsFor, fixesFor } from '../../shared/fixes';
import { FixScriptSchema, type FixShell } from '../../shared/model/fix';
import { caPem, fixCases, type FixCase } from '../helpers/fix-cases';

/**
 * The fix generators: for every generator, the script reads as a reviewed
 * change (header with what, why, the finding and its evidence; elevation check; a check that skips
 * when the change is in place; backup; change; verification; the matching undo), with the commands
 * the reference prescribes; a finding without the params a generator needs gets no script;
 * fixIdsFor lists exactly what fixesFor writes; the combined script keeps order, merges duplicates,
 * leaves alternatives out and undoes in reverse.
 */

const META = { now: new Date('2026-03-17T08:00:00Z'), version: '1.2.3' };
const EVIDENCE = [{ kind: 'netsh', text: 'Negotiate Client Certificate : Disabled' }];

function findingFor(c: FixCase, h = 'shop', extra: Record<string, string> = {}): Finding {
  return finding(c.findingId, 'The title of the finding', 'Why it matters, in words a helpdesk user follows.', EVIDENCE, { params: { ...c.params(h), ...extra } });
}

const fixOf = (c: FixCase, f: Finding = findingFor(c)) => fixesFor([f], [c.shell], META).fixes.find((x) => x.id === c.fixId);

/** The parts of a one-fix script between the frame's step markers. */
function parts(script: string, shell: FixShell) {
  const at = (marker: string) => {
    const i = script.indexOf(marker);
    expect(i, `marker ${marker}`).toBeGreaterThan(0);
    return i;
  };
  const check = at('# Check: is the change already in place?');
  const backupDir = at(shell === 'powershell' ? '$Backup = New-CertbenchBackup $FixId $Target' : 'backup=$(new_backup "$fix_id" "$target")');
  const backup = at('# 1. Backup');
  const change = at('# 2. Change');
  const verify = at('# 3. Verify (stops with an error when the change did not take)');
  expect(check < backupDir && backupDir < backup && backup < change && change < verify).toBe(true);
  return { check: script.slice(check, backupDir), backup: script.slice(backup, change), change: script.slice(change, verify), verify: script.slice(verify) };
}

/** What each fix must do in each step (reference sections 3-8 and the brief's commands). */
const EXPECT: Record<string, Partial<Record<FixShell, { check?: string[]; backup: string[]; change: string[]; verify: string[]; undo: string[] }>>> = {
  'netsh.clientcertnegotiation': {
    powershell: {
      check: ['$Before = Read-CertbenchBinding $RegKey $Binding', 'if ($Before.Flags -band 0x2) { $Done = $true }'],
      backup: ["Invoke-CertbenchNative 'reg.exe' @('export', $RegKeyNative, (Join-Path $Backup 'binding.reg'), '/y')", "(Join-Path $Backup 'binding.json')"],
      change: ['$netshArgs = Get-CertbenchNetshArgs $BindingKind $Binding $Before ($Before.Flags -bor 0x2)', "Invoke-CertbenchNative 'netsh.exe' $netshArgs"],
      verify: ['$Want = $Before.Flags -bor 0x2', 'if ($After.Flags -ne $Want) { throw (\'VERIFY FAILED', "@('http', 'show', 'sslcert', ($BindingKind + '=' + $Binding))"],
      undo: ['$netshArgs = Get-CertbenchNetshArgs $BindingKind $Binding $Current ([int64]$Saved.Flags)', "'binding.reg'"],
    },
  },
  'netsh.disabletls13': {
    powershell: {
      check: ['if ($Before.Flags -band 0x40) { $Done = $true }'],
      backup: ["'reg.exe' @('export'"],
      change: ['($Before.Flags -bor 0x40)'],
      verify: ['$Want = $Before.Flags -bor 0x40'],
      undo: ['([int64]$Saved.Flags)'],
    },
  },
  'netsh.revocation-online': {
    powershell: {
      check: ['if (($Before.CheckMode -band 0x2) -eq 0) { $Done = $true }'],
      backup: ["'reg.exe' @('export'", "(Join-Path $Backup 'binding.json')"],
      change: ['$NewState = $Before.PSObject.Copy()', '$NewState.CheckMode = ($Before.CheckMode -band (-bnot [int64]0x2))', '$netshArgs = Get-CertbenchNetshArgs $BindingKind $Binding $NewState $Before.Flags'],
      verify: ['$Want = $Before.CheckMode -band (-bnot [int64]0x2)', "if ($After.CheckMode -ne $Want) { throw ('VERIFY FAILED: DefaultSslCertCheckMode", 'if ($After.Flags -ne $Before.Flags)'],
      undo: ['$NewState.CheckMode = [int64]$Saved.CheckMode', '$netshArgs = Get-CertbenchNetshArgs $BindingKind $Binding $NewState $Current.Flags'],
    },
  },
  'netsh.revocation-check-off': {
    powershell: {
      check: ['if ($Before.CheckMode -band 0x1) { $Done = $true }'],
      backup: ["'reg.exe' @('export'"],
      change: ['$NewState.CheckMode = ($Before.CheckMode -bor 0x1)'],
      verify: ['$Want = $Before.CheckMode -bor 0x1'],
      undo: ['$NewState.CheckMode = [int64]$Saved.CheckMode'],
    },
  },
  'windows.revocation-cache-refresh': {
    powershell: {
      check: ["$OldResync = Get-CertbenchRegValue $ConfigKey 'ChainCacheResyncFiletime'"],
      backup: ["Invoke-CertbenchNative 'certutil.exe' @('-urlcache', '*') | Set-Content -LiteralPath (Join-Path $Backup 'urlcache-before.txt')", "@('export', $ConfigKeyNative"],
      change: ["Invoke-CertbenchNative 'certutil.exe' @('-urlcache', '*', 'delete')", "Invoke-CertbenchNative 'certutil.exe' @('-setreg', 'chain\\ChainCacheResyncFiletime', '@now')"],
      verify: ["$NewResync = Get-CertbenchRegValue $ConfigKey 'ChainCacheResyncFiletime'", "throw 'VERIFY FAILED: ChainCacheResyncFiletime was not written"],
      undo: ["if ($OldText -eq 'absent') {", "Invoke-CertbenchNative 'reg.exe' @('import', (Join-Path $Backup 'chain-config.reg'))"],
    },
  },
  'schannel.send-trusted-issuer-list': {
    powershell: {
      check: ["$Old = Get-CertbenchRegValue $Key 'SendTrustedIssuerList'", 'if ($null -ne $Old -and [int64]$Old -eq 1) { $Done = $true }'],
      backup: ["@('export', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL'", "if ($null -eq $Old) { $OldText = 'absent' }"],
      change: ["New-ItemProperty -Path $Key -Name 'SendTrustedIssuerList' -PropertyType DWord -Value 1 -Force"],
      verify: ["throw 'VERIFY FAILED: SendTrustedIssuerList is not 1"],
      undo: ["if ($OldText -eq 'absent') {", "Remove-ItemProperty -Path $Key -Name 'SendTrustedIssuerList'"],
    },
  },
  'store.move-non-self-signed': {
    powershell: {
      check: ["if ($c.Subject -eq $c.Issuer) { throw"],
      backup: ["Export-CertbenchCert 'Root' $t (Join-Path $Backup ($t + '.cer'))"],
      change: ["Import-CertbenchCert 'CA' (Join-Path $Backup ($t + '.cer'))", "Remove-Item -LiteralPath (Get-CertbenchCertPath 'Root' $t)"],
      verify: ["if (Test-CertbenchCert 'Root' $t) { throw ('VERIFY FAILED", "if (-not (Test-CertbenchCert 'CA' $t))"],
      undo: ["Import-CertbenchCert 'Root' (Join-Path $Backup ($t + '.cer'))", "($InCaBefore -notcontains $t)"],
    },
    bash: {
      check: ['fail "$file is self-signed, a real root: not moving it; nothing was changed"'],
      backup: ['cp -p -- "$file" "$backup/certificate"'],
      change: ['rm -f -- "$file"', '"${anchor_refresh[@]}"'],
      verify: ['[ ! -e "$file" ] || fail "VERIFY FAILED'],
      undo: ['cp -p -- "$backup/certificate" "$file"', 'cmp -s -- "$file" "$backup/certificate" || fail "VERIFY FAILED'],
    },
  },
  'store.remove-expired-roots': {
    powershell: {
      check: ['if ($c.NotAfter -lt (Get-Date)) { $ToRemove += $t }'],
      backup: ["Export-CertbenchCert 'Root' $t"],
      change: ["Remove-Item -LiteralPath (Get-CertbenchCertPath 'Root' $t)"],
      verify: ["throw ('VERIFY FAILED: ' + $t + ' is still in LocalMachine\\Root')"],
      undo: ["Import-CertbenchCert 'Root' (Join-Path $Backup ($t + '.cer'))"],
    },
    bash: {
      check: ['if openssl x509 -in "$file" -noout -checkend 0 >/dev/null; then fail'],
      backup: ['cp -p -- "$file" "$backup/certificate"'],
      change: ['rm -f -- "$file"'],
      verify: ['[ ! -e "$file" ]'],
      undo: ['cp -p -- "$backup/certificate" "$file"'],
    },
  },
  'store.import-intermediate': {
    powershell: {
      backup: ["if ((ConvertTo-CertbenchDn $Cert.Subject) -ne (ConvertTo-CertbenchDn $Issuer)) { throw", "if (-not (Test-CertbenchIsCa $Cert))", "Set-Content -LiteralPath (Join-Path $Backup 'added.txt') -Value $Cert.Thumbprint"],
      change: ["Import-CertbenchCert 'CA' (Join-Path $Backup 'added.cer')"],
      verify: ["if (-not (Test-CertbenchCert 'CA' $Cert.Thumbprint)) { throw ('VERIFY FAILED"],
      undo: ["Remove-Item -LiteralPath (Get-CertbenchCertPath 'CA' $Added)"],
    },
    bash: {
      backup: ['if [ "$(norm_dn "$subject")" != "$(norm_dn "$issuer")" ]; then fail', 'cert_is_ca "$backup/certificate.pem" || fail'],
      change: ['cp -- "$backup/certificate.pem" "$dest"', '"${anchor_refresh[@]}"'],
      verify: ['cmp -s -- "$backup/certificate.pem" "$dest" || fail "VERIFY FAILED'],
      undo: ['rm -f -- "$dest"', '"${anchor_refresh[@]}"'],
    },
  },
  'store.import-root': {
    powershell: {
      check: ["if (Test-CertbenchCert 'Root' $Thumbprint) { $Done = $true }"],
      backup: ["if ($Cert.Subject -ne $Cert.Issuer) { throw 'The certificate is not self-signed"],
      change: ["Import-CertbenchCert 'Root' (Join-Path $Backup 'added.cer')"],
      verify: ["Test-CertbenchCert 'Root' $Cert.Thumbprint"],
      undo: ["Remove-Item -LiteralPath (Get-CertbenchCertPath 'Root' $Added)"],
    },
    bash: {
      backup: ['fail "the certificate is not self-signed: not a root; nothing was changed"'],
      change: ['cp -- "$backup/certificate.pem" "$dest"'],
      verify: ['openssl x509 -in "$dest" -noout'],
      undo: ['rm -f -- "$dest"'],
    },
  },
  'schannel.client-auth-issuers': {
    powershell: {
      backup: ["Get-ChildItem -LiteralPath 'Cert:\\LocalMachine\\ClientAuthIssuer'"],
      change: ["Import-CertbenchCert 'ClientAuthIssuer'"],
      verify: ["Test-CertbenchCert 'ClientAuthIssuer'"],
      undo: ["Remove-Item -LiteralPath (Get-CertbenchCertPath 'ClientAuthIssuer' $Added)"],
    },
  },
  'key.grant-read': {
    powershell: {
      check: ['if (Test-CertbenchCanRead $KeyPath $Identity) { $Done = $true }'],
      backup: ["Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/save', (Join-Path $Backup 'acl.icacls'))"],
      change: ["Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/grant', ($Identity + ':R'))"],
      verify: ['if (-not (Test-CertbenchCanRead $KeyPath $Identity)) { throw (\'VERIFY FAILED'],
      undo: ["@((Split-Path -Parent $KeyPath), '/restore', (Join-Path $Backup 'acl.icacls'))", "if ((Get-CertbenchDacl $KeyPath) -ne $Saved) { throw ('VERIFY FAILED"],
    },
    bash: {
      check: ['if can_access -r "$key"; then already=1; fi'],
      backup: ['getfacl -p -- "${dirs[@]}" "$key" > "$backup/acl.txt"'],
      change: ['if ! can_access -x "$d"; then grant_entry --x "$d"', 'grant_entry r-- "$key"'],
      verify: ['can_access -r "$key" || fail "VERIFY FAILED'],
      undo: ['setfacl --restore="$backup/acl.txt"', 'if ! cmp -s -- "$backup/acl.txt" <(getfacl -p -- "${dirs[@]}" "$key")'],
    },
  },
  'key.restrict': {
    powershell: {
      check: ['$Open = Get-CertbenchOpenRules $KeyPath', 'if ($Open.Count -eq 0) { $Done = $true }'],
      backup: ["'/save'"],
      change: ["if ($Identity) { Invoke-CertbenchNative 'icacls.exe' @($KeyPath, '/grant', ($Identity + ':R'))", "'/inheritance:d'", "@($KeyPath, '/remove:g', '*S-1-1-0', '*S-1-5-32-545', '*S-1-5-11')"],
      verify: ["if ((Get-CertbenchOpenRules $KeyPath).Count -ne 0) { throw ('VERIFY FAILED", "@('S-1-5-18', 'S-1-5-32-544')"],
      undo: ["'/restore'"],
    },
    bash: {
      check: ['open_entries "$key"'],
      backup: ['getfacl -p -- "$key" > "$backup/acl.txt"'],
      change: ['chmod o-rwx -- "$key"', 'setfacl -n -m g::--- -- "$key"', 'setfacl -n -x "g:$gid" -- "$key"'],
      verify: ['fail "VERIFY FAILED: still open to ${open[*]}; run the undo script"'],
      undo: ['setfacl --restore="$backup/acl.txt"'],
    },
  },
  'iis.ssl-flags-require': {
    powershell: {
      check: ["$Before = Get-CertbenchIisAttribute $Location 'system.webServer/security/access' 'access' 'sslFlags'"],
      backup: ['New-CertbenchIisBackup $Backup', "(Join-Path $Backup 'sslFlags-before.txt')"],
      change: ["$NewValue = (@($Flags + @('Ssl', 'SslNegotiateCert', 'SslRequireCert')) | Select-Object -Unique) -join ','", "@('set', 'config', $Location, '-section:system.webServer/security/access', ('/sslFlags:' + $NewValue), '/commit:apphost')"],
      verify: ["throw ('VERIFY FAILED: sslFlags at "],
      undo: ["('/sslFlags:' + $Old)", 'appcmd restore backup'],
    },
  },
  'iis.anonymous-auth': {
    powershell: {
      check: ["if ($Before -eq 'true') { $Done = $true }"],
      backup: ['New-CertbenchIisBackup $Backup'],
      change: ["'-section:system.webServer/security/authentication/anonymousAuthentication', ('/enabled:' + $NewValue), '/commit:apphost'"],
      verify: ["if (-not ($After -eq 'true'))"],
      undo: ["('/enabled:' + $Old)"],
    },
  },
  'iis.site-level-mapping': {
    powershell: {
      check: ['$AppNode = Get-CertbenchMappingNode $AppLocation'],
      backup: ['New-CertbenchIisBackup $Backup', "'app-level-mappings.xml'"],
      change: [
        "@('set', 'config', $Site, '-section:system.webServer/security/authentication/iisClientCertificateMappingAuthentication', '/enabled:True', '/commit:apphost')",
        "@('clear', 'config', $AppLocation, '-section:system.webServer/security/authentication/iisClientCertificateMappingAuthentication', '/commit:apphost')",
      ],
      verify: ["still has its own mapping section; run the undo script"],
      undo: ["Invoke-CertbenchNative (Get-CertbenchAppCmd) @('restore', 'backup', $Name)"],
    },
  },
  'apache.verify-client-vhost': {
    bash: {
      check: ['if webconf_has "$directive_1" "$line_1"; then already=1; fi'],
      backup: ['cp -p -- "$conf" "$backup/config"'],
      change: ['webconf_set "$directive_1" "$line_1"'],
      verify: ['test_or_restore', 'server_reload'],
      undo: ['restore_conf "$conf" "$backup/config"', 'config_test ||'],
    },
  },
  'nginx.verify-client-server': {
    bash: { check: ['webconf_has "$directive_1" "$line_1"'], backup: ['cp -p -- "$conf" "$backup/config"'], change: ['webconf_set "$directive_1" "$line_1"'], verify: ['test_or_restore'], undo: ['restore_conf "$conf" "$backup/config"'] },
  },
  'nginx.client-ca-issuer-only': {
    bash: {
      check: ['old=$(webconf_get ssl_client_certificate)'],
      backup: ['cp -p -- "$conf" "$backup/config"'],
      change: ["printf '%s' \"$ca_pem\" > \"$ca_file\"", 'webconf_set "$directive_1" "$line_1"', 'webconf_set "$directive_2" "ssl_trusted_certificate $old;"'],
      verify: ['test_or_restore'],
      undo: ['restore_conf "$conf" "$backup/config"', 'rm -f -- "$ca_file"'],
    },
  },
  'apache.ca-dn-request-file': {
    bash: { backup: ['cp -p -- "$conf" "$backup/config"'], change: ['webconf_set "$directive_1" "$line_1"'], verify: ['test_or_restore'], undo: ['restore_conf "$conf" "$backup/config"'] },
  },
  'nginx.client-ca-add-issuer': {
    bash: {
      check: ['ca=$(webconf_get ssl_client_certificate)', 'grep -qF -- "$ca_b64"'],
      backup: ['cp -p -- "$ca" "$backup/ca-file"'],
      change: ["printf '\\n%s' \"$ca_pem\" >> \"$ca\""],
      verify: ['if ! config_test; then cat -- "$backup/ca-file" > "$ca"'],
      undo: ['cat -- "$backup/ca-file" > "$ca"'],
    },
  },
  'apache.ca-add-issuer': {
    bash: { check: ['ca=$(webconf_get SSLCADNRequestFile)', 'ca=$(webconf_get SSLCACertificateFile)'], backup: ['cp -p -- "$ca" "$backup/ca-file"'], change: ['>> "$ca"'], verify: ['config_test'], undo: ['cat -- "$backup/ca-file" > "$ca"'] },
  },
};

const cases = fixCases();

describe('every generator writes a reviewed change', () => {
  it('the table of expectations covers every fix of the registry', () => {
    expect(Object.keys(EXPECT).sort()).toEqual(fixIdList());
    expect(new Set(cases.map((c) => c.fixId))).toEqual(new Set(fixIdList()));
  });

  for (const c of cases) {
    it(`${c.name}: ${c.fixId} (${c.shell})`, () => {
      const fix = fixOf(c)!;
      expect(fix).toBeDefined();
      expect(FixScriptSchema.parse(fix)).toEqual(fix);
      expect(fix).toMatchObject({ findingId: c.findingId, shell: c.shell, elevated: true, applyWith: c.fixId === 'key.grant-read' ? 'keys:grant' : null });
      expect(fix.fileName).toMatch(new RegExp(`^certbench-fix-${c.fixId.replace(/\./g, '-')}-[A-Za-z0-9.-]+\\.${c.shell === 'powershell' ? 'ps1' : 'sh'}$`));
      const { script, undo } = fix;

      // Header: what and why, the finding and its evidence, who made it and when.
      // PowerShell's header is one block comment (a line comment can pass for a signature block there).
      expect(script).toMatch(c.shell === 'powershell' ? /^<#\n {2}Certbench fix: / : /^#!\/usr\/bin\/env bash\n# Certbench fix: /);
      const lead = c.shell === 'powershell' ? '  ' : '# ';
      for (const line of [`${lead}Fix:      ${c.fixId}`, `${lead}Finding:  ${c.findingId} (`, ': The title of the finding', `${lead}Evidence: netsh: Negotiate Client Certificate : Disabled`, `${lead}What:     `, `${lead}Why:      Why it matters, in words a helpdesk user follows.`, `${lead}Made by:  Certbench 1.2.3 on 2026-03-17T08:00:00.000Z.`]) {
        expect(script).toContain(line);
      }
      // Strict mode and the elevation check, before anything else runs.
      if (c.shell === 'powershell') {
        expect(script).toContain("Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'");
        expect(script).toContain('if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {');
        expect(script.indexOf('IsInRole')).toBeLessThan(script.indexOf('& {'));
      } else {
        expect(script).toContain('set -euo pipefail\n');
        expect(script).toContain('if [ "$(id -u)" -ne 0 ]; then');
        expect(script.indexOf('id -u')).toBeLessThan(script.indexOf('\n(\n'));
      }
      // Check (idempotence guard), backup, change, verify, in that order.
      const p = parts(script, c.shell);
      expect(p.check).toMatch(c.shell === 'powershell' ? /\$Done = \$true/ : /already=1/);
      expect(script).toContain(c.shell === 'powershell' ? "if ($Done) {\n    Write-Output ('[skip] '" : 'if [ "$already" = 1 ]; then\n    printf \'[skip] %s %s: %s\\n\'');
      const want = EXPECT[c.fixId]![c.shell]!;
      for (const s of want.check ?? []) expect(p.check).toContain(s);
      for (const s of want.backup) expect(p.backup).toContain(s);
      for (const s of want.change) expect(p.change).toContain(s);
      for (const s of want.verify) expect(p.verify).toContain(s);
      expect(p.verify).toMatch(/VERIFY FAILED|test_or_restore|config_test/);

      // The undo: finds the backup (parameter, default the newest), restores, verifies, marks it used.
      expect(undo).toMatch(c.shell === 'powershell' ? /^<#\n {2}Certbench undo: / : /^#!\/usr\/bin\/env bash\n# Certbench undo: /);
      expect(undo).toContain(c.shell === 'powershell' ? "[string]$BackupDir = ''," : 'backup_dir=${1:-}');
      expect(undo).toContain(c.shell === 'powershell' ? '$Backup = Find-CertbenchBackup $Target' : 'backup=$(find_backup "$target")');
      expect(undo).toContain('undone.txt');
      for (const s of want.undo) expect(undo).toContain(s);
      expect(script).toContain(fix.fileName.replace(/\.(ps1|sh)$/, '-undo.$1'));
    });
  }

  it('the same input gives the same text (the date comes from the options)', () => {
    const c = cases[0]!;
    expect(fixesFor([findingFor(c)], ['powershell'], META)).toEqual(fixesFor([findingFor(c)], ['powershell'], META));
  });

  it('the root import warns loudly to check the fingerprint out of band, with both fingerprints', () => {
    for (const shell of ['powershell', 'bash'] as const) {
      const c = cases.find((x) => x.fixId === 'store.import-root' && x.shell === shell)!;
      const fix = fixOf(c)!;
      const lead = shell === 'powershell' ? '  ' : '# ';
      expect(fix.script).toContain(`${lead}WARNING:  CHECK THE FINGERPRINT OUT OF BAND BEFORE RUNNING THIS`);
      // The fingerprint is one word: never split, on its own line when it does not fit after the label.
      expect(fix.script).toMatch(shell === 'powershell' ? /\n {2}WARNING: {2}SHA-256(?: |\n {12})([0-9A-F]{2}:){31}[0-9A-F]{2}\n/ : /# WARNING: {2}SHA-256(?: |\n# {11})([0-9A-F]{2}:){31}[0-9A-F]{2}\n/);
    }
  });

  it('the mapping move says one-to-one mappings must be recreated in IIS Manager, not with appcmd', () => {
    const fix = fixOf(cases.find((x) => x.fixId === 'iis.site-level-mapping')!)!;
    expect(fix.script).toMatch(/One-to-one mappings must be recreated at site level in IIS Manager/);
  });

  it('scripts that need a restart say so after the change', () => {
    const fix = fixOf(cases.find((x) => x.fixId === 'schannel.send-trusted-issuer-list')!)!;
    expect(fix.script).toContain("Write-Output '[note] Schannel reads SendTrustedIssuerList at start: restart the server");
  });
});

describe('no script without the params it needs', () => {
  const none = (id: FindingId, params?: Record<string, string>) => fixesFor([finding(id, 't', 'd', [], params ? { params } : {})], ['powershell', 'bash'], META).fixes;

  it('no params at all: only SendTrustedIssuerList (it needs none)', () => {
    for (const id of FINDING_IDS) expect(none(id).map((f) => f.id), id).toEqual(id === 'schannel.trusted-issuer-list-off' ? ['schannel.send-trusted-issuer-list'] : []);
  });

  it('cert.* and the other findings without a generator never get a script, whatever their params', () => {
    const all = { ...cases.reduce<Record<string, string>>((acc, c) => ({ ...acc, ...c.params('x') }), {}) };
    for (const id of ['cert.no-client-auth-eku', 'cert.no-digital-signature', 'cert.expired', 'cert.not-yet-valid', 'cert.no-private-key', 'chain.invalid', 'server.ca-list-empty', 'http.403.7'] as const) {
      expect(FIX_REGISTRY[id]).toBeUndefined();
      expect(none(id, all)).toEqual([]);
    }
  });

  it.each([
    ['a binding kind netsh does not have', 'iis.client-cert-negotiation-off', { binding: '0.0.0.0:443', bindingKind: 'scopedccs' }],
    ['a binding without a port', 'iis.client-cert-negotiation-off', { binding: 'www.contoso.com' }],
    ['an ipport binding that is not an address', 'iis.client-cert-negotiation-off', { binding: 'www.contoso.com:443', bindingKind: 'ipport' }],
    ['a certificate hash that is not one', 'iis.client-cert-negotiation-off', { binding: '0.0.0.0:443', certHash: 'xyz' }],
    ['an app id that is not a GUID', 'iis.client-cert-negotiation-off', { binding: '0.0.0.0:443', appId: '{not-a-guid}' }],
    ['another server than IIS', 'iis.client-cert-negotiation-off', { binding: '0.0.0.0:443', serverSoftware: 'nginx' }],
    ['a malformed thumbprint among several', 'store.non-self-signed-in-root', { thumbprints: `${'A'.repeat(40)},12345` }],
    ['a store other than Root', 'store.expired-roots', { thumbprint: 'A'.repeat(40), store: 'LocalMachine\\My' }],
    ['an intermediate with no issuer name, PEM or URL', 'chain.incomplete', { downloadUrl: 'http://pki.example/ca.crt' }],
    ['an ldap: AIA location', 'chain.incomplete', { issuer: 'CN=CA', downloadUrl: 'ldap:///CN=CA,DC=example?cACertificate' }],
    ['a PEM that is not the issuer named', 'chain.incomplete', { issuer: 'CN=Someone Else', certificatePem: caPem('Issuing CA', 'intermediate') }],
    ['a self-signed PEM offered as the missing intermediate', 'chain.incomplete', { issuer: 'CN=Root CA', certificatePem: caPem('Root CA', 'root') }],
    ['a missing issuer the certificate says is a root (never the intermediate store)', 'chain.incomplete', { issuer: 'CN=Root CA', issuerKind: 'root', downloadUrl: 'http://pki.example/root.crt' }],
    ['an intermediate offered as an untrusted root', 'chain.untrusted-root', { certificatePem: caPem('Issuing CA', 'intermediate') }],
    ['text that is not a PEM certificate', 'chain.untrusted-root', { certificatePem: '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----' }],
    ['a key path without an identity', 'key.identity-cannot-read', { keyPath: 'C:\\k\\abc' }],
    ['an identity without a key path', 'key.identity-cannot-read', { identity: 'IIS AppPool\\Shop' }],
    ['a relative key path', 'key.identity-cannot-read', { keyPath: 'keys/app.key', identity: 'www-data' }],
    ['a Windows account name with a " in it', 'key.identity-cannot-read', { keyPath: 'C:\\k\\abc', identity: 'IIS AppPool\\"Shop"' }],
    ['an IIS path that appcmd would read as an option', 'iis.ssl-flags-not-requiring-cert', { location: '/commit:apphost' }],
    ['a mapping finding naming only a site (nothing below it)', 'iis.mapping-at-application-level', { location: 'Default Web Site' }],
    ['a web server fix without the configuration file', 'server.renegotiation-client-cert', { serverSoftware: 'apache', port: '443' }],
    ['a web server fix with a port that is not one', 'server.no-client-cert-request', { serverSoftware: 'nginx', file: '/etc/nginx/sites-enabled/shop', port: '99999' }],
    ['an nginx CA list fix without the issuing CA', 'server.ca-list-too-large', { serverSoftware: 'nginx', file: '/etc/nginx/sites-enabled/shop' }],
    ['a CA file that would go into a config path with a space', 'server.ca-list-too-large', { serverSoftware: 'nginx', file: '/etc/nginx/my sites/shop', certificatePem: caPem('Issuing CA', 'intermediate') }],
    ['an anchor file the package manager owns', 'store.non-self-signed-in-root', { file: '/etc/ssl/certs/ca-certificates.crt' }],
  ] as const)('%s', (_why, id, params) => {
    expect(none(id, params)).toEqual([]);
  });
});

describe('fixIdsFor', () => {
  it('lists exactly the fix ids fixesFor writes for the finding, in both shells', () => {
    for (const c of cases) {
      const f = findingFor(c);
      const written = [...new Set(fixesFor([f], ['powershell', 'bash'], META).fixes.map((x) => x.id))];
      expect(fixIdsFor(f), c.name).toEqual(written);
      expect(written).toContain(c.fixId);
    }
  });

  it('is empty for a finding that carries nothing to act on, and names both alternatives for TLS 1.3', () => {
    expect(fixIdsFor(finding('key.identity-cannot-read', 't', 'd', []))).toEqual([]);
    expect(fixIdsFor(finding('iis.tls13-with-renegotiation', 't', 'd', [], { params: { binding: '0.0.0.0:443' } }))).toEqual(['netsh.clientcertnegotiation', 'netsh.disabletls13']);
    expect(fixIdsFor(finding('key.identity-cannot-read', 't', 'd', [], { params: { keyPath: '/etc/ssl/private/app.key', identity: 'group:ssl-cert' } }))).toEqual(['key.grant-read']);
  });
});

describe('combined scripts', () => {
  const binding = { binding: '0.0.0.0:443' };
  const findings = [
    finding('iis.tls13-with-renegotiation', 'TLS 1.3 and renegotiation', 'd', [], { params: binding }),
    finding('log.500-64-before-403-7', '500 then 403.7', 'd', [], { params: binding }),
    finding('iis.ssl-flags-not-requiring-cert', 'sslFlags', 'd', [], { params: { location: 'Default Web Site' } }),
    finding('key.identity-cannot-read', 'key', 'd', [], { params: { keyPath: '/etc/ssl/private/app.key', identity: 'www-data' } }),
    finding('store.non-self-signed-in-root', 'root', 'd', [], { params: { file: '/usr/local/share/ca-certificates/ica.crt' } }),
  ];
  const r = fixesFor(findings, ['powershell', 'bash'], META);

  it('one script per shell, in ranking order; the same change from two findings once; alternatives left out', () => {
    expect(r.fixes.map((f) => `${f.findingId}:${f.id}`)).toEqual([
      'iis.tls13-with-renegotiation:netsh.clientcertnegotiation',
      'iis.tls13-with-renegotiation:netsh.disabletls13',
      'log.500-64-before-403-7:netsh.clientcertnegotiation',
      'iis.ssl-flags-not-requiring-cert:iis.ssl-flags-require',
      'key.identity-cannot-read:key.grant-read',
      'store.non-self-signed-in-root:store.move-non-self-signed',
    ]);
    expect(r.combined.map((c) => [c.shell, c.fileName, c.undoFileName])).toEqual([
      ['powershell', 'certbench-fixes.ps1', 'certbench-fixes-undo.ps1'],
      ['bash', 'certbench-fixes.sh', 'certbench-fixes-undo.sh'],
    ]);
    const ps = r.combined[0]!.script;
    expect(ps).toContain('<#\n  Certbench fixes: 2 changes, in this order\n    1. netsh.clientcertnegotiation: ');
    expect(ps).toContain('\n    2. iis.ssl-flags-require: ');
    expect(ps).not.toContain("$FixId = 'netsh.disabletls13'");
    expect(ps.split("$FixId = 'netsh.clientcertnegotiation'").length).toBe(2);
    expect(ps.indexOf("$FixId = 'netsh.clientcertnegotiation'")).toBeLessThan(ps.indexOf("$FixId = 'iis.ssl-flags-require'"));
    // Every section keeps its own header, check and backup.
    expect(ps.match(/^ {2}---- \d\/2 ----$/gm)).toHaveLength(2);
    expect(ps.match(/\$Backup = New-CertbenchBackup \$FixId \$Target/g)).toHaveLength(2);
    expect(ps.match(/^param\(/gm)).toHaveLength(1);
  });

  it('the undo restores in reverse order, each section on its own', () => {
    for (const c of r.combined) {
      const ids = [...c.undo.matchAll(/^# ---- undo \d\/\d: (\S+) ----$/gm)].map((m) => m[1]);
      const forward = [...c.script.matchAll(/^(?:# {3}| {4})\d\. (\S+): /gm)].map((m) => m[1]);
      expect(ids).toEqual([...forward].reverse());
    }
    expect(r.combined[1]!.undo.indexOf("fix_id='store.move-non-self-signed'")).toBeLessThan(r.combined[1]!.undo.indexOf("fix_id='key.grant-read'"));
  });

  it('a shell with no fix gets no combined script', () => {
    expect(fixesFor([findings[2]!], ['powershell', 'bash'], META).combined.map((c) => c.shell)).toEqual(['powershell']);
    expect(fixesFor([], ['powershell', 'bash'], META)).toEqual({ fixes: [], combined: [] });
  });

});
