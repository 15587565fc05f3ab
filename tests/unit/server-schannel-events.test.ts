import { describe, expect, it } from 'vitest';
import { CertbenchError } from '../../shared/errors';
import { SchannelEventSummarySchema, type SchannelEvent } from '../../shared/model/server';
import { alertName, eventLine, normalizeEventTime, parseCsv, parseSchannelEvents, summarizeEvents } from '../../shared/server/schannel-events';
import { decodeText } from '../../shared/server/text-decode';
import { fixture } from '../fixtures/windows/load';

const brief = (events: SchannelEvent[]) => events.map((e) => [e.id, e.time, e.level, e.alert ? `${e.alert.code} ${e.alert.description}` : null]);

describe('Schannel events: wevtutil and Event Viewer XML', () => {
  it('wevtutil output without a root element; old-format 36887, new-format 36888 from EventData; other providers left out', () => {
    const events = parseSchannelEvents(fixture('events-wevtutil.xml'), 'system.xml');
    expect(brief(events)).toEqual([
      [36887, '2026-03-17T08:01:15.421Z', 'Error', '48 unknown_ca'],
      [36888, '2026-03-17T08:05:02.100Z', 'Error', '46 certificate_unknown'],
      [36885, '2026-03-17T07:59:40.000Z', 'Warning', null],
      [36870, '2026-03-16T22:10:00.000Z', 'Error', null],
    ]);
    // No RenderingInfo: the message is the insertion strings.
    expect(events[1]!.message).toBe('AlertDesc: 46; ErrorState: 620');
    expect(events[1]!.data).toEqual(['AlertDesc=46', 'ErrorState=620', 'TargetName=']);
    expect(events[3]!.message).toContain('0x8009030D');
    expect(events[3]!.meaning).toMatch(/could not open its certificate's private key/);
  });

  it('Event Viewer "Save as XML" in UTF-16LE with the <Events> root: the new 36888 format with alert 116', () => {
    const text = fixture('events-eventviewer.xml');
    const bytes = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\n/g, '\r\n'), 'utf16le')]));
    const events = parseSchannelEvents(decodeText(bytes).text, 'saved.xml');
    expect(brief(events)).toEqual([
      [36888, '2026-03-18T09:00:00.000Z', 'Error', '116 certificate_required'],
      [36887, '2026-03-18T09:30:00.000Z', 'Error', '42 bad_certificate'],
    ]);
    expect(events[0]!.message).toMatch(/^A fatal alert was generated .* code is 116\.\r?\n/);
  });

  it('broken XML and XML with a DOCTYPE are one-line bad-input errors', () => {
    expect(() => parseSchannelEvents('<!DOCTYPE x [<!ENTITY a "aaaa">]><Events>&a;</Events>', 'evil.xml')).toThrow(CertbenchError);
    const broken = () => parseSchannelEvents('<Events><Event><System><EventID>36887', 'cut.xml');
    // fast-xml-parser is lenient; a cut file either reads what is there or fails with one line.
    try {
      expect(Array.isArray(broken())).toBe(true);
    } catch (err) {
      expect(err).toBeInstanceOf(CertbenchError);
    }
  });
});

describe('Schannel events: Event Viewer CSV', () => {
  it('quoted multi-line messages, CRLF, en-US local times, other sources skipped; alert from the old 36888 text', () => {
    const events = parseSchannelEvents(fixture('events-eventviewer.csv'), 'system.csv');
    expect(brief(events)).toEqual([
      [36888, '2026-03-17T09:05:02', 'Error', '48 unknown_ca'],
      [36885, '2026-03-17T08:59:40', 'Warning', null],
      [36870, '2026-03-16T23:10:00', 'Error', null],
      [36888, '2026-03-17T00:30:00', 'Error', '116 certificate_required'],
    ]);
    expect(events[2]!.message.split(/\r?\n/)).toEqual([
      'A fatal error occurred when attempting to access the TLS server credential private key. The error code returned from the cryptographic module is 0x8009030D. The internal error state is 10001.',
      ' The SSPI client process is SYSTEM (PID: 4).',
    ]);
  });
  it('the CSV reader keeps commas, doubled quotes and line breaks inside quotes', () => {
    expect(parseCsv('a,"b, ""c""\r\nd",e\r\nf,g\n')).toEqual([
      ['a', 'b, "c"\r\nd', 'e'],
      ['f', 'g'],
    ]);
  });
  it('a CSV that is not an Event Viewer export names what is missing', () => {
    expect(() => parseSchannelEvents('name,value\nx,1\n', 'other.csv')).toThrow('other.csv: a CSV without an "Event ID" column is not an Event Viewer export');
  });
});

