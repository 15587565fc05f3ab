import { certificateFromPem, colonHex, type FixCertificate } from './certificate';
import { cnOf, normDn } from './dn';
import { fileLabel, isHttpUrl, isPosixPath } from './text';
import type { FixBody, FixGenerator } from './types';

/**
 * The system trust store on Linux: the folder of locally added CA certificates
 * (/usr/local/share/ca-certificates with update-ca-certificates on Debian and Ubuntu,
 * /etc/pki/ca-trust/source/anchors with update-ca-trust on RHEL and Fedora). Adding a certificate
 * writes certbench-<name>.crt there and rebuilds the bundle; the undo removes exactly that file.
 * Taking one out moves the file into the backup folder; the undo moves it back.
 */

/** Folders whose files the package manager owns or update-ca-certificates regenerates: not edited here. */
const MANAGED = ['/etc/ssl/certs/', '/usr/share/ca-certificates/', '/etc/pki/ca-trust/extracted/', '/etc/pki/tls/certs/'];

function addCa(opts: {
  cert: FixCertificate | null;
  url: string | null;
  issuer: string;
  fileName: string;
  title: string;
  summary: string;
  what: string[];
  warnings?: string[];
  selfSigned: 'forbid' | 'require';
}): FixBody {
  const { cert, url } = opts;
  return {
    title: opts.title,
    summary: opts.summary,
    what: opts.what,
    warnings: opts.warnings,
    target: `anchors ${opts.fileName}`,
    label: opts.fileName.replace(/^certbench-|\.crt$/g, ''),
    vars: [['issuer', opts.issuer], ['name', opts.fileName], cert ? ['pem', cert.pem] : ['download_url', url ?? '']],
    helpers: ['anchors', 'x509'],
    check: [
      'anchor_setup',
      'dest="$anchor_dir/$name"',
      ...(cert
        ? [
            "if [ -f \"$dest\" ] && cmp -s -- \"$dest\" <(printf '%s' \"$pem\"); then already=1",
            'elif [ -e "$dest" ]; then fail "$dest exists with other content; nothing was changed"; fi',
          ]
        : ['if [ -f "$dest" ]; then already=1; fi']),
    ],
    doneMessage: 'the certificate is already in the system CA folder.',
    backup: [
      '# Nothing is overwritten or removed: the folder keeps the certificate added and where it went.',
      ...(cert
        ? ["printf '%s' \"$pem\" > \"$backup/certificate.pem\""]
        : [
            'curl -fsSL --max-time 60 --output "$backup/downloaded" --url "$download_url" || fail "could not download $download_url; nothing was changed"',
            'cert_to_pem "$backup/downloaded" > "$backup/certificate.pem" || fail "$download_url is not one certificate (PEM or DER); nothing was changed"',
          ]),
      'subject=$(cert_subject "$backup/certificate.pem")',
      'if [ "$(norm_dn "$subject")" != "$(norm_dn "$issuer")" ]; then fail "the certificate is for $subject, not $issuer; nothing was changed"; fi',
      'cert_is_ca "$backup/certificate.pem" || fail "the certificate is not a CA certificate (Basic Constraints); nothing was changed"',
      opts.selfSigned === 'forbid'
        ? 'if [ "$(norm_dn "$(cert_issuer "$backup/certificate.pem")")" = "$(norm_dn "$subject")" ]; then fail "the certificate is self-signed: a root, not an intermediate; nothing was changed"; fi'
        : 'if [ "$(norm_dn "$(cert_issuer "$backup/certificate.pem")")" != "$(norm_dn "$subject")" ]; then fail "the certificate is not self-signed: not a root; nothing was changed"; fi',
      "printf '%s' \"$dest\" > \"$backup/added.txt\"",
      'printf \'Certificate: %s, SHA-256 %s\\n\' "$subject" "$(cert_sha256 "$backup/certificate.pem")"',
    ],
    change: ['cp -- "$backup/certificate.pem" "$dest"', 'chmod 644 -- "$dest"', '"${anchor_refresh[@]}"'],
    verify: [
      'cmp -s -- "$backup/certificate.pem" "$dest" || fail "VERIFY FAILED: $dest is not the certificate; run the undo script"',
      'openssl x509 -in "$dest" -noout || fail "VERIFY FAILED: $dest does not parse; run the undo script"',
    ],
    undo: [
      'anchor_setup',
      'dest=$(cat -- "$backup/added.txt")',
      'if [ -e "$dest" ]; then',
      '  cmp -s -- "$dest" "$backup/certificate.pem" || fail "$dest changed since the fix; not removing it"',
      '  rm -f -- "$dest"',
      'fi',
      '"${anchor_refresh[@]}"',
      '[ ! -e "$dest" ] || fail "VERIFY FAILED: $dest is still there"',
    ],
  };
}

