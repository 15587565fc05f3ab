import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { CertbenchError, oneLine, toErrorData, type ErrorCode } from '../../shared/errors';
import type { Finding } from '../../shared/findings/catalogue';
import type { Acl, GrantPlan } from '../../shared/model/acl';
import { quoteBash } from '../../shared/scripts/quote';
import { STORE_FILTERS, filterStoreCertificates, type StoreFilter } from '../../shared/stores/filters';
import { CliProgress } from './progress';
import type { Services } from '../services/services';
import { forTerminal } from './terminal';

/**
 * `certbench stores`, `certbench key` (FindPrivateKey) and `certbench grant`, on the same
 * services as the stores:*, keys:* channels. --json prints one document; exit 0 on success, 1 when a
 * check finds an error (key.identity-cannot-read, no private key) or a grant cannot be made, 2 on
 * bad usage or input, with one line on stderr.
 */

const USAGE_CODES: ErrorCode[] = ['bad-request', 'bad-input', 'not-found', 'too-large', 'password-required', 'wrong-password'];

/** Print a thrown error as one line and set the exit status: 2 for the user's input, 1 otherwise. */
function report(err: unknown): void {
  const e = toErrorData(err);
  process.stderr.write(`certbench: ${oneLine(e.message)}\n`);
  process.exitCode = USAGE_CODES.includes(e.code) ? 2 : 1;
}

function progressContext(verb: string) {
  const progress = new CliProgress(verb);
  return {
    ctx: { progress: (u: { done: number; total: number | null; label: string }) => progress.update(u.done, u.total, u.label), signal: new AbortController().signal },
    done: () => progress.done(),
  };
}

const hasErrors = (findings: Finding[]) => findings.some((f) => f.severity === 'error');

function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A command as a user would type it: each argument quoted only when it needs to be. */
export function commandLine(c: { file: string; args: string[] }): string {
  return [c.file, ...c.args].map((a) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(a) ? a : quoteBash(a))).join(' ');
}

/** A thumbprint as users paste it (spaces or colons from Windows dialogs), or null. */
export function asThumbprint(text: string): string | null {
  const t = text.replace(/[\s:]/g, '').replace(/^\u200e/, '');
  return /^[0-9A-Fa-f]{40}$/.test(t) ? t.toUpperCase() : null;
}

/** `<thumbprint|file>`: an existing file wins; else a thumbprint; else bad usage. */
function target(text: string): { thumbprint: string } | { path: string } {
  if (fs.existsSync(text)) return { path: text };
  const t = asThumbprint(text);
  if (t) return { thumbprint: t };
  throw new CertbenchError('bad-input', `${text}: no such file, and not a thumbprint (40 hex digits)`);
}

/** The ACL as a table: principal, kind, allow/deny, rights, inherited, flags (mask effect, default entries). */
export function formatAcl(acl: Acl): string {
  const head = `ACL of ${acl.path} (owner ${acl.owner ?? '?'}, group ${acl.group ?? '?'}${acl.mode ? `, mode ${acl.mode}` : ''})`;
  const rows = [['PRINCIPAL', 'KIND', 'TYPE', 'RIGHTS', 'INHERITED', 'FLAGS']];
  for (const e of acl.entries) rows.push([e.principal.name, e.principal.kind, e.type, e.rawRights, e.inherited ? 'yes' : 'no', e.flags.join(' ')]);
  return `${head}\n${table(rows).replace(/^/gm, '  ')}`;
}

