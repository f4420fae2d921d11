import type { DeploymentDoc } from './deployments.ts';
import type { HeaderPair } from './executions.ts';
import type { FunctionDoc, FunctionStore } from './functions.ts';
import { SPECIFICATIONS } from './settings.ts';

/**
 * What a function execution receives and how its answer is recorded: the environment (facts §3.2),
 * the headers Appwrite keeps in a stored execution, and the cap on logs. Used by the executor
 * (function-executor.ts).
 */

/** The server version functions see as `APPWRITE_VERSION` and in `user-agent`. */
export const APPWRITE_VERSION = '1.9.5';

/** Longest logs/errors kept per execution (`APP_FUNCTION_LOG_LENGTH_LIMIT`). */
const LOG_LIMIT = 1_000_000;

/** Headers Appwrite keeps in a stored execution (`FUNCTION_ALLOWLIST_HEADERS_*`). */
export const STORED_REQUEST_HEADERS = [
  'content-type',
  'agent',
  'content-length',
  'host',
  'x-appwrite-client-ip',
];
export const STORED_RESPONSE_HEADERS = ['content-type', 'content-length'];

/**
 * The function's environment (facts §3.2): project variables, overridden by the function's,
 * overridden by Appwrite's own.
 */
export function executionEnvironment(
  functions: FunctionStore,
  projectId: string,
  endpoint: string,
  fn: FunctionDoc,
  deployment: DeploymentDoc,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of functions.variables(null)) env[v.key] = v.value;
  for (const v of functions.variables(fn.$id)) env[v.key] = v.value;
  const spec = SPECIFICATIONS[fn.runtimeSpecification] ?? { cpus: 1, memory: 512 };
  Object.assign(env, {
    APPWRITE_FUNCTION_API_ENDPOINT: endpoint,
    APPWRITE_FUNCTION_ID: fn.$id,
    APPWRITE_FUNCTION_NAME: fn.name,
    APPWRITE_FUNCTION_DEPLOYMENT: deployment.$id,
    APPWRITE_FUNCTION_PROJECT_ID: projectId,
    APPWRITE_FUNCTION_RUNTIME_NAME: 'Node.js',
    APPWRITE_FUNCTION_RUNTIME_VERSION: fn.runtime.replace(/^node-/, ''),
    APPWRITE_FUNCTION_CPUS: String(spec.cpus),
    APPWRITE_FUNCTION_MEMORY: String(spec.memory),
    APPWRITE_VERSION,
    APPWRITE_REGION: 'default',
    APPWRITE_DEPLOYMENT_TYPE: deployment.type,
    APPWRITE_VCS_REPOSITORY_ID: '',
    APPWRITE_VCS_REPOSITORY_NAME: '',
    APPWRITE_VCS_REPOSITORY_OWNER: '',
    APPWRITE_VCS_REPOSITORY_URL: '',
    APPWRITE_VCS_REPOSITORY_BRANCH: '',
    APPWRITE_VCS_REPOSITORY_BRANCH_URL: '',
    APPWRITE_VCS_COMMIT_HASH: '',
    APPWRITE_VCS_COMMIT_MESSAGE: '',
    APPWRITE_VCS_COMMIT_URL: '',
    APPWRITE_VCS_COMMIT_AUTHOR_NAME: '',
    APPWRITE_VCS_COMMIT_AUTHOR_URL: '',
    APPWRITE_VCS_ROOT_DIRECTORY: '',
  });
  return env;
}

/** The headers with the execution's id, as Appwrite lists them in a stored execution. */
export function withAppwriteHeaders(headers: Record<string, string>, executionId: string) {
  return { ...headers, 'x-appwrite-execution-id': executionId };
}

/** The headers among `allowed` as the Execution model lists them (`{name, value}`). */
export function storedHeaders(
  headers: Record<string, string>,
  allowed: readonly string[],
): HeaderPair[] {
  return Object.entries(headers)
    .filter(([name]) => allowed.includes(name.toLowerCase()))
    .map(([name, value]) => ({ name, value }));
}

/** Response headers as `{name, value}` pairs (repeated ones joined with `, `). */
export function pairs(headers: Record<string, string | string[]>): HeaderPair[] {
  return Object.entries(headers).map(([name, value]) => ({
    name,
    value: Array.isArray(value) ? value.join(', ') : value,
  }));
}

/** `/path?query` → `['/path', 'query']`. */
export function splitPath(path: string): [string, string?] {
  const at = path.indexOf('?');
  return at < 0 ? [path] : [path.slice(0, at), path.slice(at + 1)];
}

/** Keeps the last `LOG_LIMIT` characters with Appwrite's warning line in front. */
export function capped(text: string, what: 'Logs' | 'Errors'): string {
  if (text.length <= LOG_LIMIT) return text;
  const warning = `[WARNING] ${what} truncated. The output exceeded ${LOG_LIMIT} characters.\n`;
  return warning + text.slice(-(LOG_LIMIT - warning.length));
}
