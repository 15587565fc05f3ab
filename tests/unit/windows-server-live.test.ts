import { describe, expect, it } from 'vitest';
import { SchannelSettingsSchema, SslBindingSchema } from '../../shared/model/server';
import { parseNetshSslcert } from '../../shared/server/netsh-sslcert';
import {
  BINDINGS_SCRIPT,
  collectWindowsServer,
  EVENTS_NEED_ELEVATION,
  EVENTS_SCRIPT,
  liveValue,
  SCHANNEL_SCRIPT,
} from '../../electron/platform/windows/server-live';
import { POWERSHELL, powerShellArgs } from '../../electron/platform/windows/powershell';
import { FakeRunner, type FakeResponse } from '../helpers/fake-runner';
import { fixture } from '../fixtures/windows/load';

const decode = (args: string[]) => Buffer.from(args[5] ?? '', 'base64').toString('utf16le');

/** A runner that answers each of the three scripts with its own recorded output. */
function runner(answers: { bindings?: FakeResponse; schannel?: FakeResponse; events?: FakeResponse }): FakeRunner {
  const r = new FakeRunner();
  const is = (marker: string) => (args: string[]) => decode(args).includes(marker);
  if (answers.bindings) r.on(POWERSHELL, is('SslSniBindingInfo'), answers.bindings);
  if (answers.schannel) r.on(POWERSHELL, is('SecurityProviders\\SCHANNEL'), answers.schannel);
  if (answers.events) r.on(POWERSHELL, is('Get-WinEvent'), answers.events);
  return r;
}

const ok = (name: string): FakeResponse => ({ stdout: fixture(name) });