export const linuxImportIntermediate: FixGenerator = {
  fixId: 'store.import-intermediate',
  shell: 'bash',
  build(_f, p) {
    // A missing root (chain.incomplete with issuerKind root) belongs in the trusted roots,
    // never in the intermediate store; it is not downloaded and trusted unseen, so no script here.
    if (p.issuerKind === 'root') return null;
    const cert = p.certificatePem !== undefined ? certificateFromPem(p.certificatePem) : null;
    if (p.certificatePem !== undefined && (!cert || cert.selfSigned || cert.isCa === false)) return null;
    const issuer = p.issuer?.trim() || cert?.subject;
    if (!issuer || (cert && normDn(cert.subject) !== normDn(issuer))) return null;
    const url = cert ? null : isHttpUrl(p.downloadUrl) ? p.downloadUrl : null;
    if (!cert && !url) return null;
    const from = cert ? `the certificate carried by the finding (SHA-256 ${colonHex(cert.sha256)})` : `its AIA location ${url}`;
    const fileName = `certbench-${fileLabel(cnOf(issuer) ?? issuer)}.crt`;
    return addCa({
      cert,
      url,
      issuer,
      fileName,
      title: `Install the missing intermediate CA ${issuer} into the system CA folder`,
      summary: `The chain stops at a certificate whose issuer, ${issuer}, is not on this machine. The script installs that intermediate from ${from} as ${fileName} in the system CA folder and rebuilds the trust bundle, after checking that it is that CA. Chains are still checked up to a trusted root.`,
      what: [`Writes ${fileName} into the locally added CA folder (update-ca-certificates or update-ca-trust), from ${from}, after checking its subject and that it is a CA.`, 'Backup: the certificate and the path it went to (nothing is overwritten).'],
      selfSigned: 'forbid',
    });
  },
};

export const linuxImportRoot: FixGenerator = {
  fixId: 'store.import-root',
  shell: 'bash',
  build(_f, p) {
    const cert = certificateFromPem(p.certificatePem);
    if (!cert || !cert.selfSigned || cert.isCa === false) return null;
    if (p.issuer !== undefined && normDn(p.issuer) !== normDn(cert.subject)) return null;
    const fileName = `certbench-root-${fileLabel(cert.commonName ?? cert.subject)}.crt`;
    return addCa({
      cert,
      url: null,
      issuer: cert.subject,
      fileName,
      title: `Trust the root CA ${cert.subject} (system CA folder)`,
      summary: `The chain ends in ${cert.subject}, which this machine does not trust. The script adds it to the system trust store as ${fileName}. Confirm its fingerprint with its owner first: a trusted root vouches for every certificate it issues.`,
      what: [`Writes ${fileName} into the locally added CA folder and rebuilds the trust bundle.`, 'Backup: the certificate and the path it went to (nothing is overwritten).'],
      warnings: ['CHECK THE FINGERPRINT OUT OF BAND BEFORE RUNNING THIS: call or mail the owner of this CA and compare.', `SHA-256 ${colonHex(cert.sha256)}`, `SHA-1   ${colonHex(cert.thumbprint)}`],
      selfSigned: 'require',
    });
  },
};

/** Move an anchor file out of the trust store (into the backup folder), when `ok` holds for it at run time. */
function moveOut(fixId: string, mode: 'non-self-signed' | 'expired'): FixGenerator {
  return {
    fixId,
    shell: 'bash',
    build(_f, p) {
      const file = p.file;
      if (!isPosixPath(file) || MANAGED.some((m) => file.startsWith(m))) return null;
      if (p.store !== undefined && /^(?:LocalMachine|CurrentUser)\\/i.test(p.store)) return null;
      const precondition =
        mode === 'non-self-signed'
          ? ['if [ "$(norm_dn "$(cert_subject "$file")")" = "$(norm_dn "$(cert_issuer "$file")")" ]; then fail "$file is self-signed, a real root: not moving it; nothing was changed"; fi']
          : ['if openssl x509 -in "$file" -noout -checkend 0 >/dev/null; then fail "$file has not expired: not removing it; nothing was changed"; fi'];
      return {
        title: mode === 'non-self-signed' ? `Take the non-self-signed certificate ${file} out of the trust anchors` : `Take the expired certificate ${file} out of the trust anchors`,
        summary:
          mode === 'non-self-signed'
            ? `${file} is a trust anchor although it is not a root (its issuer is another certificate). The script moves the file into the backup folder and rebuilds the trust bundle.`
            : `${file} has expired and anchors nothing; it still counts toward a CA list built from this folder. The script moves it into the backup folder and rebuilds the trust bundle.`,
        what: [`Moves ${file} into the backup folder, then runs update-ca-certificates (or update-ca-trust).`, 'Backup: the file itself, with its mode and owner (cp -p).'],
        target: `anchors remove ${file}`,
        label: file.replace(/^.*\//, ''),
        vars: [['file', file]],
        helpers: ['anchors', 'x509'],
        check: ['anchor_setup', 'if [ ! -e "$file" ]; then already=1; else', ...precondition.map((l) => `  ${l}`), 'fi'],
        doneMessage: 'the file is no longer there.',
        backup: ['cp -p -- "$file" "$backup/certificate"'],
        change: ['rm -f -- "$file"', '"${anchor_refresh[@]}"'],
        verify: ['[ ! -e "$file" ] || fail "VERIFY FAILED: $file is still there; run the undo script"'],
        undo: [
          'anchor_setup',
          'if [ -e "$file" ] && ! cmp -s -- "$file" "$backup/certificate"; then fail "$file exists again with other content; not overwriting it"; fi',
          'cp -p -- "$backup/certificate" "$file"',
          '"${anchor_refresh[@]}"',
          'cmp -s -- "$file" "$backup/certificate" || fail "VERIFY FAILED: $file is not the saved certificate"',
        ],
      };
    },
  };
}

export const linuxMoveNonSelfSigned = moveOut('store.move-non-self-signed', 'non-self-signed');
export const linuxRemoveExpired = moveOut('store.remove-expired-roots', 'expired');
