import { finding, type Evidence, type Finding } from '../findings/catalogue';
import type { IisAppSettings, IisConfig, SettingOrigin } from '../model/server';

/**
 * The iis.* rules (DESIGN.md catalogue) over parsed applicationHost.config / web.config files. Pure:
 * the renderer, the CLI and bundles judge a configuration the same way. Each finding quotes the file,
 * the line and the tag as written, because the fix is always "edit that line" or "move that block".
 */

type Declaration = NonNullable<IisConfig['declarations']>[number];

/**
 * What IIS does about client certificates for this application, from its effective <access sslFlags>
 * (reference 8: SslNegotiateCert = Accept, SslRequireCert = Require; IIS Manager writes both for Require).
 */
export function requiresClientCert(app: IisAppSettings): 'require' | 'accept' | 'ignore' {
  const flags = app.sslFlags.flags.map((f) => f.toLowerCase());
  if (flags.includes('sslrequirecert')) return 'require';
  if (flags.includes('sslnegotiatecert')) return 'accept';
  return 'ignore';
}

type MappingSection = 'iisClientCertificateMappingAuthentication' | 'clientCertificateMappingAuthentication';
const SECTION_WORDS: Record<MappingSection, string> = {
  iisClientCertificateMappingAuthentication: 'IIS client certificate mapping (one-to-one / many-to-one)',
  clientCertificateMappingAuthentication: 'Active Directory client certificate mapping',
};

const where = (o: SettingOrigin) => `${o.file}${o.line !== null ? ` line ${o.line}` : ''}`;
const locationTag = (config: IisConfig, o: SettingOrigin) =>
  config.kind === 'applicationHost' && o.level !== 'server' ? `<location path="${o.location}">` : o.level === 'server' ? 'server level' : 'this web.config';

/** The IIS path of an application without the root's trailing slash: "Default Web Site", "Default Web Site/api". */
const iisLocation = (app: IisAppSettings) => app.path.replace(/\/$/, '');

/**
 * The params a fix generator needs to address the setting (FINDING_PARAM_KEYS): the IIS location,
 * site and application for applicationHost.config. A web.config does not say which site it belongs
 * to, so only its file is given and the generator asks for the rest.
 */
function params(config: IisConfig, location: string): Record<string, string> {
  if (config.kind === 'web.config') return { file: config.source };
  const [site = location, ...rest] = location.split('/');
  return { location, site, application: `/${rest.join('/')}`, file: config.source, serverSoftware: 'iis' };
}

function declarationAt(config: IisConfig, section: Declaration['section'], origin: SettingOrigin | null): Declaration | undefined {
  if (!origin) return undefined;
  return (config.declarations ?? []).find((d) => d.section === section && d.origin.line === origin.line && d.origin.location === origin.location);
}

function declEvidence(config: IisConfig, d: Declaration): Evidence {
  return { kind: 'config', text: `${where(d.origin)}, ${locationTag(config, d.origin)}: ${d.xml}` };
}

function originEvidence(config: IisConfig, section: Declaration['section'], origin: SettingOrigin | null, fallback: string): Evidence {
  const d = declarationAt(config, section, origin);
  if (d) return declEvidence(config, d);
  return { kind: 'config', text: origin ? `${where(origin)}, ${locationTag(config, origin)}` : fallback };
}

/** The public checklist the field's rules come from (MSDN blog, "403.7 and 500 Client Certificate Authentication Errors - IIS"). */
const CHECKLIST = 'the IIS support checklist "403.7 and 500 Client Certificate Authentication Errors"';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** iis.mapping-at-application-level: mapping sections written below the site, which IIS does not read. */
function mappingBelowSite(config: IisConfig): Finding[] {
  const out: Finding[] = [];
  for (const d of config.declarations ?? []) {
    if (d.section !== 'iisClientCertificateMappingAuthentication' && d.section !== 'clientCertificateMappingAuthentication') continue;
    if (d.origin.level !== 'application') continue;
    const mappings = d.oneToOne + d.manyToOne;
    if (d.enabled !== true && mappings === 0) continue;
    const place = config.kind === 'web.config' ? `the web.config ${config.source}` : `<location path="${d.origin.location}">`;
    const site = config.kind === 'applicationHost' ? (d.origin.location.split('/')[0] ?? d.origin.location) : null;
    const target = site ? `<location path="${site}">` : 'the site\'s <location path="Site"> in applicationHost.config';
    const evidence: Evidence[] = [declEvidence(config, d)];
    if (d.oneToOne) evidence.push({ kind: 'mappings', text: `${plural(d.oneToOne, 'one-to-one mapping')} defined here (passwords and certificates not shown)` });
    if (d.manyToOne) evidence.push({ kind: 'mappings', text: `${plural(d.manyToOne, 'many-to-one mapping')} defined here (passwords not shown)` });
    out.push(
      finding(
        'iis.mapping-at-application-level',
        mappings ? 'Certificate mappings are defined on an application, where IIS ignores them' : 'Certificate mapping is switched on below the site, where IIS does not read it',
        `${SECTION_WORDS[d.section]} is configured in ${place} (${where(d.origin)}). IIS reads certificate mappings only at server or site level; at application level they are ignored, so a client with the right certificate still gets 403.7 or 401 (${CHECKLIST}, step 2). Move this block to ${target} and leave only the SSL settings (client certificates Require or Accept) at the application.`,
        evidence,
        { severity: mappings ? 'error' : 'warning', params: params(config, d.origin.location) },
      ),
    );
  }
  return out;
}

