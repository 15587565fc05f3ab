import { certificateFromPem, colonHex, type FixCertificate } from './certificate';
import { cnOf, normDn } from './dn';
import { isHttpUrl, normThumbprint, thumbprintList } from './text';
import type { FixBody, FixGenerator, VarValue } from './types';

/**
 * Machine certificate store fixes (reference section 6; KB 2802568, KB 933430, KB 2801679): move
 * non-self-signed certificates out of Trusted Root into Intermediate Certification Authorities,
 * remove expired roots, import a missing intermediate or an untrusted root, and fill the Client
 * Authentication Issuers store so Schannel sends a short CA list. Every removal is preceded by an
 * Export-Certificate into the backup folder; every addition is recorded so the undo removes exactly
 * what was added.
 */

const listText = (ts: readonly string[]) => (ts.length <= 3 ? ts.join(', ') : `${ts.slice(0, 3).join(', ')} and ${ts.length - 3} more`);

/** A Windows store fix names thumbprints; a `store` param, when given, must be the machine Root store. */
function rootThumbprints(p: Readonly<Record<string, string>>): string[] | null {
  if (p.store !== undefined && !/^(?:LocalMachine\\)?Root$/i.test(p.store.trim())) return null;
  return thumbprintList(p as Record<string, string>);
}

export const moveNonSelfSigned: FixGenerator = {
  fixId: 'store.move-non-self-signed',
  shell: 'powershell',
  build(_f, p) {
    const ts = rootThumbprints(p);
    if (!ts) return null;
    return {
      title: `Move ${ts.length} non-self-signed certificate(s) from Trusted Root to Intermediate Certification Authorities`,
      summary:
        'A certificate in LocalMachine\\Root whose issuer is not itself is not a root. On IIS 8 and later it makes Schannel answer valid client certificates with 403.16 or 403.7 (KB 2802568). Each one is exported, added to LocalMachine\\CA, and removed from LocalMachine\\Root.',
      what: [`Moves ${listText(ts)} from Cert:\\LocalMachine\\Root to Cert:\\LocalMachine\\CA (certificates that are really self-signed are refused).`, 'Backup: Export-Certificate of each certificate (.cer) into the backup folder.'],
      target: `Cert:\\LocalMachine\\Root -> CA ${ts.join(',')}`,
      label: ts[0]!,
      vars: [['Thumbprints', ts]],
      helpers: ['stores'],
      check: [
        "$ToMove = @($Thumbprints | Where-Object { Test-CertbenchCert 'Root' $_ })",
        'foreach ($t in $ToMove) {',
        "  $c = Get-Item -LiteralPath (Get-CertbenchCertPath 'Root' $t)",
        "  if ($c.Subject -eq $c.Issuer) { throw ('Certificate ' + $t + ' (' + $c.Subject + ') is self-signed, a real root: not moving it. Nothing was changed') }",
        '}',
        'if ($ToMove.Count -eq 0) { $Done = $true }',
      ],
      doneMessage: 'none of these certificates is in LocalMachine\\Root any more.',
      backup: [
        "foreach ($t in $ToMove) { Export-CertbenchCert 'Root' $t (Join-Path $Backup ($t + '.cer')) }",
        "Set-Content -LiteralPath (Join-Path $Backup 'moved.txt') -Value ($ToMove -join [Environment]::NewLine) -Encoding ASCII",
        "$InCaBefore = @($ToMove | Where-Object { Test-CertbenchCert 'CA' $_ })",
        "Set-Content -LiteralPath (Join-Path $Backup 'already-in-ca.txt') -Value ($InCaBefore -join [Environment]::NewLine) -Encoding ASCII",
      ],
      change: [
        'foreach ($t in $ToMove) {',
        "  if (-not (Test-CertbenchCert 'CA' $t)) { Import-CertbenchCert 'CA' (Join-Path $Backup ($t + '.cer')) | Out-Null }",
        "  Remove-Item -LiteralPath (Get-CertbenchCertPath 'Root' $t)",
        "  Write-Output ('moved ' + $t + ' to LocalMachine\\CA')",
        '}',
      ],
      verify: [
        'foreach ($t in $ToMove) {',
        "  if (Test-CertbenchCert 'Root' $t) { throw ('VERIFY FAILED: ' + $t + ' is still in LocalMachine\\Root; run the undo script') }",
        "  if (-not (Test-CertbenchCert 'CA' $t)) { throw ('VERIFY FAILED: ' + $t + ' is not in LocalMachine\\CA; run the undo script') }",
        '}',
      ],
      notes: ['Schannel builds its trusted issuer list at start: restart IIS (iisreset) or the server for the change to show on the wire.'],
      undo: [
        "$Moved = @(Get-Content -LiteralPath (Join-Path $Backup 'moved.txt') | Where-Object { $_ })",
        "$InCaBefore = @(Get-Content -LiteralPath (Join-Path $Backup 'already-in-ca.txt') | Where-Object { $_ })",
        'foreach ($t in $Moved) {',
        "  if (-not (Test-CertbenchCert 'Root' $t)) { Import-CertbenchCert 'Root' (Join-Path $Backup ($t + '.cer')) | Out-Null }",
        "  if (($InCaBefore -notcontains $t) -and (Test-CertbenchCert 'CA' $t)) { Remove-Item -LiteralPath (Get-CertbenchCertPath 'CA' $t) }",
        '}',
        "foreach ($t in $Moved) { if (-not (Test-CertbenchCert 'Root' $t)) { throw ('VERIFY FAILED: ' + $t + ' is not back in LocalMachine\\Root') } }",
      ],
    };
  },
};

