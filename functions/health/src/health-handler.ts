import { AGORA_VERSION } from '#shared/version.ts';
import { describeError } from '../../_lib/app-error.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import type { HealthRepo } from './health-repo.ts';

/** How long one probe may take before it counts as failed. */
export const CHECK_TIMEOUT_MS = 3000;

/** One probe's outcome. `reason` is short and safe to show: a status and error type, or a timeout. */
export interface CheckResult {
  status: 'pass' | 'fail';
  ms: number;
  reason?: string;
}

/** The health answer: 200 when every check passes, 503 otherwise. */
export interface HealthReport {
  status: 'pass' | 'fail';
  version: string;
  checks: { database: CheckResult; storage: CheckResult };
}

/**
 * `GET /`: probes the database and storage at once, each with its own timeout, so health answers
 * within about `timeoutMs` however slow a dependency is. A failure's detail goes to the execution's
 * error log; the response says only which check failed and a short reason.
 */
export function healthHandler(
  repoFor: (req: RuntimeRequest) => HealthRepo,
  timeoutMs = CHECK_TIMEOUT_MS,
): RouteHandler {
  return async ({ req, res, error }) => {
    const repo = repoFor(req);
    const [database, storage] = await Promise.all([
      runCheck(() => repo.probeDatabase(), timeoutMs),
      runCheck(() => repo.probeStorage(), timeoutMs),
    ]);
    const checks = { database: database.result, storage: storage.result };
    for (const [name, check] of Object.entries({ database, storage })) {
      if (check.failure !== undefined) error(`health: ${name} check failed: ${check.failure}`);
    }
    const passed = database.result.status === 'pass' && storage.result.status === 'pass';
    const report: HealthReport = {
      status: passed ? 'pass' : 'fail',
      version: AGORA_VERSION,
      checks,
    };
    return res.json(report, passed ? 200 : 503, { 'cache-control': 'no-store' });
  };
}

class CheckTimeout extends Error {}

async function runCheck(
  probe: () => Promise<void>,
  timeoutMs: number,
): Promise<{ result: CheckResult; failure?: string }> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout()), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(probe), timeout]);
    return { result: { status: 'pass', ms: elapsed() } };
  } catch (thrown) {
    const reason =
      thrown instanceof CheckTimeout ? `no answer within ${timeoutMs} ms` : safeReason(thrown);
    return { result: { status: 'fail', ms: elapsed(), reason }, failure: describeError(thrown) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A reason fit for a public answer. An Appwrite error carries its HTTP status and error type, which
 * tell an operator what to fix (a missing scope, a missing table) without revealing anything; any
 * other error (a refused connection, a DNS failure) may embed hosts or URLs, so it is summarised.
 */
function safeReason(thrown: unknown): string {
  if (typeof thrown === 'object' && thrown !== null && 'code' in thrown) {
    const { code } = thrown;
    const type = 'type' in thrown ? thrown.type : undefined;
    if (typeof code === 'number' && code >= 400 && code < 600) {
      const safeType = typeof type === 'string' && /^[a-z_]{1,64}$/.test(type) ? ` ${type}` : '';
      return `Appwrite answered ${code}${safeType}`;
    }
  }
  return 'Appwrite could not be reached';
}
