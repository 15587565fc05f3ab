import { loadSession } from '../../lib/session';
import { useEffect, useId, useRef, useState, type FormEvent, type RefObject } from 'react';
import { isPkcs12Name } from '../../lib/file-kind';
import { CertificateFilePicker, type CertificateFiles } from '../common/certificate-file-picker';
import { CopyButton } from '../common/copy-button';
import { SegmentedChoice, type SegmentChoice } from '../common/segmented-choice';
import { CertificateIcon } from '../common/icons';
import { usePowerShell } from '../common/use-powershell';
import { StoreCertPicker } from '../diagnose/store-cert-picker';
import type { ProbeRequest } from './probe-request';
import { normaliseUrl, type ProbeInput, type TlsChoice } from './use-probe';

const TLS_CHOICES: SegmentChoice<TlsChoice>[] = [
  { id: '1.2', label: 'TLS 1.2', hint: 'Only TLS 1.2 (renegotiation is possible)' },
  { id: '1.3', label: 'TLS 1.3', hint: 'Only TLS 1.3, and TLS 1.3 offering post-handshake authentication' },
  { id: 'both', label: 'Both', hint: "The server's own choice, then TLS 1.2 and TLS 1.3 forced, to compare them" },
];

const CLIENT_CHOICES: SegmentChoice<'certbench' | 'powershell'>[] = [
  { id: 'certbench', label: "Certbench's client", hint: 'Certbench connects itself and decrypts every message; it presents a certificate file (.pfx, or a certificate with its key).' },
  {
    id: 'powershell',
    label: 'Windows TLS client (PowerShell)',
    hint: "Certbench's client still makes the connections without a certificate; then PowerShell's .NET SslStream (Schannel on Windows) connects once more, presenting a certificate from the personal store as Windows clients do.",
  },
];

/** "5e:d2 7a ..." as typed or pasted from certlm.msc, to 40 upper-case hex digits; null when it is not one. */
export function normaliseThumbprint(text: string): string | null {
  // The certificate dialog's copy often starts with an invisible left-to-right mark (U+200E).
  const hex = text.replace(/[\s:\u200e\u200f]/g, '').toUpperCase();
  return /^[0-9A-F]{40}$/.test(hex) ? hex : null;
}

function isPkcs12(file: File | null): boolean {
  return file !== null && isPkcs12Name(file.name);
}

/**
 * A "Probe this" from the Lab: the address is filled in and the Probe button is one keypress away,
 * both when the form is mounted by it and when it comes while the form is open.
 */
function useLabPrefill(prefill: ProbeRequest | null, setUrl: (url: string) => void, runButton: RefObject<HTMLButtonElement | null>): void {
  const lastNonce = useRef(prefill?.nonce ?? 0);
  useEffect(() => {
    if (!prefill || prefill.nonce === lastNonce.current) return;
    lastNonce.current = prefill.nonce;
    setUrl(prefill.url);
    runButton.current?.focus();
  }, [prefill, setUrl, runButton]);
  // Mounted by a "Probe this": the same focus on the first render (the effect above skips it).
  const prefilledOnMount = useRef(prefill !== null);
  useEffect(() => {
    if (prefilledOnMount.current) runButton.current?.focus();
  }, [runButton]);
}

function UrlRow({ ids, url, onUrl }: { ids: string; url: string; onUrl: (url: string) => void }) {
  return (
    <div className="probe-row">
      <label className="probe-label" htmlFor={`${ids}-url`}>
        Server address
      </label>
      <input
        id={`${ids}-url`}
        className="probe-input probe-url"
        data-testid="probe-url"
        type="text"
        inputMode="url"
        spellCheck={false}
        placeholder="https://intranet.contoso.com/secure/"
        value={url}
        onChange={(e) => onUrl(e.target.value)}
      />
      <p className="probe-hint">The page that asks for a client certificate, as users open it: https://host[:port]/path</p>
    </div>
  );
}

type Via = 'certbench' | 'powershell';

/** Which TLS client presents the certificate; shown only where PowerShell is there to run SslStream. */
function ClientChoiceRow({ ids, via, onVia }: { ids: string; via: Via; onVia: (via: Via) => void }) {
  return (
    <div className="probe-row" data-testid="probe-client">
      <span className="probe-label" id={`${ids}-client-label`}>
        TLS client
      </span>
      <SegmentedChoice name={`${ids}-client`} labelId={`${ids}-client-label`} choices={CLIENT_CHOICES} value={via} testId={(id) => `probe-via-${id}`} onChange={onVia} />
      <p className="probe-hint">{CLIENT_CHOICES.find((c) => c.id === via)!.hint}</p>
    </div>
  );
}