export const removeExpiredRoots: FixGenerator = {
  fixId: 'store.remove-expired-roots',
  shell: 'powershell',
  build(_f, p) {
    const ts = rootThumbprints(p);
    if (!ts) return null;
    return {
      title: `Remove ${ts.length} expired certificate(s) from Trusted Root, after exporting them`,
      summary:
        'Expired roots anchor nothing, but Schannel still counts their names toward the 16 KB CA list it sends (KB 933430; field note 000). Each is exported to the backup folder and removed from LocalMachine\\Root; one that has not expired yet is kept.',
      what: [`Removes ${listText(ts)} from Cert:\\LocalMachine\\Root, each only if its NotAfter date has passed.`, 'Backup: Export-Certificate of each certificate (.cer) into the backup folder; the undo imports them again.'],
      warnings: ['Windows may download some Microsoft-program roots again when a chain needs them (automatic root update); that is harmless.'],
      target: `Cert:\\LocalMachine\\Root remove-expired ${ts.join(',')}`,
      label: ts[0]!,
      vars: [['Thumbprints', ts]],
      helpers: ['stores'],
      check: [
        "$Present = @($Thumbprints | Where-Object { Test-CertbenchCert 'Root' $_ })",
        '$ToRemove = @()',
        'foreach ($t in $Present) {',
        "  $c = Get-Item -LiteralPath (Get-CertbenchCertPath 'Root' $t)",
        "  if ($c.NotAfter -lt (Get-Date)) { $ToRemove += $t } else { Write-Output ('[keep] ' + $t + ' has not expired (valid until ' + $c.NotAfter.ToString('yyyy-MM-dd') + '); it stays') }",
        '}',
        'if ($ToRemove.Count -eq 0) { $Done = $true }',
      ],
      doneMessage: 'no expired certificate of this list is in LocalMachine\\Root.',
      backup: [
        "foreach ($t in $ToRemove) { Export-CertbenchCert 'Root' $t (Join-Path $Backup ($t + '.cer')) }",
        "Set-Content -LiteralPath (Join-Path $Backup 'removed.txt') -Value ($ToRemove -join [Environment]::NewLine) -Encoding ASCII",
      ],
      change: ["foreach ($t in $ToRemove) { Remove-Item -LiteralPath (Get-CertbenchCertPath 'Root' $t); Write-Output ('removed ' + $t) }"],
      verify: ["foreach ($t in $ToRemove) { if (Test-CertbenchCert 'Root' $t) { throw ('VERIFY FAILED: ' + $t + ' is still in LocalMachine\\Root') } }"],
      notes: ['Restart IIS (iisreset) or the server so Schannel rebuilds its CA list.'],
      undo: [
        "$Removed = @(Get-Content -LiteralPath (Join-Path $Backup 'removed.txt') | Where-Object { $_ })",
        "foreach ($t in $Removed) { if (-not (Test-CertbenchCert 'Root' $t)) { Import-CertbenchCert 'Root' (Join-Path $Backup ($t + '.cer')) | Out-Null } }",
        "foreach ($t in $Removed) { if (-not (Test-CertbenchCert 'Root' $t)) { throw ('VERIFY FAILED: ' + $t + ' is not back in LocalMachine\\Root') } }",
      ],
    };
  },
};