/** iis.ssl-flags-not-requiring-cert: mapping on, but IIS never asks for a certificate there. */
function mappingWithoutCertificate(config: IisConfig): Finding[] {
  const out: Finding[] = [];
  for (const site of config.sites) {
    for (const app of site.applications) {
      if (!app.iisMapping.enabled && !app.adMapping.enabled) continue;
      if (requiresClientCert(app) !== 'ignore') continue;
      // Another application or folder of the same site asks for certificates: the mapping is probably
      // meant for that one and only inherited here, so this is a warning, not the cause of a 403.
      const elsewhere = site.applications.some((a) => a !== app && requiresClientCert(a) !== 'ignore');
      const kinds = [app.iisMapping.enabled ? 'IIS client certificate mapping' : null, app.adMapping.enabled ? 'Active Directory client certificate mapping' : null].filter(Boolean).join(' and ');
      const flags = app.sslFlags.flags.length ? app.sslFlags.flags.join(', ') : 'None';
      const evidence: Evidence[] = [
        originEvidence(config, 'access', app.sslFlags.origin, `${config.source}: sslFlags is not set for ${app.path}, so it is None`),
      ];
      if (app.iisMapping.enabled) evidence.push(originEvidence(config, 'iisClientCertificateMappingAuthentication', app.iisMapping.origin, 'iisClientCertificateMappingAuthentication enabled'));
      if (app.adMapping.enabled) evidence.push(originEvidence(config, 'clientCertificateMappingAuthentication', app.adMapping.origin, 'clientCertificateMappingAuthentication enabled'));
      out.push(
        finding(
          'iis.ssl-flags-not-requiring-cert',
          'Certificate mapping is on, but IIS never asks for a client certificate here',
          `For ${iisLocation(app)}, ${kinds} is enabled, but the SSL settings in effect are "${flags}"${app.sslFlags.origin ? ` (from ${where(app.sslFlags.origin)})` : ''}: neither SslNegotiateCert (Accept) nor SslRequireCert (Require). IIS then never requests a certificate, so there is nothing to map and users are refused. In IIS Manager open SSL Settings for ${iisLocation(app)} and set Client certificates to Require (sslFlags "Ssl, SslNegotiateCert, SslRequireCert").${elsewhere ? ' Another application or folder of this site does ask for certificates; if the mapping is meant only for it, this one can be left alone.' : ''}`,
          evidence,
          { severity: elsewhere ? 'warning' : 'error', params: config.kind === 'web.config' ? params(config, '') : params(config, iisLocation(app)) },
        ),
      );
    }
  }
  return out;
}

/** iis.anonymous-needed-for-wcf: WCF transport client certificates with anonymous authentication off. */
function wcfWithoutAnonymous(config: IisConfig): Finding[] {
  const out: Finding[] = [];
  for (const app of config.sites.flatMap((s) => s.applications)) {
    // Only an explicit enabled="false" counts; a file that does not say inherits the server's setting.
    if (!app.wcfServices.length || app.anonymous.enabled || !app.anonymous.origin) continue;
    const evidence: Evidence[] = (app.wcf ?? []).map((w) => ({
      kind: 'wcf',
      text: `${where(w.origin)}: service ${w.service} uses ${w.binding}${w.bindingConfiguration ? ` "${w.bindingConfiguration}"` : ''} with ${w.mode} and client certificates`,
    }));
    evidence.push(originEvidence(config, 'anonymousAuthentication', app.anonymous.origin, 'anonymousAuthentication enabled="false"'));
    out.push(
      finding(
        'iis.anonymous-needed-for-wcf',
        'A WCF service with client certificates needs anonymous authentication on',
        `${iisLocation(app)} hosts ${app.wcfServices.join(', ')} with transport security and client certificates, but anonymous authentication is off${app.anonymous.origin ? ` (${where(app.anonymous.origin)})` : ''}. WCF authenticates the certificate itself; IIS must let the request through, so "along with client certificate authentication you also need anonymous authentication enabled" (${CHECKLIST}). Turn Anonymous Authentication on for this application; the certificate is still required by the SSL settings and the binding.`,
        evidence,
        { params: config.kind === 'web.config' ? params(config, '') : params(config, iisLocation(app)) },
      ),
    );
  }
  return out;
}

/** All iis.* findings for the given configuration files, each file judged on its own. */
export function iisFindings(configs: IisConfig[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const config of configs) {
    for (const f of [...mappingBelowSite(config), ...mappingWithoutCertificate(config), ...wcfWithoutAnonymous(config)]) {
      const key = `${f.id}|${config.source}|${f.detail}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(f);
    }
  }
  return out;
}
