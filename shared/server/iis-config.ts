// One file because IIS's merge is one algorithm: the server level, each <location path> and the
// inheritance of every client-certificate setting decide together which value wins and where it came
// from (reference section 8); split, the origin each setting records would be passed between files.
import { CertbenchError, formatBytes } from '../errors';
import type { IisAppSettings, IisConfig, IisSite, SettingOrigin } from '../model/server';
import { promptOf, undoEncodingDebris } from './paste-noise';
import { childNamed, childrenNamed, descend, openingTag, parseXmlTree, type XmlElement } from './xml-tree';

/**
 * applicationHost.config and web.config, read the way IIS merges them (reference section 8): server
 * level <system.webServer>, then <location path="Site">, then <location path="Site/App"> and deeper,
 * the last value written winning. For every application (and every sub-folder a location names) we
 * keep the effective client-certificate settings and where each came from, because the field's most
 * common IIS mistakes are about *where* a setting sits (field note 001 item 2: mappings below the site
 * are ignored), not what it says.
 */

/** A configuration file is a few hundred KB; 20 MB is far beyond any real one and bounds the parse. */
export const IIS_CONFIG_LIMIT = 20 * 1024 * 1024;

/** <access sslFlags> names (reference 8) and the numeric values the schema stores them as. */
const ACCESS_FLAGS: [string, number][] = [
  ['Ssl', 8],
  ['SslNegotiateCert', 32],
  ['SslRequireCert', 64],
  ['SslMapCert', 128],
  ['Ssl128', 256],
];