describe('Schannel events: Get-WinEvent JSON and copied details', () => {
  it('PowerShell 5.1 JSON: /Date(ms)/ times, old 36888 wording with alert 40, Properties cut to a type name', () => {
    const events = parseSchannelEvents(fixture('events-get-winevent.json'), 'events.json');
    expect(brief(events)).toEqual([
      [36887, '2026-03-17T08:01:15.421Z', 'Error', '48 unknown_ca'],
      [36888, '2026-03-17T08:05:02.100Z', 'Error', '40 handshake_failure'],
      [36874, '2026-03-17T06:46:40.000Z', 'Error', null],
    ]);
    expect(events[2]!.data).toBeUndefined();
  });
  it('one event written as an object, not an array; a German message, so the alert comes from Properties', () => {
    const events = parseSchannelEvents(fixture('events-get-winevent-one.json'), 'one.json');
    expect(brief(events)).toEqual([[36887, '2026-03-17T08:01:15.421Z', 'Fehler', '45 certificate_expired']]);
  });
  it('the verbatim Event Viewer details of a 36870 event', () => {
    const [e, ...rest] = parseSchannelEvents(fixture('events-details.txt'), 'details.txt');
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ id: 36870, time: '7/10/2018', level: 'Error' });
    expect(e!.message).toMatch(/^A fatal error occurred .* 0x8009030D\. The internal error state is 10001\.\n The SSPI client process is SYSTEM \(PID: 4\)\.$/);
  });
  it('times: PowerShell 7 ISO with offset, a German local time, and anything else kept as written', () => {
    expect(normalizeEventTime('2026-03-17T09:01:15.4213370+01:00')).toBe('2026-03-17T08:01:15.421Z');
    expect(normalizeEventTime({ value: '/Date(0)/', DisplayHint: 2 })).toBe('1970-01-01T00:00:00.000Z');
    expect(normalizeEventTime('17.03.2026 09:05:02')).toBe('2026-03-17T09:05:02');
    expect(normalizeEventTime('gestern')).toBe('gestern');
    expect(normalizeEventTime(null)).toBeNull();
  });
  it('truncated JSON, an empty file and plain text are one-line bad-input errors naming the file', () => {
    expect(() => parseSchannelEvents('[{"Id": 36887, "Message": "A fat', 'cut.json')).toThrow('cut.json: starts like JSON but is not valid JSON');
    expect(() => parseSchannelEvents('\uFEFF  \r\n', 'empty.txt')).toThrow('empty.txt: the event export is empty');
    expect(() => parseSchannelEvents('hello world', 'hello.txt')).toThrow('hello.txt: not a Schannel event export');
  });
});

describe('summaries', () => {
  const events = [
    ...parseSchannelEvents(fixture('events-wevtutil.xml'), 'a'),
    ...parseSchannelEvents(fixture('events-get-winevent.json'), 'b'),
  ];
  it('counts by id, most frequent first, and the recent events newest first', () => {
    const s = summarizeEvents(events, 'system.xml');
    expect(SchannelEventSummarySchema.parse(s)).toEqual(s);
    expect(s.total).toBe(7);
    expect(s.byId.map((x) => [x.id, x.count])).toEqual([
      [36887, 2],
      [36888, 2],
      [36870, 1],
      [36874, 1],
      [36885, 1],
    ]);
    expect(s.recent.map((e) => e.time)).toEqual([
      '2026-03-17T08:05:02.100Z',
      '2026-03-17T08:05:02.100Z',
      '2026-03-17T08:01:15.421Z',
      '2026-03-17T08:01:15.421Z',
      '2026-03-17T07:59:40.000Z',
      '2026-03-17T06:46:40.000Z',
      '2026-03-16T22:10:00.000Z',
    ]);
  });
  it('keeps at most 200 events to show, but counts all', () => {
    const many: SchannelEvent[] = Array.from({ length: 450 }, (_, i) => ({ id: 36887, time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), level: 'Error', message: '', alert: null, meaning: '' }));
    const s = summarizeEvents(many, 'many');
    expect(s.total).toBe(450);
    expect(s.recent).toHaveLength(200);
    expect(s.recent[0]!.time).toBe('2026-01-01T00:07:29.000Z');
  });
  it('alert names from RFC 8446 and an evidence line per event', () => {
    expect([48, 116, 100, 200].map(alertName)).toEqual(['unknown_ca', 'certificate_required', 'no_renegotiation', 'unknown alert 200']);
    expect(eventLine(events[0]!)).toBe('2026-03-17T08:01:15.421Z Error 36887: The following fatal alert was received: 48.');
  });
});
