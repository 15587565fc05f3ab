import { describe, expect, it } from 'vitest';
import { ExecFileRunner, commandProblem } from '../../electron/platform/command-runner';
import { FakeRunner } from '../helpers/fake-runner';

const node = process.execPath;

describe('ExecFileRunner', () => {
  it('passes arguments as an array (no shell), feeds stdin, and records the run', async () => {
    const runner = new ExecFileRunner();
    const hostile = `a b; echo pwned $(id) \`id\` | cat & 'q' "d"`;
    const r = await runner.run(node, ['-e', 'process.stdin.pipe(process.stdout); process.stderr.write(process.argv[1])', hostile], { timeoutMs: 10_000, input: 'from stdin' });
    expect(r).toMatchObject({ exitCode: 0, stdout: 'from stdin', stderr: hostile, error: null });
    expect(runner.history()).toHaveLength(1);
    expect(runner.history()[0]?.args[2]).toBe(hostile);
  });

  it('reports a missing program, a non-zero exit, a timeout and an output bound in one line each', async () => {
    const runner = new ExecFileRunner({ historySize: 3 });
    const missing = await runner.run('certbench-no-such-tool', [], { timeoutMs: 5000 });
    expect(missing.error).toBe('certbench-no-such-tool: command not found');
    const failed = await runner.run(node, ['-e', 'console.error("\\n  bad thing\\nmore"); process.exit(3)'], { timeoutMs: 5000 });
    expect(failed.exitCode).toBe(3);
    expect(commandProblem(failed)).toBe(`${node} exited with 3: bad thing`);
    const slow = await runner.run(node, ['-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 300 });
    expect(slow.error).toBe(`${node}: timed out after 300 ms`);
    const big = await runner.run(node, ['-e', 'process.stdout.write("x".repeat(100000))'], { timeoutMs: 5000, maxOutputBytes: 1000 });
    expect(big.error).toBe(`${node}: output exceeded 1000 bytes; stopped`);
    // The ring keeps the last three.
    expect(runner.history().map((h) => h.error)).toEqual([failed.error, slow.error, big.error]);
  });

  it('does not wait on a tool that prompts: stdin is closed', async () => {
    const r = await new ExecFileRunner().run(node, ['-e', 'process.stdin.on("data", () => {}).on("end", () => { console.log("eof"); })'], { timeoutMs: 5000 });
    expect(r.stdout.trim()).toBe('eof');
  });
});

describe('FakeRunner', () => {
  it('replays by exact args, predicate and count, and lists what nothing matched', async () => {
    const fake = new FakeRunner()
      .on('getfacl', ['-p', '/k'], { stdout: 'before' }, { times: 1 })
      .on('getfacl', ['-p', '/k'], { stdout: 'after' })
      .on('id', (args) => args[0] === '-Gn', { stdout: 'www-data\n' });
    expect((await fake.run('getfacl', ['-p', '/k'], { timeoutMs: 1 })).stdout).toBe('before');
    expect((await fake.run('getfacl', ['-p', '/k'], { timeoutMs: 1 })).stdout).toBe('after');
    expect((await fake.run('id', ['-Gn', 'www-data'], { timeoutMs: 1 })).stdout).toBe('www-data\n');
    const none = await fake.run('setfacl', ['-m', 'u:x:r', '/k'], { timeoutMs: 1 });
    expect(none.error).toMatch(/^fake runner: no recorded output for setfacl/);
    expect(fake.unmatched).toEqual([{ file: 'setfacl', args: ['-m', 'u:x:r', '/k'] }]);
    expect(fake.commandLines()).toEqual(['getfacl -p /k', 'getfacl -p /k', 'id -Gn www-data', 'setfacl -m u:x:r /k']);
    const replay = FakeRunner.fromRecords([{ file: 'a', args: ['1'], exitCode: 2, stdout: 'o', stderr: 'e', durationMs: 5, error: null }]);
    expect(await replay.run('a', ['1'], { timeoutMs: 1 })).toEqual({ file: 'a', args: ['1'], exitCode: 2, stdout: 'o', stderr: 'e', durationMs: 5, error: null });
  });
});