/**
 * Adding one CA certificate to a machine store, from the finding's PEM or downloaded from its AIA
 * URL: the file goes into the backup folder first, its subject must be the issuer the finding names
 * (and it must be a CA), then Import-Certificate; the undo removes exactly that thumbprint.
 */
function importCa(opts: {
  store: 'CA' | 'Root' | 'ClientAuthIssuer';
  cert: FixCertificate | null;
  url: string | null;
  issuer: string;
  title: string;
  summary: string;
  what: string[];
  warnings?: string[];
  notes?: string[];
  targetKind: string;
  selfSigned: 'forbid' | 'require' | 'any';
}): FixBody {
  const { store, cert, url, issuer } = opts;
  const source = cert
    ? ["[IO.File]::WriteAllBytes((Join-Path $Backup 'source.cer'), [Convert]::FromBase64String($CertificateBase64))"]
    : ["Invoke-WebRequest -Uri $DownloadUrl -OutFile (Join-Path $Backup 'source.cer') -UseBasicParsing -TimeoutSec 60"];
  const sourceVar: readonly [string, VarValue] = cert ? ['CertificateBase64', cert.base64] : ['DownloadUrl', url ?? ''];
  const selfSignedCheck =
    opts.selfSigned === 'forbid'
      ? ["if ($Cert.Subject -eq $Cert.Issuer) { throw 'The certificate is self-signed: a root, not an intermediate. Nothing was changed' }"]
      : opts.selfSigned === 'require'
        ? ["if ($Cert.Subject -ne $Cert.Issuer) { throw 'The certificate is not self-signed: not a root. Nothing was changed' }"]
        : [];
  return {
    title: opts.title,
    summary: opts.summary,
    what: opts.what,
    warnings: opts.warnings,
    target: `Cert:\\LocalMachine\\${store} ${opts.targetKind} ${cert ? cert.thumbprint : url}`,
    label: cnOf(issuer) ?? issuer,
    vars: [['Issuer', issuer], sourceVar, ['Thumbprint', cert ? cert.thumbprint : '']],
    helpers: ['stores', 'dn'],
    check: cert
      ? [`if (Test-CertbenchCert '${store}' $Thumbprint) { $Done = $true }`]
      : [
          `foreach ($c in @(Get-ChildItem -LiteralPath 'Cert:\\LocalMachine\\${store}')) {`,
          '  if (((ConvertTo-CertbenchDn $c.Subject) -eq (ConvertTo-CertbenchDn $Issuer)) -and ($c.NotAfter -gt (Get-Date))) { $Done = $true }',
          '}',
        ],
    doneMessage: `the certificate is already in LocalMachine\\${store}.`,
    backup: [
      '# Nothing is overwritten or removed: the folder keeps the certificate added and its thumbprint for the undo.',
      ...source,
      "$Cert = New-CertbenchCertFromBytes ([IO.File]::ReadAllBytes((Join-Path $Backup 'source.cer')))",
      "if ((ConvertTo-CertbenchDn $Cert.Subject) -ne (ConvertTo-CertbenchDn $Issuer)) { throw ('The certificate is for ' + $Cert.Subject + ', not ' + $Issuer + '. Nothing was changed') }",
      "if ($Thumbprint -and ($Cert.Thumbprint -ne $Thumbprint)) { throw ('The certificate has thumbprint ' + $Cert.Thumbprint + ', not ' + $Thumbprint + '. Nothing was changed') }",
      "if (-not (Test-CertbenchIsCa $Cert)) { throw 'The certificate is not a CA certificate (Basic Constraints). Nothing was changed' }",
      ...selfSignedCheck,
      "[IO.File]::WriteAllBytes((Join-Path $Backup 'added.cer'), $Cert.RawData)",
      "Set-Content -LiteralPath (Join-Path $Backup 'added.txt') -Value $Cert.Thumbprint -Encoding ASCII",
      "Write-Output ('Certificate: ' + $Cert.Subject + ', SHA-1 ' + $Cert.Thumbprint + ', valid until ' + $Cert.NotAfter.ToString('yyyy-MM-dd'))",
    ],
    change: [`Import-CertbenchCert '${store}' (Join-Path $Backup 'added.cer') | Out-Null`],
    verify: [`if (-not (Test-CertbenchCert '${store}' $Cert.Thumbprint)) { throw ('VERIFY FAILED: ' + $Cert.Thumbprint + ' is not in LocalMachine\\${store}; run the undo script') }`],
    notes: opts.notes,
    undo: [
      "$Added = (Get-Content -LiteralPath (Join-Path $Backup 'added.txt') -Raw).Trim()",
      `if (Test-CertbenchCert '${store}' $Added) { Remove-Item -LiteralPath (Get-CertbenchCertPath '${store}' $Added) }`,
      `if (Test-CertbenchCert '${store}' $Added) { throw ('VERIFY FAILED: ' + $Added + ' is still in LocalMachine\\${store}') }`,
    ],
  };
}