/**
 * The store thumbprint's text, the name of the certificate picked for it and whether the picker is
 * open: kept by the form, so switching the TLS client away and back finds them as they were.
 */
function useStoreThumbprint() {
  const [thumbprintText, setThumbprintText] = useState('');
  const [thumbprintLabel, setThumbprintLabel] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  return { thumbprintText, setThumbprintText, thumbprintLabel, setThumbprintLabel, picking, setPicking };
}

type StoreThumbprint = ReturnType<typeof useStoreThumbprint>;

/** The personal-store certificate SslStream presents: a thumbprint typed, pasted or picked from the stores. */
function StoreThumbprintRow({ ids, store, thumbprintValid }: { ids: string; store: StoreThumbprint; thumbprintValid: boolean }) {
  const { thumbprintText, setThumbprintText, thumbprintLabel, setThumbprintLabel, picking, setPicking } = store;
  return (
    <div className="probe-row">
      <label className="probe-label" htmlFor={`${ids}-thumbprint`}>
        Certificate from the personal store <span className="muted">(optional)</span>
      </label>
      <div className="probe-file-row">
        <input
          id={`${ids}-thumbprint`}
          className="probe-input probe-thumbprint"
          data-testid="probe-thumbprint"
          type="text"
          spellCheck={false}
          placeholder="SHA-1 thumbprint, e.g. 5E D2 7A …"
          value={thumbprintText}
          aria-invalid={!thumbprintValid}
          onChange={(e) => {
            setThumbprintText(e.target.value);
            setThumbprintLabel(null);
          }}
        />
        {!picking && (
          <button type="button" className="button secondary small" data-testid="probe-store-pick" onClick={() => setPicking(true)}>
            <CertificateIcon size={15} />
            Pick one from this machine&apos;s stores
          </button>
        )}
      </div>
      {picking && (
        <StoreCertPicker
          onPick={(t, label) => {
            setPicking(false);
            setThumbprintText(t);
            setThumbprintLabel(label);
          }}
          onCancel={() => setPicking(false)}
        />
      )}
      <p className="probe-hint" data-testid="probe-thumbprint-hint">
        {thumbprintLabel ? `${thumbprintLabel}. ` : ''}PowerShell looks for it in Cert:\CurrentUser\My, then LocalMachine\My, and signs with its key where Windows keeps it (not exportable, TPM
        or smart card; a PIN prompt is Windows&apos;). Empty: connect without a certificate.
      </p>
      {!thumbprintValid && (
        <p className="probe-error" role="alert">
          A thumbprint is 40 hexadecimal digits (spaces and colons are fine).
        </p>
      )}
    </div>
  );
}

/** The certificate file Certbench's own client presents, and the lab's PFX when the address came from the Lab. */
function CertificateFileRow({ ids, chosen, onChosen, fromLab }: { ids: string; chosen: CertificateFiles | null; onChosen: (files: CertificateFiles | null) => void; fromLab: ProbeRequest | null }) {
  return (
    <div className="probe-row">
      <span className="probe-label" id={`${ids}-cert-label`}>
        Client certificate <span className="muted">(optional)</span>
      </span>
      <CertificateFilePicker value={chosen} onChange={onChosen} testIds="probe" labelId={`${ids}-cert-label`} use="probe" emptyHint="Without one, the probe shows what the server asks for." />
      {fromLab?.clientPfx && (
        <p className="probe-lab-hint" data-testid="probe-lab-hint">
          The lab&apos;s client certificate is <code>{fromLab.clientPfx.path}</code> <CopyButton value={fromLab.clientPfx.path} what="the lab client PFX path" /> with the
          password <code>{fromLab.clientPfx.password}</code> <CopyButton value={fromLab.clientPfx.password} what="the lab client PFX password" />
        </p>
      )}
    </div>
  );
}

