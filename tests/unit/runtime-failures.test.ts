/**
 * How the runner answers a function that fails, and what lands in `logs` and `errors`: the Node
 * runtime's failure modes (thrown error, missing return, a module that does not load or exports no
 * function), both module systems, log serialisation and truncation, and console capture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionRunner } from '../../emulator/runtime/runner.ts';
import type { ExecutionRequest } from '../../emulator/runtime/types.ts';
import { FixtureDir } from '../support/runtime-fixtures.ts';

let runner: FunctionRunner;
let fixtures: FixtureDir;

beforeAll(async () => {
  runner = new FunctionRunner();
  fixtures = await FixtureDir.create();
});
afterAll(async () => {
  await runner.close();
  await fixtures.remove();
});

const RETURN_MISSING =
  'Return statement missing. return context.res.empty() if no response is expected.\n';

interface Row {
  name: string;
  /** The whole entry file. */
  source: string;
  type?: 'module' | 'commonjs';
  entrypoint?: string;
  /** Deploy under another entrypoint than the one the function is configured with. */
  configuredEntrypoint?: string;
  status: number;
  body?: string;
  /** Exact logs / errors. */
  logs?: string;
  errors?: string;
  /** Strings `errors` must contain, and must not. */
  errorsHave?: string[];
  /** Strings neither the body nor the headers may contain (what must not leak to the caller). */
  responseLacks?: string[];
}

const esm = (body: string) => `export default async ({ req, res, log, error }) => {\n${body}\n};\n`;

const rows: Row[] = [
  {
    name: 'thrown error → 500, stack in errors, nothing in the body',
    source: esm(`throw new Error('kaboom in handler');`),
    status: 500,
    body: '',
    errorsHave: ['Error: kaboom in handler', '    at '],
    responseLacks: ['kaboom'],
  },
  {
    name: 'thrown non-Error → 500, the value in errors',
    source: esm(`throw 'plain string';`),
    status: 500,
    body: '',
    errors: 'plain string\n',
  },
  {
    name: 'no return value → 500 and the runtime message',
    source: esm(`log('did work');`),
    status: 500,
    body: '',
    logs: 'did work\n',
    errors: RETURN_MISSING,
  },
  {
    name: 'returning null → same as no return',
    source: esm(`return null;`),
    status: 500,
    errors: RETURN_MISSING,
  },
  {
    name: 'module throws while loading → 503, message in errors',
    source: `throw new Error('bad config at load');\nexport default async ({ res }) => res.empty();\n`,
    status: 503,
    body: '',
    errorsHave: ['bad config at load'],
    responseLacks: ['bad config'],
  },
  {
    name: 'syntax error → 503',
    source: `export default async ({ res }) => { return res.empty( };\n`,
    status: 503,
    errorsHave: ['main.js has a syntax error'],
  },
  {
    name: 'default export not a function → 503',
    source: `export default 42;\n`,
    status: 503,
    errorsHave: ['main.js exports no function'],
  },
  {
    name: 'CommonJS exporting an object, no function → 503',
    source: `module.exports = { handler: () => {} };\n`,
    type: 'commonjs',
    status: 503,
    errorsHave: ['exports no function'],
  },
  {
    name: 'entry file missing → 503 naming it',
    source: esm(`return res.empty();`),
    configuredEntrypoint: 'dist/main.js',
    status: 503,
    errorsHave: ['dist/main.js does not exist'],
  },
  {
    name: 'CommonJS `module.exports = fn` works',
    source: `module.exports = async ({ res }) => res.text('cjs');\n`,
    type: 'commonjs',
    status: 200,
    body: 'cjs',
    errors: '',
  },
  {
    name: 'CommonJS `module.exports.default = fn` works',
    source: `module.exports.default = async ({ res }) => res.text('cjs default');\n`,
    type: 'commonjs',
    status: 200,
    body: 'cjs default',
  },
  {
    name: 'ESM `export default` in a nested dist/main.js works',
    source: esm(`return res.text('esm');`),
    entrypoint: 'dist/main.js',
    status: 200,
    body: 'esm',
    errors: '',
  },
  {
    name: '.mjs entry in a CommonJS package works',
    source: esm(`return res.text('mjs');`),
    type: 'commonjs',
    entrypoint: 'main.mjs',
    status: 200,
    body: 'mjs',
  },
  {
    name: 'an invalid status code → 500, the reason in errors',
    source: esm(`return res.text('x', 42);`),
    status: 500,
    body: '',
    errorsHave: ['Invalid status code: 42'],
  },
  {
    name: 'a boolean body → 500, the reason in errors',
    source: esm(`return res.send(true);`),
    status: 500,
    errorsHave: ['TypeError'],
  },
  {
    name: 'log and error: arguments joined by spaces, non-strings as JSON, Errors as stack',
    source: esm(`log('a', 1, { b: [true, null] }, undefined);
      log(new Map([['k', 1n]]), new Set([NaN]), new Date(0));
      error('bad', new Error('e1'));
      return res.empty();`),
    status: 204,
    logs: 'a 1 {"b":[true,null]} null\n[["k","1"]] ["NaN"] "1970-01-01T00:00:00.000Z"\n',
    errorsHave: ['bad Error: e1\n    at '],
  },
  {
    name: 'a circular value is logged with the cycle cut',
    source: esm(`const o = { a: 1 }; o.self = o; log(o); return res.empty();`),
    status: 204,
    logs: '{"a":1,"self":null}\n',
  },
  {
    name: 'a log line of exactly 8000 characters is kept whole',
    source: esm(`log('x'.repeat(8000)); return res.empty();`),
    status: 204,
    logs: `${'x'.repeat(8000)}\n`,
  },
  {
    name: 'longer log lines are cut at 8000 characters, per call',
    source: esm(
      `log('y'.repeat(9000)); error('z'.repeat(8001)); log('short'); return res.empty();`,
    ),
    status: 204,
    logs: `${'y'.repeat(8000)}... [line cut at 8000 characters]\nshort\n`,
    errors: `${'z'.repeat(8000)}... [line cut at 8000 characters]\n`,
  },
];