/** The CA certificate a finding carries (PEM) or points at (AIA URL), checked against its issuer name. */
function caSource(p: Readonly<Record<string, string>>): { cert: FixCertificate | null; url: string | null; issuer: string } | null {
  const cert = p.certificatePem !== undefined ? certificateFromPem(p.certificatePem) : null;
  if (p.certificatePem !== undefined && !cert) return null;
  const issuer = p.issuer?.trim() || cert?.subject;
  if (!issuer) return null;
  if (cert) {
    if (normDn(cert.subject) !== normDn(issuer) || cert.isCa === false) return null;
    return { cert, url: null, issuer };
  }
  return isHttpUrl(p.downloadUrl) ? { cert: null, url: p.downloadUrl, issuer } : null;
}

export const importIntermediate: FixGenerator = {
  fixId: 'store.import-intermediate',
  shell: 'powershell',
  build(_f, p) {
    // A missing root (chain.incomplete with issuerKind root) belongs in the trusted roots,
    // never in the intermediate store; it is not downloaded and trusted unseen, so no script here.
    if (p.issuerKind === 'root') return null;
    const src = caSource(p);
    if (!src || src.cert?.selfSigned) return null;
    const from = src.cert ? `the certificate carried by the finding (SHA-1 ${src.cert.thumbprint})` : `its AIA location ${src.url}`;
    return importCa({
      store: 'CA',
      ...src,
      title: `Install the missing intermediate CA ${src.issuer} into LocalMachine\\CA`,
      summary: `The chain stops at a certificate whose issuer, ${src.issuer}, is not in the local stores, so Windows cannot build the chain (IIS 403.16). The script installs that intermediate from ${from} into Intermediate Certification Authorities after checking that it is that CA.`,
      what: [`Imports ${src.issuer} from ${from} into Cert:\\LocalMachine\\CA, after checking its subject and that it is a CA.`, 'Backup: the certificate file and its thumbprint in the backup folder (nothing is removed or replaced).'],
      targetKind: 'import',
      selfSigned: 'forbid',
    });
  },
};

export const importRoot: FixGenerator = {
  fixId: 'store.import-root',
  shell: 'powershell',
  build(_f, p) {
    const cert = certificateFromPem(p.certificatePem);
    if (!cert || !cert.selfSigned || cert.isCa === false) return null;
    if (p.issuer !== undefined && normDn(p.issuer) !== normDn(cert.subject)) return null;
    return importCa({
      store: 'Root',
      cert,
      url: null,
      issuer: cert.subject,
      title: `Trust the root CA ${cert.subject} (LocalMachine\\Root)`,
      summary: `The chain ends in ${cert.subject}, which this machine does not trust. The script adds that root to Trusted Root Certification Authorities. Confirm its fingerprint with its owner first: a trusted root vouches for every certificate it issues.`,
      what: [`Imports ${cert.subject} into Cert:\\LocalMachine\\Root.`, 'Backup: the certificate file and its thumbprint in the backup folder (nothing is removed or replaced).'],
      warnings: [
        'CHECK THE FINGERPRINT OUT OF BAND BEFORE RUNNING THIS: call or mail the owner of this CA and compare.',
        `SHA-256 ${colonHex(cert.sha256)}`,
        `SHA-1   ${colonHex(cert.thumbprint)}`,
      ],
      targetKind: 'import',
      selfSigned: 'require',
    });
  },
};

