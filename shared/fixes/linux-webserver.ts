import { certificateFromPem, type FixCertificate } from './certificate';
import { cnOf } from './dn';
import { fileLabel, isConfigSafePath, isPort, isPosixPath } from './text';
import type { FixBody, FixGenerator, VarValue } from './types';

/**
 * Apache and nginx fixes: the certificate request in the first handshake and the CA names it
 * carries. The configuration file is edited by one awk program (webconf-awk.ts) that finds the server
 * block by port and host; the file is copied to the backup folder first, `nginx -t` / `apachectl
 * configtest` must pass after the edit (else the copy goes back and the script stops), then the
 * server reloads. The undo puts the saved copy back only if the file is still as the fix left it.
 *  - Apache: SSLVerifyClient in <Location>/<Directory> makes mod_ssl renegotiate after the request
 *    (TLS 1.2) or ask post-handshake (TLS 1.3, which browsers refuse); at <VirtualHost> level the
 *    request is in the first handshake. SSLCADNRequestFile sets the names sent.
 *  - nginx: ssl_verify_client exists only at server (or http) level; ssl_client_certificate is the
 *    list sent, ssl_trusted_certificate verifies without being sent (nginx docs).
 */

type Server = 'apache' | 'nginx';

interface Conf {
  server: Server;
  conf: string;
}

