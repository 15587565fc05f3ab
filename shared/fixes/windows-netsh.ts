import type { FixBody, FixGenerator } from './types';
import { isPort, isWindowsNativeArg, normAppId, normThumbprint } from './text';

/**
 * HTTP.SYS binding fixes (reference sections 4 and 5): `netsh http update sslcert ...
 * clientcertnegotiation=enable` asks for the client certificate in the first handshake, so no
 * TLS 1.2 renegotiation or TLS 1.3 post-handshake request is needed (field note 001 step 11; MS IIS
 * support blog on TLS 1.3); `disabletls13=enable` is the alternative for TLS 1.3. The binding is read
 * from its registry key (locale-independent), every current setting is passed again (update
 * replaces the whole binding), and the verification reads DefaultFlags back.
 */

type BindingKind = 'ipport' | 'hostnameport' | 'ccs';

const REG = 'SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters\\';
const SUBKEY: Record<BindingKind, string> = { ipport: 'SslBindingInfo', hostnameport: 'SslSniBindingInfo', ccs: 'SslCcsBindingInfo' };

interface Binding {
  kind: BindingKind;
  /** The value after `<kind>=` for netsh: "0.0.0.0:443", "www.contoso.com:443", or the port for ccs. */
  value: string;
  /** The registry key name under SslBindingInfo / SslSniBindingInfo / SslCcsBindingInfo. */
  keyName: string;
}

const IPV4_PORT = /^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/;
const IPV6_PORT = /^\[[0-9A-Fa-f:.%]+\]:\d{1,5}$/;

/** The binding a finding names (params binding, bindingKind), or null when it cannot be one. */
export function bindingOf(p: Readonly<Record<string, string>>): Binding | null {
  const raw = p.binding?.trim();
  if (!raw || !isWindowsNativeArg(raw) || /[\\/\s]/.test(raw)) return null;
  const declared = p.bindingKind as BindingKind | undefined;
  if (declared !== undefined && !(['ipport', 'hostnameport', 'ccs'] as const).includes(declared)) return null;
  const kind: BindingKind = declared ?? (/^\d+$/.test(raw) ? 'ccs' : IPV4_PORT.test(raw) || IPV6_PORT.test(raw) ? 'ipport' : 'hostnameport');
  if (kind === 'ccs') {
    const port = raw.replace(/^.*:/, '');
    // UNCERTAIN (reference section 5): the SslCcsBindingInfo key layout is known from third-party code
    // only; a CCS binding has no IP, so its key is taken to be 0.0.0.0:<port>. The script stops when
    // the key is missing.
    return isPort(port) ? { kind, value: port, keyName: `0.0.0.0:${port}` } : null;
  }
  const port = /:(\d{1,5})$/.exec(raw)?.[1];
  if (!isPort(port)) return null;
  if (kind === 'ipport' && !(IPV4_PORT.test(raw) || IPV6_PORT.test(raw))) return null;
  return { kind, value: raw, keyName: raw };
}

interface FlagFix {
  fixId: string;
  bit: number;
  /** Which binding value the bit is in (default DefaultFlags), and whether the fix sets or clears it. */
  field?: 'Flags' | 'CheckMode';
  clear?: boolean;
  param: string;
  doneMessage?: string;
  warnings?: string[];
  alternative?: boolean;
  title: (binding: string) => string;
  summary: (binding: string) => string;
  what: (binding: string) => string[];
  notes: string[];
}