/** Console capture: every console method lands in logs (even console.error), after one hint. */
const HINT =
  'console.* output was captured into this log; context.log() and context.error() are the intended way to log.\n';
rows.push(
  {
    name: 'console.* captured into logs after one hint, console.error included',
    source: esm(`console.log('one', { n: 1 }); console.error('two'); console.warn('three');
      log('mine'); return res.empty();`),
    status: 204,
    logs: `${HINT}one {"n":1}\ntwo\nthree\nmine\n`,
    errors: '',
  },
  {
    name: 'console output while the module loads belongs to the first execution',
    source: `console.log('loading');\n${esm('return res.empty();')}`,
    status: 204,
    logs: `${HINT}loading\n`,
  },
);

describe('log volume', () => {
  it("logs past the executor's 5 MB are cut, with a note; errors unaffected", async () => {
    const base = await fixtures.deploy(
      'chatty',
      esm(
        `for (let i = 0; i < 700; i++) log('x'.repeat(7999)); error('still here'); return res.empty();`,
      ),
    );
    const result = await runner.execute(base);
    expect(result.statusCode).toBe(204);
    const [kept, note] = result.logs.split('\n[');
    expect(kept?.length).toBe(5 * 1024 * 1024);
    expect(note).toBe("cut at the runtime's 5 MB log limit]\n");
    expect(result.errors).toBe('still here\n');
  });
});

describe('failure modes, module systems, logs', () => {
  it.concurrent.each(rows.map((row, i) => [row.name, row, i] as const))('%s', async (_, row, i) => {
    const base: ExecutionRequest = await fixtures.deploy(`f${i}`, row.source, {
      type: row.type ?? 'module',
      entrypoint: row.entrypoint ?? 'main.js',
    });
    const result = await runner.execute({
      ...base,
      entrypoint: row.configuredEntrypoint ?? base.entrypoint,
    });
    expect(result.statusCode).toBe(row.status);
    if (row.body !== undefined) expect(result.body.toString()).toBe(row.body);
    if (row.logs !== undefined) expect(result.logs).toBe(row.logs);
    if (row.errors !== undefined) expect(result.errors).toBe(row.errors);
    for (const part of row.errorsHave ?? []) expect(result.errors).toContain(part);
    const response = result.body.toString() + JSON.stringify(result.headers);
    for (const part of row.responseLacks ?? []) expect(response).not.toContain(part);
    expect(result.timedOut || result.crashed).toBe(false);
  });
});
