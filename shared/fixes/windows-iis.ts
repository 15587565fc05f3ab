import { isWindowsNativeArg } from './text';
import type { FixBody, FixGenerator } from './types';

/**
 * IIS configuration fixes through appcmd (reference section 8): sslFlags that require the client
 * certificate, anonymous authentication for WCF transport security (field note 001, last note), and
 * certificate mappings enabled at site level instead of below it (field note 001 step 2: mappings
 * below the site are ignored). The sections are locked at server level (overrideModeDefault Deny),
 * so every change goes to applicationHost.config with /commit:apphost. Each script takes a full
 * `appcmd add backup` first; sslFlags and anonymous authentication are undone by setting the saved
 * value back (other IIS changes made since stay), the mapping move by `appcmd restore backup`.
 */

/** An IIS configuration path ("Default Web Site" or "Default Web Site/api") from location or site/application. */
export function iisLocation(p: Readonly<Record<string, string>>): string | null {
  const site = p.site?.trim();
  const app = p.application?.trim().replace(/^\/+|\/+$/g, '');
  const loc = p.location?.trim().replace(/\/+$/, '') || (site ? (app ? `${site}/${app}` : site) : '');
  // A leading - or / would be read by appcmd as an option.
  if (!loc || !isWindowsNativeArg(loc) || /^[-/]/.test(loc)) return null;
  return loc;
}

const IIS_HELPERS = ['native', 'iis'];

function attributeFix(opts: {
  fixId: string;
  section: string;
  element: string;
  attribute: string;
  /** Whether the current value already satisfies the fix (PowerShell expression over $Before). */
  satisfied: string;
  /** The value to set (PowerShell expression, may use $Before). */
  newValue: string[];
  /** PowerShell expression true when the value read back is right (over $After). */
  verified: string;
  undoDefault: string;
  text: (loc: string) => Pick<FixBody, 'title' | 'summary' | 'what' | 'notes' | 'warnings' | 'doneMessage'>;
}): FixGenerator {
  return {
    fixId: opts.fixId,
    shell: 'powershell',
    build(_f, p) {
      if (p.serverSoftware && p.serverSoftware !== 'iis') return null;
      const loc = iisLocation(p);
      if (!loc) return null;
      const read = (v: string) => `${v} = Get-CertbenchIisAttribute $Location '${opts.section}' '${opts.element}' '${opts.attribute}'`;
      return {
        ...opts.text(loc),
        target: `appcmd ${loc} ${opts.section} ${opts.attribute}`,
        label: loc,
        vars: [['Location', loc]],
        helpers: IIS_HELPERS,
        check: [read('$Before'), `if (${opts.satisfied}) { $Done = $true }`],
        backup: ['New-CertbenchIisBackup $Backup', `Set-Content -LiteralPath (Join-Path $Backup '${opts.attribute}-before.txt') -Value $Before -NoNewline -Encoding UTF8`],
        change: [
          ...opts.newValue,
          `Invoke-CertbenchNative (Get-CertbenchAppCmd) @('set', 'config', $Location, '-section:${opts.section}', ('/${opts.attribute}:' + $NewValue), '/commit:apphost') | Write-Output`,
        ],
        verify: [read('$After'), `if (-not (${opts.verified})) { throw ('VERIFY FAILED: ${opts.attribute} at ' + $Location + ' is ' + $After + '; run the undo script') }`],
        undo: [
          `$Old = [string](Get-Content -LiteralPath (Join-Path $Backup '${opts.attribute}-before.txt') -Raw)`,
          `if (-not $Old) { $Old = '${opts.undoDefault}' }`,
          "$Old = $Old -replace '\\s', ''",
          `Invoke-CertbenchNative (Get-CertbenchAppCmd) @('set', 'config', $Location, '-section:${opts.section}', ('/${opts.attribute}:' + $Old), '/commit:apphost') | Write-Output`,
          read('$After'),
          "$Want = if ($Old -eq 'None') { '' } else { $Old }",
          "if ((($After -replace '\\s', '') -ne $Want) -and (($After -replace '\\s', '') -ne $Old)) { throw ('VERIFY FAILED: " + opts.attribute + " at ' + $Location + ' is ' + $After + ', not ' + $Old) }",
          "Write-Output ('If more must go back: appcmd restore backup ' + (Get-Content -LiteralPath (Join-Path $Backup 'appcmd-backup.txt') -Raw).Trim() + ' restores the whole IIS configuration as it was before the fix.')",
        ],
      };
    },
  };
}