describe('live Windows server collection (PowerShell JSON, recorded outputs)', () => {
  it('bindings, Schannel settings with the OS, and a week of events, through the same converters as files', async () => {
    const fake = runner({ bindings: ok('live-bindings.json'), schannel: ok('live-schannel.json'), events: ok('live-events.json') });
    const live = await collectWindowsServer(fake);
    expect(fake.unmatched).toEqual([]);
    expect(fake.calls).toHaveLength(3);
    expect(live.notes).toEqual([]);

    for (const b of live.bindings) expect(SslBindingSchema.parse(b)).toEqual(b);
    expect(live.bindings.map((b) => [b.kind, b.key, b.negotiateClientCertificate, b.flagNames])).toEqual([
      ['ipport', '0.0.0.0:443', false, []],
      ['hostnameport', 'api.contoso.com:443', true, ['NEGOTIATE_CLIENT_CERT', 'DISABLE_TLS13']],
    ]);
    expect(live.bindings[0]).toMatchObject({ certificateHash: '61D34F532DA121BBAB64723C4871E72C92F03735', appId: '{4dc3e181-e14b-4a21-b022-59fc669b0914}', certificateStoreName: 'MY' });
    expect(live.bindings[1]!.ctlStoreName).toBe('ClientAuthIssuer');

    expect(SchannelSettingsSchema.parse(live.schannel)).toEqual(live.schannel);
    expect(live.schannel).toMatchObject({
      sendTrustedIssuerList: null,
      eventLogging: 3,
      os: 'Windows Server 2022 Datacenter 10.0.20348.0',
      protocols: [{ protocol: 'TLS 1.3', side: 'Server', enabled: 0xffffffff, disabledByDefault: 0 }],
    });
    expect(live.schannel!.impliedIssuerList).toMatch(/^SendTrustedIssuerList is not set, which on Windows Server 2012 and later means 0/);

    expect(live.events).toMatchObject({ total: 2, byId: [{ id: 36885, count: 1 }, { id: 36888, count: 1 }] });
    expect(live.events!.recent[0]).toMatchObject({ id: 36888, time: '2026-03-17T08:05:02.100Z', alert: { code: 48, description: 'unknown_ca' } });
  });

  it('a live binding reads like the same binding from netsh (the registry is the source netsh prints)', async () => {
    const live = await collectWindowsServer(runner({ bindings: ok('live-bindings.json'), schannel: ok('live-schannel.json'), events: ok('live-events.json') }));
    const [netsh] = parseNetshSslcert(fixture('netsh-sslcert-ws2012r2.txt'), 'netsh');
    const pick = (b: typeof netsh) => ({ key: b!.key, hash: b!.certificateHash, appId: b!.appId, negotiate: b!.negotiateClientCertificate, revocation: b!.verifyClientCertRevocation, usage: b!.usageCheck });
    expect(pick(live.bindings[0])).toEqual(pick(netsh));
  });

  it('the System log refused: a note saying it needs elevation, and the rest still collected', async () => {
    const live = await collectWindowsServer(runner({ bindings: ok('live-bindings.json'), schannel: ok('live-schannel.json'), events: ok('live-events-denied.json') }));
    expect(live.events).toBeNull();
    expect(live.notes).toEqual([EVENTS_NEED_ELEVATION]);
    expect(live.bindings).toHaveLength(2);
    expect(live.notes[0]).toBe('Schannel events: the System log needs an elevated PowerShell (run Certbench as administrator to read them)');
  });

  it('failures become one note each in a fixed order: a script error, a timeout, access denied from the catch-all', async () => {
    const live = await collectWindowsServer(
      runner({
        bindings: { stdout: '{"error":"Requested registry access is not allowed."}' },
        schannel: { exitCode: null, error: 'timed out after 60000 ms' },
        events: { stdout: '{"error":"Attempted to perform an unauthorized operation."}' },
      }),
    );
    expect(live).toEqual({
      bindings: [],
      schannel: null,
      events: null,
      notes: [
        'HTTP.SYS bindings: PowerShell (HTTP.SYS bindings) failed: Requested registry access is not allowed.',
        'Schannel settings: PowerShell (Schannel settings) could not run: timed out after 60000 ms',
        EVENTS_NEED_ELEVATION,
      ],
    });
  });

  it('no SCHANNEL key and no events: the OS defaults in words and an empty summary, not an error', async () => {
    const live = await collectWindowsServer(
      runner({
        bindings: { stdout: '{"keys":[]}' },
        schannel: { stdout: '{"keys":[],"os":{"version":"6.1.7601.65536","caption":"Windows Server 2008 R2 Standard"}}' },
        events: { stdout: '{"denied":false,"events":[]}' },
      }),
    );
    expect(live.bindings).toEqual([]);
    expect(live.schannel!.impliedIssuerList).toMatch(/^SendTrustedIssuerList is not set, which on Windows Server 2008 R2 and earlier means 1/);
    expect(live.events).toMatchObject({ total: 0, byId: [], recent: [] });
    expect(live.notes).toEqual([]);
  });

  it('the scripts: read-only registry and event queries, bounded, each fits on one command line', () => {
    for (const script of [BINDINGS_SCRIPT, SCHANNEL_SCRIPT, EVENTS_SCRIPT]) {
      expect(() => powerShellArgs(script)).not.toThrow();
      expect(script).not.toMatch(/Set-ItemProperty|New-Item|Remove-Item|netsh/i);
    }
    expect(EVENTS_SCRIPT).toContain("LogName = 'System'; ProviderName = 'Schannel'");
    expect(EVENTS_SCRIPT).toContain('-MaxEvents 500');
    expect(EVENTS_SCRIPT).toContain('AddDays(-7)');
    expect(BINDINGS_SCRIPT).toContain("'SslBindingInfo', 'SslSniBindingInfo', 'SslCcsBindingInfo'");
  });

  it('value conversion: negative Int32 DWORDs, QWORD text, byte arrays, one-string multi-strings', () => {
    expect(liveValue('Enabled', 'DWord', -1)).toEqual({ name: 'Enabled', type: 'REG_DWORD', value: 0xffffffff });
    expect(liveValue('Q', 'QWord', '-1')).toEqual({ name: 'Q', type: 'REG_QWORD', value: 0xffffffffffffffffn });
    expect(liveValue('H', 'Binary', [1, 255])).toEqual({ name: 'H', type: 'REG_BINARY', value: new Uint8Array([1, 255]), typeNumber: 3 });
    expect(liveValue('M', 'MultiString', 'only')).toEqual({ name: 'M', type: 'REG_MULTI_SZ', value: ['only'] });
    expect(liveValue('H', 'Binary', [1, 256])).toBeNull();
    expect(liveValue('D', 'DWord', 'x')).toBeNull();
  });
});
