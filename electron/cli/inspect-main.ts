import { main } from './cli';
import { registerInspectCommand } from './inspect';

/**
 * dist/cli/inspect.cjs: `certbench inspect` as one CommonJS file with nothing but what it reads
 * (no services, no ES module loader): one read and one compile, the command people run most and
 * expect as fast as `openssl x509 -text`.
 */
export function run(argv: string[]): Promise<void> {
  return main(argv, [{ names: ['inspect'], register: registerInspectCommand, usesMachine: false }], null);
}
