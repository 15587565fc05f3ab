import { oneLine } from '../../shared/errors';
import type { Services } from '../services/services';

/**
 * What every command module is handed (DESIGN.md "Command line"): exit 0 on success, 1 when a
 * diagnosis found errors, 2 on bad usage or input with one line per problem on stderr. `services`
 * is built on first use, so a command that reads nothing of the machine (inspect) never builds it.
 */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export interface CliIo {
  fail: (message: string) => never;
  readonly services: Services;
}

export function fail(message: string): never {
  process.stderr.write(`certbench: ${oneLine(message)}\n`);
  process.exit(EXIT.usage);
}