const REQUIRED_FLAGS = "@('Ssl', 'SslNegotiateCert', 'SslRequireCert')";

export const sslFlagsRequire = attributeFix({
  fixId: 'iis.ssl-flags-require',
  section: 'system.webServer/security/access',
  element: 'access',
  attribute: 'sslFlags',
  satisfied: `@(${REQUIRED_FLAGS} | Where-Object { @($Before -split '\\s*,\\s*') -notcontains $_ }).Count -eq 0`,
  newValue: [
    "$Flags = @($Before -split '\\s*,\\s*' | Where-Object { $_ -and ($_ -ne 'None') })",
    `$NewValue = (@($Flags + ${REQUIRED_FLAGS}) | Select-Object -Unique) -join ','`,
  ],
  verified: `@(${REQUIRED_FLAGS} | Where-Object { @($After -split '\\s*,\\s*') -notcontains $_ }).Count -eq 0`,
  undoDefault: 'None',
  text: (loc) => ({
    title: `Require the client certificate at ${loc} (sslFlags Ssl, SslNegotiateCert, SslRequireCert)`,
    summary: `IIS at ${loc} does not require (or does not even accept) a client certificate, so it never asks for one or maps it. The script adds SslNegotiateCert and SslRequireCert (and Ssl) to the sslFlags of that path, keeping the flags it has.`,
    what: [`appcmd set config "${loc}" -section:system.webServer/security/access /sslFlags:<current flags>,Ssl,SslNegotiateCert,SslRequireCert /commit:apphost`, 'Backup: appcmd add backup (the whole IIS configuration) and the sslFlags value before.'],
    doneMessage: 'sslFlags already has Ssl, SslNegotiateCert and SslRequireCert.',
    notes: ['Without clientcertnegotiation on the HTTP.SYS binding, IIS asks for the certificate by renegotiation after the request (fails under TLS 1.3): see the netsh.clientcertnegotiation fix.'],
  }),
});

export const anonymousAuth = attributeFix({
  fixId: 'iis.anonymous-auth',
  section: 'system.webServer/security/authentication/anonymousAuthentication',
  element: 'anonymousAuthentication',
  attribute: 'enabled',
  satisfied: "$Before -eq 'true'",
  newValue: ["$NewValue = 'True'"],
  verified: "$After -eq 'true'",
  undoDefault: 'False',
  text: (loc) => ({
    title: `Enable anonymous authentication at ${loc} (WCF transport security with client certificates)`,
    summary: `A WCF service with transport security and client certificates needs anonymous authentication enabled in IIS alongside the certificate settings (field note 001); it is off at ${loc}. The script enables it there.`,
    what: [`appcmd set config "${loc}" -section:system.webServer/security/authentication/anonymousAuthentication /enabled:True /commit:apphost`, 'Backup: appcmd add backup (the whole IIS configuration) and the value before.'],
    doneMessage: 'anonymous authentication is already enabled there.',
    warnings: ['Only for WCF services that authenticate the client certificate themselves: elsewhere anonymous authentication lets requests in without one.'],
  }),
});

const MAPPING = 'system.webServer/security/authentication/iisClientCertificateMappingAuthentication';