function netshFix(spec: FlagFix): FixGenerator {
  return {
    fixId: spec.fixId,
    shell: 'powershell',
    alternative: spec.alternative,
    build(_finding, p): FixBody | null {
      if (p.serverSoftware && p.serverSoftware !== 'iis') return null;
      const b = bindingOf(p);
      if (!b) return null;
      const certHash = p.certHash === undefined ? '' : normThumbprint(p.certHash)?.toLowerCase();
      const appId = p.appId === undefined ? '' : normAppId(p.appId);
      if (certHash === undefined || appId === null) return null;
      const bit = `0x${spec.bit.toString(16)}`;
      const display = `${b.kind}=${b.value}`;
      const field = spec.field ?? 'Flags';
      const value = field === 'Flags' ? 'DefaultFlags' : 'DefaultSslCertCheckMode';
      const wanted = (state: string) => (spec.clear ? `${state}.${field} -band (-bnot [int64]${bit})` : `${state}.${field} -bor ${bit}`);
      const want = (state: string) => `(${wanted(state)})`;
      // The new state: the binding as read with the one value changed; Get-CertbenchNetshArgs writes all of it.
      const args = (state: string) =>
        field === 'Flags'
          ? [`$netshArgs = Get-CertbenchNetshArgs $BindingKind $Binding ${state} ${want(state)}`]
          : [`$NewState = ${state}.PSObject.Copy()`, `$NewState.CheckMode = ${want(state)}`, `$netshArgs = Get-CertbenchNetshArgs $BindingKind $Binding $NewState ${state}.Flags`];
      return {
        title: spec.title(display),
        summary: spec.summary(display),
        what: spec.what(display),
        target: `netsh ${display} ${spec.param}`,
        label: b.value,
        vars: [
          ['Binding', b.value],
          ['BindingKind', b.kind],
          ['RegKey', `HKLM:\\${REG}${SUBKEY[b.kind]}\\${b.keyName}`],
          ['RegKeyNative', `HKLM\\${REG}${SUBKEY[b.kind]}\\${b.keyName}`],
          ['ExpectCertHash', certHash],
          ['ExpectAppId', appId],
        ],
        helpers: ['native', 'netsh'],
        check: [
          '$Before = Read-CertbenchBinding $RegKey $Binding',
          '# The binding must still be the one the diagnosis saw.',
          "if ($ExpectCertHash -and ($Before.CertHash -ne $ExpectCertHash)) { throw ('The binding ' + $Binding + ' now uses certificate ' + $Before.CertHash + ', not ' + $ExpectCertHash + '; diagnose again. Nothing was changed') }",
          "if ($ExpectAppId -and ($Before.AppId -ne $ExpectAppId)) { throw ('The binding ' + $Binding + ' now belongs to application ' + $Before.AppId + ', not ' + $ExpectAppId + '; diagnose again. Nothing was changed') }",
          spec.clear ? `if (($Before.${field} -band ${bit}) -eq 0) { $Done = $true }` : `if ($Before.${field} -band ${bit}) { $Done = $true }`,
        ],
        doneMessage: spec.doneMessage ?? `${spec.param} is already enabled on this binding (DefaultFlags bit ${bit}).`,
        ...(spec.warnings ? { warnings: spec.warnings } : {}),
        backup: [
          "Invoke-CertbenchNative 'reg.exe' @('export', $RegKeyNative, (Join-Path $Backup 'binding.reg'), '/y') | Out-Null",
          "$Before | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $Backup 'binding.json') -Encoding UTF8",
          "Invoke-CertbenchNative 'netsh.exe' @('http', 'show', 'sslcert', ($BindingKind + '=' + $Binding)) | Set-Content -LiteralPath (Join-Path $Backup 'netsh-show-before.txt') -Encoding UTF8",
        ],
        change: [
          ...args('$Before'),
          "Write-Output ('netsh ' + ($netshArgs -join ' '))",
          "Invoke-CertbenchNative 'netsh.exe' $netshArgs | Write-Output",
        ],
        verify: [
          '$After = Read-CertbenchBinding $RegKey $Binding',
          `$Want = ${wanted('$Before')}`,
          `if ($After.${field} -ne $Want) { throw ('VERIFY FAILED: ${value} of ' + $Binding + ' is 0x' + $After.${field}.ToString('x') + ', expected 0x' + $Want.ToString('x') + '; run the undo script') }`,
          "if (($After.CertHash -ne $Before.CertHash) -or ($After.AppId -ne $Before.AppId) -or ($After.StoreName -ne $Before.StoreName)) { throw ('VERIFY FAILED: the certificate or application of ' + $Binding + ' changed; run the undo script') }",
          ...(field === 'CheckMode' ? ["if ($After.Flags -ne $Before.Flags) { throw ('VERIFY FAILED: DefaultFlags of ' + $Binding + ' changed; run the undo script') }"] : []),
          "Invoke-CertbenchNative 'netsh.exe' @('http', 'show', 'sslcert', ($BindingKind + '=' + $Binding)) | Write-Output",
        ],
        notes: spec.notes,
        undo: [
          "$Saved = Get-Content -LiteralPath (Join-Path $Backup 'binding.json') -Raw -Encoding UTF8 | ConvertFrom-Json",
          '$Current = Read-CertbenchBinding $RegKey $Binding',
          `if ($Current.${field} -ne [int64]$Saved.${field}) {`,
          `  # Only ${value} changed: put it back, keeping every other current setting.`,
          ...(field === 'Flags'
            ? ['  $netshArgs = Get-CertbenchNetshArgs $BindingKind $Binding $Current ([int64]$Saved.Flags)']
            : ['  $NewState = $Current.PSObject.Copy()', '  $NewState.CheckMode = [int64]$Saved.CheckMode', '  $netshArgs = Get-CertbenchNetshArgs $BindingKind $Binding $NewState $Current.Flags']),
          "  Write-Output ('netsh ' + ($netshArgs -join ' '))",
          "  Invoke-CertbenchNative 'netsh.exe' $netshArgs | Write-Output",
          '}',
          '$After = Read-CertbenchBinding $RegKey $Binding',
          `if ($After.${field} -ne [int64]$Saved.${field}) { throw ('VERIFY FAILED: ${value} of ' + $Binding + ' is 0x' + $After.${field}.ToString('x') + ', not the saved 0x' + ([int64]$Saved.${field}).ToString('x') + '; ' + (Join-Path $Backup 'binding.reg') + ' holds the old binding (reg import, then restart the HTTP service)') }`,
        ],
      };
    },
  };
}