export const clientAuthIssuers: FixGenerator = {
  fixId: 'schannel.client-auth-issuers',
  shell: 'powershell',
  build(_f, p) {
    if (p.serverSoftware && p.serverSoftware !== 'iis') return null;
    const warnings = [
      'While Client Authentication Issuers holds certificates, Schannel sends only their names and, in its default trust mode (ClientAuthTrustMode 0), accepts client certificates only from those CAs: add every CA whose clients this server must accept (reference section 6).',
    ];
    const notes = ['Restart IIS (iisreset) or the server so Schannel rebuilds its trusted issuer list.'];
    const what = (name: string) => [
      `Adds ${name} to Cert:\\LocalMachine\\ClientAuthIssuer (Client Authentication Issuers). Since Windows Server 2012, Schannel sends the names in that store, when it holds any, instead of the whole Trusted Root store. The other way is a CTL store on the binding (netsh sslctlstorename).`,
      'Backup: the certificate file and its thumbprint, and the list of what the store held before.',
    ];
    const src = p.certificatePem !== undefined ? caSource(p) : null;
    if (src?.cert) {
      const body = importCa({
        store: 'ClientAuthIssuer',
        ...src,
        title: `Send only the client's issuing CA (${src.issuer}) in the certificate request`,
        summary: `Schannel's CA list is too large or misses the client's CA. Putting the issuing CA ${src.issuer} into the Client Authentication Issuers store makes Schannel send that short list instead of every trusted root.`,
        what: what(src.issuer),
        warnings,
        notes,
        targetKind: 'add',
        selfSigned: 'any',
      });
      return { ...body, backup: ["Get-ChildItem -LiteralPath 'Cert:\\LocalMachine\\ClientAuthIssuer' | ForEach-Object { $_.Thumbprint + ' ' + $_.Subject } | Set-Content -LiteralPath (Join-Path $Backup 'store-before.txt') -Encoding UTF8", ...body.backup] };
    }
    if (p.certificatePem !== undefined) return null;
    const tp = normThumbprint(p.thumbprint);
    if (!tp) return null;
    return {
      title: `Send only the client's issuing CA (${tp}) in the certificate request`,
      summary: `Schannel's CA list is too large or misses the client's CA. Copying the issuing CA ${tp} from the machine's stores into Client Authentication Issuers makes Schannel send that short list instead of every trusted root.`,
      what: what(`the CA certificate ${tp} (copied from LocalMachine\\CA or LocalMachine\\Root)`),
      warnings,
      target: `Cert:\\LocalMachine\\ClientAuthIssuer add ${tp}`,
      label: tp,
      vars: [['Thumbprint', tp]],
      helpers: ['stores'],
      check: [
        '$Source = $null',
        "foreach ($s in @('CA', 'Root')) { if (($null -eq $Source) -and (Test-CertbenchCert $s $Thumbprint)) { $Source = $s } }",
        "if (Test-CertbenchCert 'ClientAuthIssuer' $Thumbprint) { $Done = $true } elseif ($null -eq $Source) { throw ('No certificate ' + $Thumbprint + ' in LocalMachine\\CA or LocalMachine\\Root to copy. Nothing was changed') }",
      ],
      doneMessage: 'the certificate is already in LocalMachine\\ClientAuthIssuer.',
      backup: [
        "Get-ChildItem -LiteralPath 'Cert:\\LocalMachine\\ClientAuthIssuer' | ForEach-Object { $_.Thumbprint + ' ' + $_.Subject } | Set-Content -LiteralPath (Join-Path $Backup 'store-before.txt') -Encoding UTF8",
        "Export-CertbenchCert $Source $Thumbprint (Join-Path $Backup 'added.cer')",
        "Set-Content -LiteralPath (Join-Path $Backup 'added.txt') -Value $Thumbprint -Encoding ASCII",
      ],
      change: ["Import-CertbenchCert 'ClientAuthIssuer' (Join-Path $Backup 'added.cer') | Out-Null"],
      verify: [
        "if (-not (Test-CertbenchCert 'ClientAuthIssuer' $Thumbprint)) { throw ('VERIFY FAILED: ' + $Thumbprint + ' is not in LocalMachine\\ClientAuthIssuer; run the undo script') }",
        "Write-Output ('Client Authentication Issuers now holds ' + @(Get-ChildItem -LiteralPath 'Cert:\\LocalMachine\\ClientAuthIssuer').Count + ' certificate(s); Schannel sends their names.')",
      ],
      notes,
      undo: [
        "$Added = (Get-Content -LiteralPath (Join-Path $Backup 'added.txt') -Raw).Trim()",
        "if (Test-CertbenchCert 'ClientAuthIssuer' $Added) { Remove-Item -LiteralPath (Get-CertbenchCertPath 'ClientAuthIssuer' $Added) }",
        "if (Test-CertbenchCert 'ClientAuthIssuer' $Added) { throw ('VERIFY FAILED: ' + $Added + ' is still in LocalMachine\\ClientAuthIssuer') }",
      ],
    };
  },
};