export const siteLevelMapping: FixGenerator = {
  fixId: 'iis.site-level-mapping',
  shell: 'powershell',
  build(_f, p) {
    if (p.serverSoftware && p.serverSoftware !== 'iis') return null;
    const loc = iisLocation(p);
    if (!loc || !loc.includes('/')) return null;
    const site = p.site?.trim() || loc.slice(0, loc.indexOf('/'));
    if (!isWindowsNativeArg(site) || /^[-/]/.test(site) || !loc.toLowerCase().startsWith(`${site.toLowerCase()}/`)) return null;
    return {
      title: `Enable IIS client certificate mapping at site level (${site}) and clear it at ${loc}`,
      summary: `IIS reads client certificate mappings only at site level; those configured at ${loc} are ignored, so the certificate maps to no user (403.7 or 401). The script enables iisClientCertificateMappingAuthentication for ${site} and clears the section at ${loc}; the mappings themselves must then be created at site level.`,
      what: [
        `appcmd set config "${site}" -section:${MAPPING} /enabled:True /commit:apphost`,
        `appcmd clear config "${loc}" -section:${MAPPING} /commit:apphost (its mappings are saved to app-level-mappings.xml in the backup folder first).`,
        'Backup: appcmd add backup (the whole IIS configuration).',
      ],
      warnings: [
        'One-to-one mappings must be recreated at site level in IIS Manager (Microsoft: do not use appcmd for one-to-one mappings, their certificate strings break its parser); many-to-one mappings too, or with appcmd.',
        'The undo runs appcmd restore backup: IIS configuration changes made after this fix are lost with it.',
      ],
      target: `appcmd mapping ${site} <- ${loc}`,
      label: loc,
      vars: [
        ['Site', site],
        ['AppLocation', loc],
      ],
      helpers: IIS_HELPERS,
      check: [
        `$AppNode = Get-CertbenchMappingNode $AppLocation`,
        `$SiteEnabled = Get-CertbenchIisAttribute $Site '${MAPPING}' 'iisClientCertificateMappingAuthentication' 'enabled'`,
        "if (($null -eq $AppNode) -and ($SiteEnabled -eq 'true')) { $Done = $true }",
      ],
      doneMessage: 'mapping is enabled at site level and nothing is configured below it.',
      backup: [
        'New-CertbenchIisBackup $Backup',
        "if ($null -ne $AppNode) { Set-Content -LiteralPath (Join-Path $Backup 'app-level-mappings.xml') -Value $AppNode.OuterXml -Encoding UTF8 }",
      ],
      change: [
        `Invoke-CertbenchNative (Get-CertbenchAppCmd) @('set', 'config', $Site, '-section:${MAPPING}', '/enabled:True', '/commit:apphost') | Write-Output`,
        `if ($null -ne $AppNode) { Invoke-CertbenchNative (Get-CertbenchAppCmd) @('clear', 'config', $AppLocation, '-section:${MAPPING}', '/commit:apphost') | Write-Output }`,
      ],
      verify: [
        `if ((Get-CertbenchIisAttribute $Site '${MAPPING}' 'iisClientCertificateMappingAuthentication' 'enabled') -ne 'true') { throw ('VERIFY FAILED: mapping is not enabled at ' + $Site + '; run the undo script') }`,
        "if ($null -ne (Get-CertbenchMappingNode $AppLocation)) { throw ('VERIFY FAILED: ' + $AppLocation + ' still has its own mapping section; run the undo script') }",
      ],
      notes: ['Now create the mappings at site level (IIS Manager, the site, Configuration Editor or IIS Client Certificate Mapping Authentication); the ones removed are in app-level-mappings.xml in the backup folder.'],
      undo: [
        "$Name = (Get-Content -LiteralPath (Join-Path $Backup 'appcmd-backup.txt') -Raw).Trim()",
        "Invoke-CertbenchNative (Get-CertbenchAppCmd) @('restore', 'backup', $Name) | Write-Output",
        "if ((Test-Path -LiteralPath (Join-Path $Backup 'app-level-mappings.xml')) -and ($null -eq (Get-CertbenchMappingNode $AppLocation))) { throw ('VERIFY FAILED: the mapping section of ' + $AppLocation + ' is not back after appcmd restore backup ' + $Name) }",
      ],
    };
  },
};
