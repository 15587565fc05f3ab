import { describe, expect, it } from 'vitest';
import type { RankedFinding } from '../../shared/model/diagnose';
import { summaryOf } from '../../electron/services/diagnose';

/** "N problems found" counts the errors the report lists below it, context ones included. */
function f(id: RankedFinding['id'], severity: RankedFinding['severity'], likelihood: RankedFinding['likelihood'], rank: number): RankedFinding {
  return { id, severity, title: `${id} title`, detail: '', evidence: [], fixes: [], rank, likelihood, why: '', area: 'certificate' };
}

describe('the diagnosis summary counts what it lists', () => {
  it('counts every listed error, and says how many are context only', () => {
    const findings = [f('cert.expired', 'error', 'root-cause', 1), f('chain.incomplete', 'error', 'likely', 2), f('chain.untrusted-root', 'error', 'context', 3), f('key.too-open', 'warning', 'contributing', 4)];
    // Before: "2 problems found" above three errors.
    expect(summaryOf(findings, [], null)).toBe('3 problems found. Most likely cause: cert.expired title. One of them is context only.');
    expect(summaryOf(findings.slice(0, 1), [], null)).toBe('One problem found. Most likely cause: cert.expired title.');
  });

  it('errors that are all context: none blocks, and the count still matches the list', () => {
    const findings = [f('chain.untrusted-root', 'error', 'context', 1), f('chain.invalid', 'error', 'context', 2)];
    expect(summaryOf(findings, [], null)).toBe('No blocking problem found: the 2 problems listed are context only.');
  });
});