export const clientCertNegotiation = netshFix({
  fixId: 'netsh.clientcertnegotiation',
  bit: 0x2,
  param: 'clientcertnegotiation',
  title: (b) => `Ask for the client certificate in the first TLS handshake on ${b}`,
  summary: (b) =>
    `Sets clientcertnegotiation=enable on the HTTP.SYS binding ${b} (DefaultFlags bit 0x2), keeping its other settings. HTTP.SYS then requests the client certificate in the initial handshake instead of renegotiating after the HTTP request, which TLS 1.3 cannot do and which fails with large requests (500 with win32 status 64, then 403.7).`,
  what: (b) => [
    `netsh http update sslcert ${b} ... clientcertnegotiation=enable, with the binding's current certificate, application id and other settings passed again.`,
    'Backup: reg export of the binding key, its values as JSON, and netsh http show sslcert output.',
  ],
  notes: ['New connections negotiate the client certificate in the first handshake; IIS sslFlags still decide whether it is required.'],
});

export const disableTls13 = netshFix({
  fixId: 'netsh.disabletls13',
  bit: 0x40,
  param: 'disabletls13',
  alternative: true,
  title: (b) => `Turn TLS 1.3 off on the HTTP.SYS binding ${b}`,
  summary: (b) =>
    `Sets disabletls13=enable on ${b} (DefaultFlags bit 0x40), keeping its other settings. Clients then use TLS 1.2, where IIS can still ask for the certificate by renegotiation. This is the alternative to negotiating the certificate in the first handshake; prefer that one.`,
  what: (b) => [`netsh http update sslcert ${b} ... disabletls13=enable, with the binding's other settings passed again.`, 'Backup: reg export of the binding key, its values as JSON, and netsh http show sslcert output.'],
  notes: ['TLS 1.3 is off for this binding only; netsh on Windows versions without TLS 1.3 support rejects the parameter and nothing changes.'],
});

/**
 * DefaultSslCertCheckMode (reference section 5, HTTP_SERVICE_CONFIG_SSL_PARAM): 0x2 makes HTTP.SYS
 * check client certificate revocation only against what is already cached, so once a cached CRL
 * expires every check fails offline (403.13/403.16 with CRYPT_E_REVOCATION_OFFLINE). Clearing it lets
 * Windows download current revocation data; 0x1 stops revocation checking (a policy decision).
 */
export const revocationOnline = netshFix({
  fixId: 'netsh.revocation-online',
  bit: 0x2,
  field: 'CheckMode',
  clear: true,
  param: 'verifyrevocationwithcachedclientcertonly',
  doneMessage: 'The binding already checks revocation online (DefaultSslCertCheckMode bit 0x2 is clear).',
  title: (b) => `Let HTTP.SYS fetch current revocation data for client certificates on ${b}`,
  summary: (b) =>
    `Sets verifyrevocationwithcachedclientcertonly=disable on ${b} (clears DefaultSslCertCheckMode bit 0x2), keeping every other setting of the binding. With it set, HTTP.SYS uses only cached CRLs and OCSP answers and refuses client certificates once those expire.`,
  what: (b) => [`netsh http update sslcert ${b} ... without verifyrevocationwithcachedclientcertonly, with the binding's certificate, application id and other settings passed again.`, 'Backup: reg export of the binding key, its values as JSON, and netsh http show sslcert output.'],
  notes: ['The server now needs to reach the CRL and OCSP addresses of the client certificates and their CAs.'],
});

export const revocationCheckOff = netshFix({
  fixId: 'netsh.revocation-check-off',
  bit: 0x1,
  field: 'CheckMode',
  alternative: true,
  param: 'verifyclientcertrevocation',
  doneMessage: 'Revocation checking is already off on this binding (DefaultSslCertCheckMode bit 0x1).',
  warnings: ['This turns revocation checking OFF: a revoked client certificate will be accepted. Use it only while the revocation server cannot be reached, with the owner of the security policy agreeing, and undo it afterwards.'],
  title: (b) => `Stop checking client certificate revocation on ${b}`,
  summary: (b) =>
    `Sets verifyclientcertrevocation=disable on ${b} (DefaultSslCertCheckMode bit 0x1), keeping every other setting of the binding. Requests then no longer fail when the revocation server cannot be reached, and revoked certificates are no longer refused.`,
  what: (b) => [`netsh http update sslcert ${b} ... verifyclientcertrevocation=disable, with the binding's other settings passed again.`, 'Backup: reg export of the binding key, its values as JSON, and netsh http show sslcert output.'],
  notes: ['Revocation is no longer checked for this binding: run the undo script once the revocation server is reachable again.'],
});
