/**
 * A stand-in for the open-runtimes Node runtime (`runtimes/node/.../src/server.js`), so function
 * tests run in-process yet see what production sees: the same context fields and getters (`bodyJson`
 * throws on malformed input), `res.*` helpers that return `{body, statusCode, headers}` with a byte
 * body, logs cut at 8000 characters, and the runtime's own handling of a loaded module, a thrown
 * error and a missing return value.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type {
  RuntimeContext,
  RuntimeResponse,
  RuntimeResponseHelpers,
} from '../../../functions/_lib/context.ts';

/** The parts of an execution a test sets; the rest is filled in as Appwrite would. */
export interface FakeRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** A context plus what the function wrote to its logs. */
export interface FakeExecution {
  context: RuntimeContext;
  logs: string[];
  errors: string[];
}

/** What the runtime sent back, decoded for assertions. */
export interface FakeResult {
  statusCode: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON; throws if it is not JSON. */
  json: () => unknown;
  logs: string[];
  errors: string[];
}

/** The message the runtime logs when a function returns nothing (upstream wording, paraphrased in tests). */
export const RUNTIME_MISSING_RETURN = 'Return statement missing.';

const LOG_LIMIT = 8000;

/** Builds a context for one execution. */
export function fakeContext(request: FakeRequest = {}): FakeExecution {
  const bodyText = request.body ?? '';
  const headers: Record<string, string> = {
    host: 'functions.local',
    'x-appwrite-trigger': 'http',
    'x-appwrite-user-id': '',
    ...lowerCaseKeys(request.headers ?? {}),
  };
  const contentType = headers['content-type'] ?? 'text/plain';
  const [rawPath = '/', queryString = ''] = (request.path ?? '/').split('?');
  const logs: string[] = [];
  const errors: string[] = [];

  const req = {
    get bodyBinary() {
      return Buffer.from(bodyText, 'utf8');
    },
    get bodyText() {
      return bodyText;
    },
    get bodyRaw() {
      return bodyText;
    },
    get bodyJson(): unknown {
      return JSON.parse(bodyText);
    },
    get body(): unknown {
      if (contentType.startsWith('application/json')) return bodyText === '' ? {} : this.bodyJson;
      return bodyText;
    },
    headers,
    method: request.method ?? 'GET',
    host: 'functions.local',
    scheme: 'http',
    port: 80,
    path: rawPath,
    queryString,
    query: Object.fromEntries(
      queryString
        .split('&')
        .filter((pair) => pair !== '')
        .map((pair) => {
          const [key = '', ...value] = pair.split('=');
          return [key, value.join('=')];
        }),
    ),
    url: `http://functions.local${request.path ?? '/'}`,
  };

  const res: RuntimeResponseHelpers = {
    send(body, statusCode = 200, headers = {}) {
      return this.text(`${body}`, statusCode, headers);
    },
    text(body, statusCode = 200, headers = {}) {
      return this.binary(Buffer.from(body, 'utf8'), statusCode, headers);
    },
    binary(bytes, statusCode = 200, headers = {}) {
      return { body: bytes, statusCode, headers };
    },
    json(value, statusCode = 200, headers = {}) {
      return this.text(JSON.stringify(value), statusCode, {
        ...headers,
        'content-type': 'application/json',
      });
    },
    empty() {
      return this.text('', 204, {});
    },
    redirect(url, statusCode = 301, headers = {}) {
      return this.text('', statusCode, { ...headers, location: url });
    },
  };

  const write = (into: string[]) => (message: unknown) => {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    into.push(text.slice(0, LOG_LIMIT));
  };

  return { context: { req, res, log: write(logs), error: write(errors) }, logs, errors };
}

/**
 * Runs a loaded function module as the runtime does: the default export or the module itself, a
 * thrown error → 500 with an empty body and the stack logged, no return value → 500 and a log line.
 */
export async function execute(loaded: unknown, request: FakeRequest = {}): Promise<FakeResult> {
  const { context, logs, errors } = fakeContext(request);
  const fn = entryFunction(loaded);
  let output: RuntimeResponse | undefined;
  try {
    output = (await fn(context)) ?? undefined;
  } catch (thrown) {
    context.error(thrown instanceof Error ? (thrown.stack ?? thrown.message) : thrown);
    output = context.res.text('', 500, {});
  }
  if (output === undefined || output === null) {
    context.error(`${RUNTIME_MISSING_RETURN} Return context.res.empty() to answer with nothing.`);
    output = context.res.text('', 500, {});
  }
  const text = Buffer.from(output.body ?? '').toString('utf8');
  return {
    statusCode: output.statusCode ?? 200,
    headers: output.headers ?? {},
    text,
    json: () => JSON.parse(text),
    logs,
    errors,
  };
}

/**
 * Loads an entrypoint file as the runtime does: `require()` it, and `import()` it instead when Node
 * says the file is an ES module it will not require (Node before 20.19 / 22.12).
 */
export async function loadLikeRuntime(file: string): Promise<unknown> {
  const require = createRequire(import.meta.url);
  try {
    return require(file);
  } catch (thrown) {
    if ((thrown as { code?: unknown }).code !== 'ERR_REQUIRE_ESM') throw thrown;
    return import(/* @vite-ignore */ pathToFileURL(file).href);
  }
}

type EntryFunction = (context: RuntimeContext) => Promise<RuntimeResponse | undefined>;

function entryFunction(loaded: unknown): EntryFunction {
  const candidate =
    typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : loaded;
  if (typeof candidate !== 'function') throw new Error('The module exports no function.');
  return candidate as EntryFunction;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
  );
}