function confOf(p: Readonly<Record<string, string>>, server: Server): Conf | null {
  if (p.serverSoftware !== server || !isPosixPath(p.file)) return null;
  if (p.port !== undefined && !isPort(p.port)) return null;
  return { server, conf: p.file };
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

/** The CA file a fix writes next to the configuration: config-safe, since its path goes into the file. */
function caFileFor(conf: string, cert: FixCertificate, prefix: string): string | null {
  const file = `${dirOf(conf)}/${prefix}-${fileLabel(cert.commonName ?? cert.subject)}.pem`;
  return isConfigSafePath(file) ? file : null;
}

function commonVars(c: Conf, p: Readonly<Record<string, string>>) {
  return [
    ['server', c.server],
    ['conf', c.conf],
    ['host', p.host ?? ''],
    ['port', p.port ?? ''],
  ] as const;
}

const CONF_EXISTS = '[ -f "$conf" ] || fail "no configuration file $conf; nothing was changed"';
const SAVE_CONF = ['cp -p -- "$conf" "$backup/config"'];
const AFTER_EDIT = ['test_or_restore', 'cp -p -- "$conf" "$backup/config.after"', 'server_reload'];
const UNDO_CONF = [
  'if ! cmp -s -- "$conf" "$backup/config.after"; then fail "$conf changed after the fix; restore it by hand from $backup/config"; fi',
  'restore_conf "$conf" "$backup/config"',
  'config_test || fail "the restored configuration does not test clean; check $conf"',
  'server_reload',
  'cmp -s -- "$conf" "$backup/config" || fail "VERIFY FAILED: $conf is not the saved copy"',
];

/** Lines that write the CA file `ca_file` from `ca_pem` when it is not there yet (recorded for the undo). */
const WRITE_CA = [
  'if [ ! -e "$ca_file" ]; then',
  "  printf '%s' \"$ca_pem\" > \"$ca_file\"",
  '  chmod 644 -- "$ca_file"',
  "  printf '%s' \"$ca_file\" > \"$backup/created-ca-file.txt\"",
  "elif ! cmp -s -- \"$ca_file\" <(printf '%s' \"$ca_pem\"); then",
  '  fail "$ca_file exists with other content; nothing was changed"',
  'fi',
];
const UNDO_CA = ['if [ -f "$backup/created-ca-file.txt" ] && [ -e "$ca_file" ]; then rm -f -- "$ca_file"; fi'];

/**
 * Set directive lines in the server block: `lines` are [directive, full line] pairs set in order; the
 * fix is done when the block already has each of them.
 */
function directiveFix(opts: {
  c: Conf;
  p: Readonly<Record<string, string>>;
  directives: ReadonlyArray<readonly [string, string]>;
  ca?: { file: string; pem: string };
  extraCheck?: string[];
  text: Pick<FixBody, 'title' | 'summary' | 'what' | 'warnings' | 'notes' | 'doneMessage'>;
  fixTarget: string;
}): FixBody {
  const { c, p } = opts;
  const vars: Array<readonly [string, VarValue]> = [...commonVars(c, p), ...opts.directives.flatMap(([d, l], i) => [[`directive_${i + 1}`, d] as const, [`line_${i + 1}`, l] as const])];
  if (opts.ca) vars.push(['ca_file', opts.ca.file], ['ca_pem', opts.ca.pem]);
  const has = opts.directives.map((_, i) => `webconf_has "$directive_${i + 1}" "$line_${i + 1}"`).join(' && ');
  return {
    ...opts.text,
    target: `${c.server} ${c.conf} ${p.host ?? ''}:${p.port ?? ''} ${opts.fixTarget}`,
    label: `${c.conf.replace(/^.*\//, '')}-${p.port ?? ''}`,
    vars,
    helpers: ['webconf'],
    check: [CONF_EXISTS, ...(opts.extraCheck ?? []), `if ${has}; then already=1; fi`],
    backup: SAVE_CONF,
    change: [...(opts.ca ? WRITE_CA : []), ...opts.directives.map((_, i) => `webconf_set "$directive_${i + 1}" "$line_${i + 1}"`)],
    verify: [...AFTER_EDIT, `${has} || fail "VERIFY FAILED: the server block of $conf does not have the new lines; run the undo script"`],
    undo: [...UNDO_CONF, ...(opts.ca ? UNDO_CA : [])],
  };
}

const apacheVerifyClient: FixGenerator = {
  fixId: 'apache.verify-client-vhost',
  shell: 'bash',
  build(f, p) {
    const c = confOf(p, 'apache');
    if (!c) return null;
    const cert = f.id === 'server.no-client-cert-request' && p.certificatePem !== undefined ? certificateFromPem(p.certificatePem) : null;
    if (p.certificatePem !== undefined && f.id === 'server.no-client-cert-request' && !cert) return null;
    const caFile = cert ? caFileFor(c.conf, cert, 'certbench-client-ca') : null;
    if (cert && !caFile) return null;
    return directiveFix({
      c,
      p,
      directives: [['SSLVerifyClient', 'SSLVerifyClient require'], ...(caFile ? ([['SSLCACertificateFile', `SSLCACertificateFile ${caFile}`]] as const) : [])],
      ca: cert && caFile ? { file: caFile, pem: cert.pem } : undefined,
      fixTarget: 'SSLVerifyClient',
      text: {
        title: `Ask for the client certificate in the first handshake: SSLVerifyClient require at <VirtualHost> level in ${c.conf}`,
        summary: `SSLVerifyClient inside <Location> or <Directory> makes mod_ssl ask for the certificate only after the request: by renegotiation under TLS 1.2, post-handshake under TLS 1.3 (which browsers do not do). At <VirtualHost> level it is asked in the first handshake. The script moves it there${caFile ? ` and names the client CA file ${caFile}` : ''}.`,
        what: [
          `In the <VirtualHost> of ${c.conf} matching port ${p.port ?? '(any)'}${p.host ? ` and ${p.host}` : ''}: adds "SSLVerifyClient require" at its top and comments out every other SSLVerifyClient line inside it.`,
          ...(caFile ? [`Writes the client's CA certificate to ${caFile} and sets SSLCACertificateFile to it.`] : []),
          'Then apachectl configtest (the saved copy goes back if it fails) and a graceful reload. Backup: a copy of the file.',
        ],
        warnings: ['Every path of this virtual host then asks for a certificate. If only some paths need one, use "SSLVerifyClient optional" here and "Require expr %{SSL_CLIENT_VERIFY} == \'SUCCESS\'" in those <Location>s instead.'],
        doneMessage: 'the virtual host already asks for the certificate at its own level.',
      },
    });
  },
};

const nginxVerifyClient: FixGenerator = {
  fixId: 'nginx.verify-client-server',
  shell: 'bash',
  build(_f, p) {
    const c = confOf(p, 'nginx');
    if (!c) return null;
    const cert = p.certificatePem !== undefined ? certificateFromPem(p.certificatePem) : null;
    if (p.certificatePem !== undefined && !cert) return null;
    const caFile = cert ? caFileFor(c.conf, cert, 'certbench-client-ca') : null;
    if (cert && !caFile) return null;
    return directiveFix({
      c,
      p,
      directives: [['ssl_verify_client', 'ssl_verify_client on;'], ...(caFile ? ([['ssl_client_certificate', `ssl_client_certificate ${caFile};`]] as const) : [])],
      ca: cert && caFile ? { file: caFile, pem: cert.pem } : undefined,
      fixTarget: 'ssl_verify_client',
      text: {
        title: `Require a client certificate: ssl_verify_client on in the server block of ${c.conf}`,
        summary: `The nginx server never asks for a client certificate. The script sets ssl_verify_client on at server level${caFile ? ` with ssl_client_certificate ${caFile} (the client's CA, whose name is sent in the request)` : ''}; nginx asks in the first handshake.`,
        what: [
          `In the server { } block of ${c.conf} matching port ${p.port ?? '(any)'}${p.host ? ` and ${p.host}` : ''}: adds "ssl_verify_client on;" and comments out other ssl_verify_client lines at that level.`,
          ...(caFile ? [`Writes the client's CA certificate to ${caFile} and sets ssl_client_certificate to it.`] : ['nginx -t fails (and the copy goes back) if no ssl_client_certificate or ssl_trusted_certificate applies to the block.']),
          'Then nginx -t and a reload. Backup: a copy of the file.',
        ],
        doneMessage: 'the server block already has ssl_verify_client on.',
      },
    });
  },
};

/** ca-list-too-large: send only the issuing CA's name (nginx: ssl_client_certificate, the old list moves to ssl_trusted_certificate). */
const nginxIssuerOnly: FixGenerator = {
  fixId: 'nginx.client-ca-issuer-only',
  shell: 'bash',
  build(_f, p) {
    const c = confOf(p, 'nginx');
    const cert = certificateFromPem(p.certificatePem);
    if (!c || !cert || cert.isCa === false) return null;
    const caFile = caFileFor(c.conf, cert, 'certbench-client-ca');
    if (!caFile) return null;
    const body = directiveFix({
      c,
      p,
      directives: [['ssl_client_certificate', `ssl_client_certificate ${caFile};`]],
      ca: { file: caFile, pem: cert.pem },
      fixTarget: 'ssl_client_certificate issuer-only',
      text: {
        title: `Send only the client's issuing CA in the certificate request (nginx, ${c.conf})`,
        summary: `nginx sends the name of every certificate in its ssl_client_certificate file, and that list is too large for some clients (over 16 KB). The script points ssl_client_certificate at a file with only the issuing CA ${cert.subject}, and keeps verifying against the old file through ssl_trusted_certificate, which is not sent.`,
        what: [
          `Writes ${caFile} (the issuing CA only), sets "ssl_client_certificate ${caFile};" and, when the block has no ssl_trusted_certificate, "ssl_trusted_certificate <the old ssl_client_certificate file>;".`,
          'Then nginx -t and a reload. Backup: a copy of the configuration file.',
        ],
        warnings: ['Clients with certificates from other CAs no longer see their CA named in the request; add those CAs to the new file too.'],
        doneMessage: 'ssl_client_certificate already names only the issuing CA file.',
      },
    });
    return {
      ...body,
      vars: [...body.vars, ['directive_2', 'ssl_trusted_certificate']],
      check: [CONF_EXISTS, 'old=$(webconf_get ssl_client_certificate) || fail "cannot tell which server block of $conf to change (see above); nothing was changed"', ...body.check.slice(1), 'if [ "$already" = 0 ] && [ -z "$old" ]; then fail "the server block has no ssl_client_certificate of its own (the CA list comes from elsewhere); edit it by hand; nothing was changed"; fi'],
      change: [
        ...body.change,
        'if [ -z "$(webconf_get ssl_trusted_certificate)" ]; then webconf_set "$directive_2" "ssl_trusted_certificate $old;"; fi',
      ],
    };
  },
};

/** Apache: SSLCADNRequestFile names the CAs sent, independently of SSLCACertificateFile used to verify. */
const apacheDnRequestFile: FixGenerator = {
  fixId: 'apache.ca-dn-request-file',
  shell: 'bash',
  build(_f, p) {
    const c = confOf(p, 'apache');
    const cert = certificateFromPem(p.certificatePem);
    if (!c || !cert || cert.isCa === false) return null;
    const caFile = caFileFor(c.conf, cert, 'certbench-ca-names');
    if (!caFile) return null;
    return directiveFix({
      c,
      p,
      directives: [['SSLCADNRequestFile', `SSLCADNRequestFile ${caFile}`]],
      ca: { file: caFile, pem: cert.pem },
      fixTarget: 'SSLCADNRequestFile',
      text: {
        title: `Send only the client's issuing CA in the certificate request (Apache SSLCADNRequestFile, ${c.conf})`,
        summary: `Apache names every CA of SSLCACertificateFile/Path in its certificate request, and that list is too large for some clients. SSLCADNRequestFile sets the names sent without changing what is trusted; the script points it at a file with only the issuing CA ${cert.subject}.`,
        what: [`Writes ${caFile} (the issuing CA only) and sets "SSLCADNRequestFile ${caFile}" in the <VirtualHost>.`, 'Then apachectl configtest and a graceful reload. Backup: a copy of the configuration file.'],
        warnings: ['Clients with certificates from other CAs no longer see their CA named in the request; add those CAs to the new file too.'],
        doneMessage: 'SSLCADNRequestFile already names the issuing CA file.',
      },
    });
  },
};

/** ca-list-excludes-issuer: append the issuing CA to the file whose names are sent. */
function addIssuer(server: Server): FixGenerator {
  return {
    fixId: server === 'nginx' ? 'nginx.client-ca-add-issuer' : 'apache.ca-add-issuer',
    shell: 'bash',
    build(_f, p) {
      const c = confOf(p, server);
      const cert = certificateFromPem(p.certificatePem);
      if (!c || !cert || cert.isCa === false) return null;
      const directive = server === 'nginx' ? 'ssl_client_certificate' : 'SSLCACertificateFile';
      return {
        title: `Add the client's issuing CA ${cert.subject} to the CA names the server sends (${server})`,
        summary: `No CA of the client certificate's chain is among the names the server sends, so clients do not offer it. The script appends ${cert.subject} to the file named by ${server === 'nginx' ? 'ssl_client_certificate' : 'SSLCADNRequestFile (or else SSLCACertificateFile)'} in the server block of ${c.conf}.`,
        what: [`Appends the certificate (SHA-1 ${cert.thumbprint}) to the CA file the server block names, then tests the configuration and reloads.`, 'Backup: a copy of the CA file.'],
        warnings: ['The CA file also decides which client certificates are trusted: the chain still has to end in a root the server trusts.'],
        target: `${server} ${c.conf} ${p.host ?? ''}:${p.port ?? ''} add-ca ${cert.thumbprint}`,
        label: fileLabel(cnOf(cert.subject) ?? cert.thumbprint),
        vars: [...commonVars(c, p), ['ca_pem', cert.pem], ['ca_b64', cert.base64]],
        helpers: ['webconf'],
        check: [
          CONF_EXISTS,
          `ca=$(webconf_get ${server === 'apache' ? 'SSLCADNRequestFile' : directive}) || fail "cannot tell which server block of $conf to change (see above); nothing was changed"`,
          ...(server === 'apache' ? [`[ -n "$ca" ] || ca=$(webconf_get ${directive})`] : []),
          "ca=${ca#\\\"}; ca=${ca%\\\"}",
          `[ -n "$ca" ] || fail "the server block has no ${directive} of its own; edit it by hand; nothing was changed"`,
          'case $ca in /*) ;; *) fail "the CA file $ca is a relative path; edit it by hand; nothing was changed" ;; esac',
          '[ -f "$ca" ] || fail "the CA file $ca does not exist; nothing was changed"',
          "if tr -d ' \\t\\r\\n' < \"$ca\" | grep -qF -- \"$ca_b64\"; then already=1; fi",
        ],
        doneMessage: 'the CA file already holds the issuing CA.',
        backup: ['cp -p -- "$ca" "$backup/ca-file"', "printf '%s' \"$ca\" > \"$backup/ca-path.txt\""],
        change: ["printf '\\n%s' \"$ca_pem\" >> \"$ca\""],
        verify: [
          'if ! config_test; then cat -- "$backup/ca-file" > "$ca"; fail "the server rejected the configuration; $ca was restored from $backup/ca-file"; fi',
          'cp -p -- "$ca" "$backup/ca-file.after"',
          'server_reload',
          "tr -d ' \\t\\r\\n' < \"$ca\" | grep -qF -- \"$ca_b64\" || fail \"VERIFY FAILED: $ca does not hold the certificate; run the undo script\"",
        ],
        undo: [
          'ca=$(cat -- "$backup/ca-path.txt")',
          'if ! cmp -s -- "$ca" "$backup/ca-file.after"; then fail "$ca changed after the fix; restore it by hand from $backup/ca-file"; fi',
          'cat -- "$backup/ca-file" > "$ca"',
          'config_test || fail "the configuration does not test clean after the restore; check $ca"',
          'server_reload',
          'cmp -s -- "$ca" "$backup/ca-file" || fail "VERIFY FAILED: $ca is not the saved copy"',
        ],
      };
    },
  };
}

export const linuxWebserverFixes = {
  apacheVerifyClient,
  nginxVerifyClient,
  nginxIssuerOnly,
  apacheDnRequestFile,
  nginxAddIssuer: addIssuer('nginx'),
  apacheAddIssuer: addIssuer('apache'),
};