function printFindings(findings: Finding[]): void {
  for (const f of forTerminal(findings)) process.stdout.write(`[${f.severity}] ${f.id}: ${f.title}\n  ${f.detail}\n`);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

type Io = { fail: (message: string) => never; services: Services };

/** Register `stores`, `key` and `grant` on the program (one line in cli.ts). */
export function registerStoreCommands(program: Command, io: Io): void {
  registerStoresCommand(program, io);
  registerKeyCommand(program, io);
  registerGrantCommand(program, io);
}

/** `certbench stores`: list the stores (after adding or removing a folder), filtered. */
function registerStoresCommand(program: Command, io: Io): void {
  const { stores } = io.services;
  program
    .command('stores')
    .description("list the machine's certificate stores (trust bundle, anchor folders, NSS databases, added folders) with each certificate's private key")
    .addOption(new Option('--filter <name>', `keep certificates that pass: ${STORE_FILTERS.join(', ')} (repeat or comma-separate)`).argParser(collect))
    .option('--issuer <text>', 'keep certificates whose issuer name contains TEXT')
    .option('--add-folder <dir>', 'add a folder of certificate and key files as a store (kept in the data folder), then list')
    .option('--trusted', 'with --add-folder: the folder holds trusted roots')
    .option('--remove-folder <dir>', 'remove an added folder, then list')
    .option('--json', 'print one JSON document on stdout')
    .action(async (opts: { filter?: string[]; issuer?: string; addFolder?: string; trusted?: boolean; removeFolder?: string; json?: boolean }) => {
      const filters = opts.filter ?? [];
      for (const f of filters) if (!(STORE_FILTERS as readonly string[]).includes(f)) io.fail(`--filter: "${f}" is not one of ${STORE_FILTERS.join(', ')}`);
      if (opts.trusted && !opts.addFolder) io.fail('--trusted goes with --add-folder');
      try {
        if (opts.addFolder) stores.addFolder(fs.existsSync(opts.addFolder) ? fs.realpathSync(opts.addFolder) : opts.addFolder, opts.trusted === true);
        if (opts.removeFolder) stores.removeFolder(fs.existsSync(opts.removeFolder) ? fs.realpathSync(opts.removeFolder) : opts.removeFolder);
        const p = progressContext('reading stores');
        const got = await stores.list({ refresh: true }, p.ctx);
        const listed = opts.json ? got : forTerminal(got);
        p.done();
        const certificates = filterStoreCertificates(listed.stores, listed.certificates, { filters: filters as StoreFilter[], issuer: opts.issuer ?? null });
        if (opts.json) printJson({ ...listed, certificates, filters, issuer: opts.issuer ?? null });
        else {
          const label = new Map(listed.stores.map((s) => [s.id, s.label]));
          const rows = [['STORE', 'SUBJECT', 'EXPIRES', 'THUMBPRINT', 'KEY']];
          for (const c of certificates) {
            rows.push([
              cut(label.get(c.storeId) ?? c.storeId, 44),
              cut(c.summary.subject.commonName ?? c.summary.subject.rfc4514, 40),
              `${c.summary.notAfter.slice(0, 10)}${c.summary.validity.status === 'expired' ? ' (expired)' : ''}`,
              c.summary.thumbprintSha1,
              c.key.status === 'present' ? 'yes' : c.key.status === 'none' ? 'no' : c.key.status,
            ]);
          }
          process.stdout.write(`${table(rows)}\n\n`);
          const shown = certificates.length === listed.certificates.length ? `${certificates.length} certificate(s)` : `${certificates.length} of ${listed.certificates.length} certificate(s)`;
          process.stdout.write(`${shown} in ${listed.stores.length} store(s)\n`);
          for (const s of listed.stores) if (s.error) process.stderr.write(`certbench: ${s.label}: ${s.error}\n`);
          printFindings(listed.findings);
        }
        if (hasErrors(listed.findings)) process.exitCode = 1;
      } catch (err) {
        report(err);
      }
    });
}

/** `certbench key`: where a certificate's private key is, its ACL, and whether an identity can read it. */
function registerKeyCommand(program: Command, io: Io): void {
  const { keys } = io.services;
  program
    .command('key')
    .description("find a certificate's private key file and show who may read it (like FindPrivateKey); --identity checks one account")
    .argument('<thumbprint|file>', 'a thumbprint from "certbench stores", or a certificate, key or .pfx file')
    .option('--identity <id>', 'user or service account (www-data), or group:NAME, to check read access for')
    .option('--json', 'print one JSON document on stdout')
    .action(async (what: string, opts: { identity?: string; json?: boolean }) => {
      try {
        const p = progressContext('looking for the key');
        const got = await keys.find(target(what), p.ctx);
        p.done();
        const keyPath = got.directory && got.fileName ? path.join(got.directory, got.fileName) : null;
        const found = opts.json ? got : forTerminal(got);
        const access = opts.identity && keyPath ? await keys.checkAccess(keyPath, opts.identity) : null;
        // The access check repeats key.too-open for the same file; keep its copy.
        const findings = access ? [...found.findings.filter((f) => f.id !== 'key.too-open'), ...access.findings] : found.findings;
        if (opts.json) printJson({ ...found, access, findings });
        else {
          if (found.certificate) process.stdout.write(`Certificate: ${found.certificate.summary.subject.rfc4514} (${found.certificate.summary.thumbprintSha1})\n`);
          if (keyPath) {
            process.stdout.write(`Private key directory:\n${found.directory}\nPrivate key file name:\n${found.fileName}\n`);
            if (found.key.detail) process.stdout.write(`(${found.key.detail})\n`);
          } else process.stdout.write(`No private key file found${found.key.detail ? `: ${found.key.detail}` : ''}\n`);
          if (found.acl) process.stdout.write(`\n${formatAcl(found.acl)}\n`);
          if (found.aclNote) process.stdout.write(`(ACL: ${found.aclNote})\n`);
          if (access) {
            process.stdout.write(`\nCan ${access.identity.name} read the key? ${access.answer.canRead ? 'YES' : 'NO'}: ${access.answer.decidedBy}\n`);
            for (const s of access.steps) if (!s.answer.canRead) process.stdout.write(`  ${s.need === 'traverse' ? 'traverse' : 'read'} ${s.path}: ${s.answer.decidedBy}\n`);
          }
          if (findings.length) process.stdout.write('\n');
          printFindings(findings);
        }
        if (opts.identity && !keyPath) process.stderr.write('certbench: --identity: no key file to check\n');
        if (hasErrors(findings)) process.exitCode = 1;
      } catch (err) {
        report(err);
      }
    });
}

/** `certbench grant`: let an account read a key (dry run, backup, verification), or undo a grant. */
function registerGrantCommand(program: Command, io: Io): void {
  const { keys } = io.services;
  program
    .command('grant')
    .description('let an identity read a private key file, with a backup first and an exact undo (--dry-run shows the change and the script)')
    .argument('[thumbprint|file]', 'a thumbprint from "certbench stores", or a certificate, key or .pfx file')
    .option('--identity <id>', 'user or service account (www-data), or group:NAME, to grant read access to')
    .option('--dry-run', 'show the exact commands and the script, change nothing')
    .option('--undo <backup-id>', 'restore the ACL backup a grant made (its id is printed by the grant)')
    .option('--json', 'print one JSON document on stdout')
    .action(async (what: string | undefined, opts: { identity?: string; dryRun?: boolean; undo?: string; json?: boolean }) => {
      if (opts.undo !== undefined) {
        if (what || opts.identity || opts.dryRun) io.fail('--undo takes only a backup id');
      } else {
        if (!what) io.fail('give the key: a thumbprint or a file (or --undo BACKUP_ID)');
        if (!opts.identity) io.fail('--identity is required (the account that must read the key)');
      }
      try {
        if (opts.undo !== undefined) {
          const r = await keys.undo(opts.undo);
          if (opts.json) printJson(r);
          else process.stdout.write(`Restored the ACL of ${r.restored.path} from backup ${r.backupId}: ${r.matchesBackup ? 'it matches the backup byte for byte' : 'it DIFFERS from the backup'}\n\n${formatAcl(r.restored)}\n`);
          if (!r.matchesBackup) process.exitCode = 1;
          return;
        }
        const p = progressContext('looking for the key');
        const found = await keys.find(target(what!), p.ctx);
        p.done();
        if (!found.directory || !found.fileName) throw new CertbenchError('not-found', `${what}: no private key file found${found.key.detail ? ` (${found.key.detail})` : ''}`);
        const keyPath = path.join(found.directory, found.fileName);
        const r = await keys.grant({ path: keyPath, identity: opts.identity!, dryRun: opts.dryRun === true });
        if (opts.json) printJson(r);
        else if (r.dryRun) printPlan(forTerminal(r.plan));
        else {
          const g = r.result;
          process.stdout.write(
            `${g.changed ? `Granted: ${g.verified.identity} can now read ${g.after.path}` : `Nothing to change: ${g.verified.identity} could already read ${g.after.path}`} (${g.verified.decidedBy})\n` +
              g.commands.map((c) => `  ran: ${commandLine(c)}\n`).join('') +
              `Backup: ${g.backupId} (${g.backupPath})\nUndo:   certbench grant --undo ${g.backupId}\n\n${formatAcl(g.after)}\n`,
          );
        }
        if (r.dryRun && !r.plan.privileges.sufficient) process.stderr.write(`certbench: note: ${r.plan.privileges.detail}\n`);
      } catch (err) {
        report(err);
      }
    });
}

function printPlan(plan: GrantPlan): void {
  const lines = [
    `Dry run: nothing was changed.`,
    `Key file: ${plan.path}`,
    `Identity: ${plan.identity}`,
    plan.summary,
    '',
    plan.commands.length ? 'Commands that would run:' : 'No command would run.',
    ...plan.commands.map((c) => `  ${commandLine(c)}`),
    '',
    `Privileges: ${plan.privileges.sufficient ? 'sufficient' : 'NOT sufficient'} (${plan.privileges.detail})`,
    '',
    `Script (${plan.script.language}):`,
    plan.script.text,
    `Undo script (${plan.undoScript.language}):`,
    plan.undoScript.text,
  ];
  process.stdout.write(`${lines.join('\n')}`);
}