/** Parse an sslFlags value: "Ssl, SslNegotiateCert", "ssl,sslrequirecert", or a number; None is the empty list. */
export function parseAccessSslFlags(value: string): string[] {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return ACCESS_FLAGS.filter(([, bit]) => (n & bit) !== 0).map(([name]) => name);
  }
  const out: string[] = [];
  for (const part of text.split(/[,\s|]+/)) {
    if (!part || /^none$/i.test(part)) continue;
    const known = ACCESS_FLAGS.find(([name]) => name.toLowerCase() === part.toLowerCase());
    const name = known ? known[0] : part;
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

const bool = (v: string | undefined): boolean | null => (v === undefined ? null : /^\s*true\s*$/i.test(v) ? true : /^\s*false\s*$/i.test(v) ? false : null);

/** Location paths compare case-insensitively, without leading/trailing slashes; "" and "." are the server. */
function normPath(p: string | undefined): string {
  const t = (p ?? '').trim().replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  return t === '.' ? '' : t;
}
const key = (p: string) => p.toLowerCase();
const depth = (p: string) => (p === '' ? 0 : p.split('/').length);

/** Is `ancestor` the same path as `path` or one of its parents (segment-wise)? */
function covers(ancestor: string, path: string): boolean {
  if (ancestor === '') return true;
  const a = key(ancestor);
  const p = key(path);
  return p === a || p.startsWith(`${a}/`);
}

/** One <system.webServer> / <system.serviceModel> block and where it applies. */
interface Scope {
  /** Normalized location path ("" = server; for a web.config, relative to the file's application). */
  path: string;
  /** The path as written, for origins and evidence. */
  display: string;
  level: SettingOrigin['level'];
  line: number | null;
  noInherit: boolean;
  webServer: XmlElement[];
  serviceModel: XmlElement[];
  order: number;
}

type Declaration = NonNullable<IisConfig['declarations']>[number];

/** The effective state of the mapping section while the scopes are applied in order. */
interface MappingState {
  enabled: boolean;
  oneToOneEnabled: boolean;
  manyToOneEnabled: boolean;
  oneToOne: Map<string, true>;
  manyToOne: Map<string, true>;
  origin: SettingOrigin | null;
}

/** A short, non-reversible key for a one-to-one mapping: its certificate text is never kept. */
function fingerprint(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${(h >>> 0).toString(16)}:${s.length}`;
}

/**
 * Apply a mapping collection (<oneToOneMappings>/<manyToOneMappings>): <clear/> empties what was
 * inherited, <remove> drops one entry by its key, <add> adds (IIS collection semantics).
 */
function applyCollection(el: XmlElement | undefined, into: Map<string, true>, keyOf: (attrs: Record<string, string>) => string): number {
  let added = 0;
  for (const c of el?.children ?? []) {
    if (c.name === 'clear') into.clear();
    else if (c.name === 'remove') into.delete(keyOf(c.attrs));
    else if (c.name === 'add') {
      into.set(keyOf(c.attrs), true);
      added++;
    }
  }
  return added;
}

const oneToOneKey = (a: Record<string, string>) => fingerprint(a.certificate ?? a.userName ?? '');
const manyToOneKey = (a: Record<string, string>) => (a.name ?? '').toLowerCase();

/** WCF bindings whose security asks for a client certificate at the transport (HTTPS) level. */
const HTTP_BINDINGS = ['basicHttpBinding', 'basicHttpsBinding', 'wsHttpBinding', 'ws2007HttpBinding', 'webHttpBinding', 'netHttpBinding', 'netHttpsBinding'];
/** Binding types whose default security mode is already Transport. */
const TRANSPORT_BY_DEFAULT = ['basicHttpsBinding', 'netHttpsBinding'];

function certificateTransportMode(type: string, binding: XmlElement): string | null {
  if (type === 'customBinding') {
    const https = childNamed(binding, 'httpsTransport');
    return https && bool(https.attrs.requireClientCertificate) === true ? 'httpsTransport requireClientCertificate' : null;
  }
  if (!HTTP_BINDINGS.includes(type)) return null;
  const security = childNamed(binding, 'security');
  const mode = security?.attrs.mode ?? (TRANSPORT_BY_DEFAULT.includes(type) ? 'Transport' : 'None');
  if (!/^Transport(WithMessageCredential)?$/i.test(mode.trim())) return null;
  const credential = childNamed(security, 'transport')?.attrs.clientCredentialType ?? '';
  return /^\s*certificate\s*$/i.test(credential) ? mode.trim() : null;
}

type Wcf = NonNullable<IisAppSettings['wcf']>[number];

/** WCF services in one <system.serviceModel> whose endpoint binding requires a client certificate. */
function wcfServices(sm: XmlElement, origin: (line: number | null) => SettingOrigin): Wcf[] {
  const configs = new Map<string, string>();
  for (const typeEl of descend(sm, 'bindings')?.children ?? []) {
    for (const b of childrenNamed(typeEl, 'binding')) {
      const mode = certificateTransportMode(typeEl.name, b);
      if (mode) configs.set(`${typeEl.name}|${b.attrs.name ?? ''}`, mode);
    }
  }
  const out: Wcf[] = [];
  const services = childrenNamed(descend(sm, 'services'), 'service');
  for (const svc of services) {
    for (const ep of childrenNamed(svc, 'endpoint')) {
      const binding = ep.attrs.binding ?? '';
      const conf = ep.attrs.bindingConfiguration ?? '';
      const mode = configs.get(`${binding}|${conf}`);
      if (mode) out.push({ service: svc.attrs.name ?? '(unnamed service)', binding, bindingConfiguration: conf, mode, origin: origin(ep.line ?? svc.line) });
    }
  }
  // WCF 4 default endpoints: without <services>, a .svc uses the unnamed configuration of the binding
  // protocolMapping picks for https (basicHttpBinding unless mapped otherwise).
  if (!services.length) {
    const mapped = childrenNamed(descend(sm, 'protocolMapping'), 'add').find((a) => /^https$/i.test(a.attrs.scheme ?? ''));
    const binding = mapped?.attrs.binding ?? 'basicHttpBinding';
    const conf = mapped?.attrs.bindingConfiguration ?? '';
    const mode = configs.get(`${binding}|${conf}`);
    if (mode) out.push({ service: '(default endpoints)', binding, bindingConfiguration: conf, mode, origin: origin(mapped?.line ?? sm.line) });
  }
  return out;
}

interface Target {
  site: string;
  /** Full normalized path: "Default Web Site/api"; the root application is "Default Web Site". */
  full: string;
  /** The application this target belongs to (itself for an application). */
  appFull: string;
  settings: IisAppSettings;
}

function emptySettings(path: string, site: string, application: string, pool: string | null, physicalPath: string | null): IisAppSettings {
  return {
    path,
    site,
    application,
    applicationPool: pool,
    physicalPath,
    sslFlags: { flags: [], origin: null },
    // Not written in this file: IIS ships applicationHost.config with anonymous enabled at server
    // level, and a web.config inherits it. origin null says "default", and no rule fires on a default.
    anonymous: { enabled: true, origin: null },
    iisMapping: { enabled: false, oneToOne: 0, manyToOne: 0, origin: null },
    adMapping: { enabled: false, origin: null },
    wcfServices: [],
  };
}

/** The elements a pasted fragment of a configuration file may start with. */
const FRAGMENT_ROOTS = new Set(['system.webServer', 'system.serviceModel', 'system.applicationHost', 'location']);

/**
 * The XML of a pasted configuration: rows before the first one that starts with "<" (a prompt, `type
 * web.config`, other output) and after the last one that ends with ">" (the next prompt) are blanked,
 * not removed, so line numbers stay those of the paste.
 */
function xmlPart(text: string): string {
  const rows = text.split('\n').map((r) => (promptOf(r.replace(/\r$/, '')) ? '' : r));
  const first = rows.findIndex((r) => r.trimStart().startsWith('<'));
  if (first < 0) return text;
  let last = rows.length - 1;
  while (last > first && !rows[last]!.trimEnd().endsWith('>')) last--;
  return rows.map((r, i) => (i < first || i > last ? '' : r)).join('\n');
}

/** The parsed file: its <configuration> (a fragment wrapped in one), kind, and the notes reading it made. */
interface ConfigRoot {
  body: string;
  root: XmlElement;
  appHost: XmlElement | undefined;
  kind: IisConfig['kind'];
  notes: string[];
}

function readRoot(text: string, source: string): ConfigRoot {
  if (text.length > IIS_CONFIG_LIMIT) {
    throw new CertbenchError('too-large', `${source}: ${formatBytes(text.length)} is more than the ${formatBytes(IIS_CONFIG_LIMIT)} an IIS configuration file is read up to`);
  }
  const body = xmlPart(undoEncodingDebris(text));
  const top = parseXmlTree(body, source);
  const fragment = !top.some((e) => e.name === 'configuration') && top.some((e) => FRAGMENT_ROOTS.has(e.name));
  // A pasted fragment (<system.serviceModel> alone, a <location> cut out of applicationHost.config)
  // is read as if it sat in a <configuration> of its own.
  const root = fragment ? { name: 'configuration', attrs: {}, children: top, start: null, line: null } : top.find((e) => e.name === 'configuration');
  if (!root) throw new CertbenchError('bad-input', `${source}: not an IIS configuration file (no <configuration> root element, and no <system.webServer>, <system.serviceModel> or <location> fragment)`);
  const appHost = childNamed(root, 'system.applicationHost');
  const kind: IisConfig['kind'] = appHost ? 'applicationHost' : 'web.config';
  const notes: string[] = [];
  if (fragment) notes.push(`${source} is a fragment (${top.map((e) => `<${e.name}>`).join(', ')} without <configuration>); it was read as a ${kind === 'applicationHost' ? 'applicationHost.config' : 'web.config'} holding only that.`);
  return { body, root, appHost, kind, notes };
}

/** The configuration root and every <location>, in file order: the scopes settings are written in. */
function readScopes({ root, kind }: ConfigRoot, source: string): Scope[] {
  const scopes: Scope[] = [];
  const levelOf = (p: string): SettingOrigin['level'] => (kind === 'web.config' ? 'application' : depth(p) === 0 ? 'server' : depth(p) === 1 ? 'site' : 'application');
  const addScope = (el: XmlElement, path: string, display: string, line: number | null, noInherit: boolean) =>
    scopes.push({
      path,
      display,
      level: levelOf(path),
      line,
      noInherit,
      webServer: childrenNamed(el, 'system.webServer'),
      serviceModel: childrenNamed(el, 'system.serviceModel'),
      order: scopes.length,
    });
  addScope(root, '', kind === 'web.config' ? source : 'server', null, false);
  for (const loc of childrenNamed(root, 'location')) {
    const raw = loc.attrs.path ?? '';
    const p = normPath(raw);
    const display = p === '' ? (kind === 'web.config' ? source : 'server') : kind === 'web.config' ? `${source}/${p}` : p;
    addScope(loc, p, display, loc.line, bool(loc.attrs.inheritInChildApplications) === false);
  }
  return scopes;
}

/** Application pools with their identity, a pool's own processModel winning over the defaults. */
function readAppPools(appHost: XmlElement): IisConfig['appPools'] {
  const pools = childNamed(appHost, 'applicationPools');
  const poolDefaults = descend(pools, 'applicationPoolDefaults', 'processModel');
  return childrenNamed(pools, 'add').map((add) => {
    const pm = childNamed(add, 'processModel');
    return {
      name: add.attrs.name ?? '',
      identityType: pm?.attrs.identityType ?? poolDefaults?.attrs.identityType ?? null,
      userName: pm?.attrs.userName ?? poolDefaults?.attrs.userName ?? null,
    };
  });
}

/** One <site>: its bindings and applications (a root application assumed when the file has none). */
function readSite(siteEl: XmlElement, allDefaultPool: string | null, source: string, notes: string[], targets: Target[]): IisSite {
  const name = siteEl.attrs.name ?? '';
  const sitePool = childNamed(siteEl, 'applicationDefaults')?.attrs.applicationPool ?? allDefaultPool;
  const site: IisSite = {
    name,
    id: siteEl.attrs.id ?? null,
    bindings: childrenNamed(childNamed(siteEl, 'bindings'), 'binding').map((b) => ({
      protocol: b.attrs.protocol ?? '',
      bindingInformation: b.attrs.bindingInformation ?? '',
      sslFlags: b.attrs.sslFlags !== undefined && /^\s*\d+\s*$/.test(b.attrs.sslFlags) ? Number(b.attrs.sslFlags) : null,
    })),
    applications: [],
  };
  const apps = childrenNamed(siteEl, 'application');
  if (!apps.some((a) => normPath(a.attrs.path) === '')) {
    notes.push(`Site "${name}" has no root application (<application path="/">) in ${source}; one was assumed.`);
  }
  const appList = apps.length && apps.some((a) => normPath(a.attrs.path) === '') ? apps : [null, ...apps];
  for (const appEl of appList) {
    const rel = appEl ? normPath(appEl.attrs.path) : '';
    const vdir = appEl ? childrenNamed(appEl, 'virtualDirectory').find((v) => normPath(v.attrs.path) === '') : undefined;
    const full = rel ? `${name}/${rel}` : name;
    const settings = emptySettings(`${name}/${rel}`, name, `/${rel}`, appEl?.attrs.applicationPool ?? sitePool, vdir?.attrs.physicalPath ?? null);
    site.applications.push(settings);
    targets.push({ site: name, full, appFull: full, settings });
  }
  return site;
}

/** Sites and the targets settings are computed for: every application, or the one a web.config describes. */
function readSites({ appHost }: ConfigRoot, source: string, notes: string[]): { sites: IisSite[]; targets: Target[] } {
  const targets: Target[] = [];
  if (!appHost) {
    // A web.config describes one application whose site and path the file does not say.
    const settings = emptySettings(source, source, '/', null, null);
    targets.push({ site: source, full: '', appFull: '', settings });
    return { sites: [{ name: source, id: null, bindings: [], applications: [settings] }], targets };
  }
  const sitesEl = childNamed(appHost, 'sites');
  const allDefaultPool = childNamed(sitesEl, 'applicationDefaults')?.attrs.applicationPool ?? null;
  const sites = childrenNamed(sitesEl, 'site').map((siteEl) => readSite(siteEl, allDefaultPool, source, notes, targets));
  return { sites, targets };
}

/** Locations deeper than an application name sub-folders: give each its own entry under its application. */
function addFolderTargets(scopes: Scope[], sites: IisSite[], targets: Target[], kind: IisConfig['kind'], source: string, notes: string[]): void {
  const appTargets = [...targets];
  for (const scope of scopes) {
    if (scope.path === '' || targets.some((t) => key(t.full) === key(scope.path))) continue;
    const owner = appTargets.filter((t) => t.full === '' || covers(t.full, scope.path)).sort((a, b) => b.full.length - a.full.length)[0];
    if (!owner) {
      notes.push(`<location path="${scope.display}"> (line ${scope.line ?? '?'}) names no site of ${source}; its settings were not applied.`);
      continue;
    }
    const rest = owner.full === '' ? scope.path : scope.path.slice(owner.full.length + 1);
    const application = `${owner.settings.application.replace(/\/$/, '')}/${rest}`;
    const settings = {
      ...emptySettings(kind === 'web.config' ? scope.display : scope.path, owner.site, application, owner.settings.applicationPool, owner.settings.physicalPath),
      folderOf: owner.settings.path,
    };
    const siteEntry = sites.find((s) => s.name === owner.site);
    siteEntry?.applications.push(settings);
    targets.push({ site: owner.site, full: scope.path, appFull: owner.full, settings });
  }
}

const originIn = (scope: Scope, source: string) => (line: number | null): SettingOrigin => ({ location: scope.display, level: scope.level, file: source, line });

/** Every client-certificate element as written, in every scope (the evidence the findings cite). */
function readDeclarations(scopes: Scope[], body: string, source: string): Declaration[] {
  const declarations: Declaration[] = [];
  for (const scope of scopes) {
    for (const ws of scope.webServer) {
      const origin = originIn(scope, source);
      const access = descend(ws, 'security', 'access');
      if (access) declarations.push({ section: 'access', origin: origin(access.line), xml: openingTag(body, access), enabled: null, oneToOne: 0, manyToOne: 0 });
      const auth = descend(ws, 'security', 'authentication');
      for (const section of ['anonymousAuthentication', 'iisClientCertificateMappingAuthentication', 'clientCertificateMappingAuthentication'] as const) {
        const el = childNamed(auth, section);
        if (!el) continue;
        declarations.push({
          section,
          origin: origin(el.line),
          xml: openingTag(body, el),
          enabled: bool(el.attrs.enabled),
          oneToOne: childrenNamed(childNamed(el, 'oneToOneMappings'), 'add').length,
          manyToOne: childrenNamed(childNamed(el, 'manyToOneMappings'), 'add').length,
        });
      }
    }
  }
  return declarations;
}

/** IIS one-to-one / many-to-one mapping: later scopes switch it and add to or clear its collections. */
function applyIisMapping(iis: XmlElement, mapping: MappingState, origin: (line: number | null) => SettingOrigin): void {
  const enabled = bool(iis.attrs.enabled);
  if (enabled !== null) {
    mapping.enabled = enabled;
    mapping.origin = origin(iis.line);
  }
  mapping.oneToOneEnabled = bool(iis.attrs.oneToOneCertificateMappingsEnabled) ?? mapping.oneToOneEnabled;
  mapping.manyToOneEnabled = bool(iis.attrs.manyToOneCertificateMappingsEnabled) ?? mapping.manyToOneEnabled;
  const added =
    applyCollection(childNamed(iis, 'oneToOneMappings'), mapping.oneToOne, oneToOneKey) +
    applyCollection(childNamed(iis, 'manyToOneMappings'), mapping.manyToOne, manyToOneKey);
  if (enabled === null && added > 0 && !mapping.origin) mapping.origin = origin(iis.line);
}

/** One <system.webServer> over the settings so far: what it writes wins, with where it was written. */
function applyWebServer(ws: XmlElement, st: IisAppSettings, mapping: MappingState, origin: (line: number | null) => SettingOrigin): void {
  const access = descend(ws, 'security', 'access');
  if (access?.attrs.sslFlags !== undefined) st.sslFlags = { flags: parseAccessSslFlags(access.attrs.sslFlags), origin: origin(access.line) };
  const auth = descend(ws, 'security', 'authentication');
  const anon = childNamed(auth, 'anonymousAuthentication');
  const anonEnabled = bool(anon?.attrs.enabled);
  if (anon && anonEnabled !== null) st.anonymous = { enabled: anonEnabled, origin: origin(anon.line) };
  const ad = childNamed(auth, 'clientCertificateMappingAuthentication');
  const adEnabled = bool(ad?.attrs.enabled);
  if (ad && adEnabled !== null) st.adMapping = { enabled: adEnabled, origin: origin(ad.line) };
  const iis = childNamed(auth, 'iisClientCertificateMappingAuthentication');
  if (iis) applyIisMapping(iis, mapping, origin);
}

/** The effective settings of one target: the scopes that cover it, server first, the last written winning. */
function applyScopes(t: Target, scopes: Scope[], source: string): void {
  const applicable = scopes
    .filter((s) => covers(s.path, t.full))
    // inheritInChildApplications="false": the location's settings stop at its own application.
    .filter((s) => !(s.noInherit && s.path !== '' && key(s.path) !== key(t.appFull) && covers(s.path, t.appFull)))
    .sort((a, b) => depth(a.path) - depth(b.path) || a.order - b.order);
  const st = t.settings;
  const mapping: MappingState = { enabled: false, oneToOneEnabled: true, manyToOneEnabled: true, oneToOne: new Map(), manyToOne: new Map(), origin: null };
  for (const scope of applicable) {
    const origin = originIn(scope, source);
    for (const ws of scope.webServer) applyWebServer(ws, st, mapping, origin);
    // WCF services belong to the exact application (or folder) whose location declares them.
    if (key(scope.path) === key(t.full)) {
      for (const sm of scope.serviceModel) {
        for (const w of wcfServices(sm, origin)) {
          st.wcf = [...(st.wcf ?? []), w];
          if (!st.wcfServices.includes(w.service)) st.wcfServices.push(w.service);
        }
      }
    }
  }
  // Counts are of the mappings that take part: a kind switched off (…MappingsEnabled="false") counts 0.
  st.iisMapping = {
    enabled: mapping.enabled,
    oneToOne: mapping.oneToOneEnabled ? mapping.oneToOne.size : 0,
    manyToOne: mapping.manyToOneEnabled ? mapping.manyToOne.size : 0,
    origin: mapping.origin,
  };
}

/** Read applicationHost.config or a web.config (kind detected from <system.applicationHost>), or a fragment of one. */
export function parseIisConfig(text: string, source: string): IisConfig {
  const config = readRoot(text, source);
  const { kind, notes } = config;
  const scopes = readScopes(config, source);
  const appPools = config.appHost ? readAppPools(config.appHost) : [];
  const { sites, targets } = readSites(config, source, notes);
  addFolderTargets(scopes, sites, targets, kind, source, notes);
  const declarations = readDeclarations(scopes, config.body, source);
  for (const t of targets) applyScopes(t, scopes, source);

  if (kind === 'applicationHost') {
    const serverWcf = scopes.filter((s) => s.path === '' && s.serviceModel.length);
    if (serverWcf.length) notes.push(`${source} has a server-level <system.serviceModel>; its services are not tied to an application and are not shown.`);
  }

  // File order, so the UI and evidence read top to bottom like the file does.
  declarations.sort((a, b) => (a.origin.line ?? 0) - (b.origin.line ?? 0));
  return { source, kind, sites, appPools, notes, declarations };
}
