import { describe, expect, it } from 'vitest';
import { capitalise, detailWhere, evidenceKindWord, plainText } from '../../renderer/src/ui/common/words';

/** The words: labels and messages as a helpdesk user reads them. */
describe('plain words', () => {
  it('labels evidence as people say it', () => {
    expect(evidenceKindWord('iis setting')).toBe('IIS setting');
    expect(evidenceKindWord('acl entry')).toBe('ACL entry');
    expect(evidenceKindWord('sc-win32-status')).toBe('Win32 status in the log');
    expect(evidenceKindWord('log line')).toBe('Log line');
    expect(evidenceKindWord('client certificate issuer')).toBe('Client certificate issuer');
  });

  it('starts a sentence without re-casing a file name or path', () => {
    expect(capitalise('client.pfx: the private key is inside')).toBe('client.pfx: the private key is inside');
    expect(capitalise('/srv/certs/alice.key cannot be read')).toBe('/srv/certs/alice.key cannot be read');
    expect(capitalise('the server reset the connection')).toBe('The server reset the connection');
  });

  it('shows times in local form and paths without internal store ids', () => {
    const text = plainText('expired root in folder:/tmp/roots, checked at 2026-12-06T14:02:11.000Z');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(text).not.toContain('folder:');
    expect(text).toContain('/tmp/roots');
  });

  it('never points "above" from the first finding', () => {
    const detail = 'IIS needs a client certificate. Check the findings above about the CA list and how the server asks.';
    expect(detailWhere(detail, true)).toBe('IIS needs a client certificate. Check the other findings about the CA list and how the server asks.');
    expect(detailWhere(detail, false)).toBe(detail);
  });
});
