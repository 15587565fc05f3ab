import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CertbenchError } from '../../shared/errors';
import { parseNetshSslcert } from '../../shared/server/netsh-sslcert';
import { recognizeEvidence } from '../../shared/server/recognize';
import { bindingsFromRegistry, parseRegistryExport, schannelFromRegistry } from '../../shared/server/registry-export';
import { parseSchannelEvents, summarizeEvents } from '../../shared/server/schannel-events';
import { decodeText } from '../../shared/server/text-decode';
import { fixture } from '../fixtures/windows/load';

/**
 * Whatever a user attaches, each parser answers with a result or a one-line CertbenchError, quickly:
 * never a TypeError, a stack trace, or a hang.
 */
const PARSERS: [string, (text: string) => unknown][] = [
  ['netsh', (t) => parseNetshSslcert(t, 'in.txt')],
  [
    'registry',
    (t) => {
      const reg = parseRegistryExport(t, 'in.reg');
      return [bindingsFromRegistry(reg, 'in.reg'), schannelFromRegistry(reg, 'in.reg')];
    },
  ],
  ['events', (t) => summarizeEvents(parseSchannelEvents(t, 'in.evt'), 'in.evt')],
  ['recognize', (t) => recognizeEvidence(t)],
];

function outcome(run: () => unknown): 'ok' | 'error' {
  try {
    run();
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(CertbenchError);
    expect((err as Error).message).not.toMatch(/\n/);
    return 'error';
  }
}

/** Bytes that are mostly text-like, with the characters the formats care about. */
function junk(bytes: number, seed: number): string {
  const alphabet = 'ab01 :,"[]{}<>=\\\r\n\t-@#%\u00fc\ufffd';
  let x = seed;
  let out = '';
  const chunk: string[] = [];
  for (let i = 0; i < bytes; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    chunk.push(alphabet[x % alphabet.length]!);
    if (chunk.length === 65536) {
      out += chunk.join('');
      chunk.length = 0;
    }
  }
  return out + chunk.join('');
}

describe('hostile input', () => {
  it('random text: a result or a one-line CertbenchError', () => {
    for (const [, parse] of PARSERS) {
      fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => void outcome(() => parse(s))), { numRuns: 300 });
    }
  });

  it('random text behind each format header: still a result or a one-line error', () => {
    const heads = ['SSL Certificate bindings:\n', 'Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n', '<Events>', '[', '{"Id":', 'Level,Date and Time,Source,Event ID,Task Category\r\n', 'Log Name: System\n'];
    for (const head of heads) {
      for (const [, parse] of PARSERS) {
        fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void outcome(() => parse(head + s))), { numRuns: 100 });
      }
    }
  });

  it('every fixture cut at every 7th character', () => {
    const names = ['netsh-sslcert-full.txt', 'netsh-sslcert-de.txt', 'registry-http-schannel.reg.txt', 'events-wevtutil.xml', 'events-eventviewer.csv', 'events-get-winevent.json', 'events-details.txt'];
    for (const name of names) {
      const text = fixture(name);
      for (let cut = 0; cut < text.length; cut += 7) for (const [, parse] of PARSERS) outcome(() => parse(text.slice(0, cut)));
    }
  });

  it('10 MB of junk, alone and behind each header: answered within seconds', () => {
    const big = junk(10 * 1024 * 1024, 7);
    const started = Date.now();
    expect(outcome(() => parseNetshSslcert(big, 'big.txt'))).toBe('error'); // over the 5 MB bound
    expect(outcome(() => parseRegistryExport(big, 'big.reg'))).toBe('error');
    expect(outcome(() => parseSchannelEvents(big, 'big.evt'))).toBe('error');
    expect(outcome(() => parseRegistryExport(`REGEDIT4\n${big}`, 'big.reg'))).toBe('ok');
    outcome(() => parseSchannelEvents(`Level,Date and Time,Source,Event ID,Task Category\n${big}`, 'big.csv'));
    outcome(() => parseSchannelEvents(`<Events>${big}`, 'big.xml'));
    outcome(() => parseNetshSslcert(`SSL Certificate bindings:\n${big.slice(0, 4 * 1024 * 1024)}`, 'big.txt'));
    expect(recognizeEvidence(big.slice(0, 64 * 1024))).toBe('unknown');
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('random bytes decode without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const { text } = decodeText(b);
        expect(typeof text).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});