/** TLS versions, the time limit, and the Probe and Cancel buttons. */
function ProbeOptionsRow({
  ids,
  tls,
  onTls,
  timeoutSeconds,
  onTimeoutSeconds,
  timeoutValid,
  runButton,
  canRun,
  running,
  onCancel,
}: {
  ids: string;
  tls: TlsChoice;
  onTls: (tls: TlsChoice) => void;
  timeoutSeconds: string;
  onTimeoutSeconds: (text: string) => void;
  timeoutValid: boolean;
  runButton: RefObject<HTMLButtonElement | null>;
  canRun: boolean;
  running: boolean;
  onCancel: () => void;
}) {
  return (
    <div className="probe-options">
      <div className="probe-option">
        <span className="probe-label" id={`${ids}-tls-label`}>
          TLS versions
        </span>
        <SegmentedChoice name={`${ids}-tls`} labelId={`${ids}-tls-label`} choices={TLS_CHOICES} value={tls} testId={(id) => `tls-${id}`} onChange={onTls} />
      </div>
      <div className="probe-option">
        <label className="probe-label" htmlFor={`${ids}-timeout`}>
          Give up after
        </label>
        <span className="probe-timeout-row">
          <input
            id={`${ids}-timeout`}
            className="probe-input probe-seconds"
            data-testid="probe-timeout"
            type="number"
            min={1}
            max={120}
            step={1}
            value={timeoutSeconds}
            aria-invalid={!timeoutValid}
            onChange={(e) => onTimeoutSeconds(e.target.value)}
          />
          seconds for the whole probe
        </span>
      </div>
      <div className="probe-actions">
        <button ref={runButton} type="submit" className="button primary" data-testid="probe-run" disabled={!canRun}>
          Probe
        </button>
        {running && (
          <button type="button" className="button secondary" data-testid="probe-cancel" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * What to probe and how: the address, an optional client certificate (a PFX with its password, or
 * a certificate with its key file), which TLS versions, and how long to wait. The password stays in
 * its field (like any sign-in form) and goes only with the probe's own requests.
 */
export function ProbeForm({
  prefill,
  running,
  onRun,
  onCancel,
}: {
  prefill: ProbeRequest | null;
  running: boolean;
  onRun: (input: ProbeInput) => void;
  onCancel: () => void;
}) {
  const [url, setUrl] = useState(() => prefill?.url ?? loadSession<{ url: string }>('last-probe')?.url ?? '');
  const [tls, setTls] = useState<TlsChoice>('both');
  const [timeoutSeconds, setTimeoutSeconds] = useState('15');
  // The certificate, its key file and password: one picker shared with Diagnose.
  const [chosen, setChosen] = useState<CertificateFiles | null>(null);
  const certificate = chosen?.file ?? null;
  const keyFile = chosen?.keyFile ?? null;
  const password = chosen?.password ?? '';
  const [via, setVia] = useState<Via>('certbench');
  const store = useStoreThumbprint();
  const { thumbprintText } = store;
  const powershell = usePowerShell();
  const runButton = useRef<HTMLButtonElement>(null);
  const ids = useId();
  useLabPrefill(prefill, setUrl, runButton);

  // What the Lab said about this address, while it is still the address in the field.
  const fromLab = prefill !== null && normaliseUrl(url) === normaliseUrl(prefill.url) ? prefill : null;
  const seconds = Number(timeoutSeconds);
  const timeoutValid = Number.isFinite(seconds) && seconds >= 1 && seconds <= 120;
  const thumbprint = normaliseThumbprint(thumbprintText);
  const thumbprintValid = via !== 'powershell' || thumbprintText.trim() === '' || thumbprint !== null;
  const canRun = url.trim() !== '' && timeoutValid && thumbprintValid && !running;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!canRun) return;
    // Show what is probed: a bare host gets its https:// here too.
    setUrl(normaliseUrl(url));
    onRun({ url, tls, timeoutSeconds: seconds, certificate, keyFile: isPkcs12(certificate) ? null : keyFile, password, via, thumbprint: via === 'powershell' ? thumbprint : null });
  };

  return (
    <form className="probe-form" data-testid="probe-form" onSubmit={submit} autoComplete="off" noValidate>
      {fromLab?.context && (
        <p className="probe-context" data-testid="probe-context">
          {fromLab.context}
        </p>
      )}
      <UrlRow ids={ids} url={url} onUrl={setUrl} />
      {powershell && <ClientChoiceRow ids={ids} via={via} onVia={setVia} />}
      {via === 'powershell' ? (
        <StoreThumbprintRow ids={ids} store={store} thumbprintValid={thumbprintValid} />
      ) : (
        <CertificateFileRow ids={ids} chosen={chosen} onChosen={setChosen} fromLab={fromLab} />
      )}
      <ProbeOptionsRow
        ids={ids}
        tls={tls}
        onTls={setTls}
        timeoutSeconds={timeoutSeconds}
        onTimeoutSeconds={setTimeoutSeconds}
        timeoutValid={timeoutValid}
        runButton={runButton}
        canRun={canRun}
        running={running}
        onCancel={onCancel}
      />
      {!timeoutValid && (
        <p className="probe-error" role="alert">
          The time limit is 1 to 120 seconds.
        </p>
      )}
    </form>
  );
}
