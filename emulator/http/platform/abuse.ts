import type {
  FastifyInstance,
  FastifyRequest,
  onSendHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import type { AbuseCounters } from '../../core/platform/abuse.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { hookList } from './context.ts';

/**
 * A route's abuse label, as Appwrite declares it on the route (`->label('abuse-limit', 10)` …):
 * give it in the route's config with `abuse({...})`, and the one hook below enforces it.
 */
export interface AbuseLabel {
  /** `abuse-limit`: requests allowed per window and key. */
  limit: number;
  /**
   * `abuse-key`: a template, or several (each counted; the tightest sets the headers). Appwrite's
   * default is `url:{url},ip:{ip}`. Placeholders: `{url}` (hostname + route path), `{ip}`,
   * `{userId}`, `{projectId}`, `{method}`, `{userAgent}`, `{chunkId}`, `{param-<name>}`.
   */
  key?: string | readonly string[];
  /** `abuse-time`: the window in seconds (default 3600). */
  time?: number;
  /** `abuse-reset`: response statuses that set the counters back to 0 (a successful sign-in). */
  reset?: readonly number[];
  /** The route's own path for `{url}` on an alias (`/v1/account/jwts` for `/v1/account/jwt`). */
  path?: string;
  /** Counts keys and console users too: Appwrite's function-create check exempts nobody. */
  everyone?: boolean;
}

/** How the limits run; `buildApp({ abuse })` takes `false`, `true` or this. */
export interface AbuseSettings {
  enabled?: boolean;
  /** The counter store's bound (core/platform/abuse.ts); tests shrink it. */
  maxCounters?: number;
  /** The clock the windows follow (epoch ms); tests pin it so a window cannot turn mid-test. */
  now?: () => number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    abuse?: AbuseLabel;
  }
}

const DEFAULT_KEY = 'url:{url},ip:{ip}';
const DEFAULT_TIME = 3600;

/**
 * The write routes' label (rows, files, file tokens): APP_LIMIT_WRITE_RATE_DEFAULT requests per
 * APP_LIMIT_WRITE_RATE_PERIOD_DEFAULT seconds (app/init/constants.php) per ip, method, route and
 * user; Appwrite gives creates and updates twice the limit (`{ ...WRITE_RATE, limit: 120 }`).
 */
export const WRITE_RATE = {
  limit: 60,
  time: 60,
  key: 'ip:{ip},method:{method},url:{url},userId:{userId}',
} as const satisfies AbuseLabel;

/** Route options that label a route, e.g. `app.post('/account', abuse({ limit: 10 }), handler)`. */
export function abuse(label: AbuseLabel): { config: { abuse: AbuseLabel } } {
  return { config: { abuse: label } };
}

/** Whether the limits run: the explicit setting, else on unless `_APP_OPTIONS_ABUSE=disabled`. */
export function abuseEnabled(
  setting: boolean | AbuseSettings | undefined,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const explicit = typeof setting === 'object' ? setting.enabled : setting;
  return explicit ?? env._APP_OPTIONS_ABUSE !== 'disabled';
}

/**
 * Enforces the abuse labels, as Appwrite's API init and shutdown hooks do
 * (app/controllers/shared/api.php): before the handler, each key of the label is filled and read;
 * `X-RateLimit-Limit`, `-Remaining` (before this request counts) and `-Reset` (the end of the fixed
 * window, epoch seconds) are sent on every labelled route, for anyone, even with the limits off; then,
 * unless the limits are off or the caller is an API key (a function's execution key and the console
 * admin are keys here), the request is counted, and one over the limit is 429
 * `general_rate_limit_exceeded` before anything is done. A response with an `abuse-reset` status sets
 * the counters back to 0. Runs after the principal is resolved (app.ts `onRequest`). The counters
 * are the project's (`project.abuse`).
 */
export function registerAbuseLimits(
  app: FastifyInstance,
  counters: AbuseCounters,
  setting: boolean | AbuseSettings | undefined,
): void {
  const enabled = abuseEnabled(setting);

  const limit: preHandlerHookHandler = (request, reply, done) => {
    const label = request.routeOptions.config.abuse;
    if (!label) return done();
    const seconds = label.time ?? DEFAULT_TIME;
    const counted = enabled && (label.everyone || request.principal.kind !== 'key');
    let closest: number | null = null;
    for (const key of filledKeys(label, request)) {
      // With the limits off nothing is ever counted, so the store need not be read.
      const count = enabled ? counters.count(key, seconds) : 0;
      const remaining = Math.max(0, label.limit - (count + 1));
      if (label.limit > 0 && (closest === null || remaining < closest)) {
        closest = remaining;
        reply.header('X-RateLimit-Limit', label.limit);
        reply.header('X-RateLimit-Remaining', remaining);
        reply.header('X-RateLimit-Reset', counters.windowStart(seconds) + seconds);
      }
      if (counted && counters.check(key, label.limit, seconds)) {
        throw new AppwriteError(
          'general_rate_limit_exceeded',
          'Rate limit for the current endpoint has been exceeded. Please try again after some time.',
        );
      }
    }
    done();
  };

  const reset: onSendHookHandler = (request, reply, payload, done) => {
    const label = request.routeOptions.config.abuse;
    if (enabled && label?.reset?.includes(reply.statusCode)) {
      for (const key of filledKeys(label, request)) counters.reset(key, label.time ?? DEFAULT_TIME);
    }
    done(null, payload);
  };

  // Only labelled routes get the hooks (before any of the route's own), so the many unlabelled
  // ones — row reads among them — do not run them on every request.
  app.addHook('onRoute', (route) => {
    const label = route.config?.abuse;
    if (!label) return;
    route.preHandler = [limit, ...hookList(route.preHandler)];
    if (label.reset) route.onSend = [reset, ...hookList(route.onSend)];
  });
}

/** The label's key templates with this request's values (an unknown placeholder stays as written). */
function filledKeys(label: AbuseLabel, request: FastifyRequest): string[] {
  const templates = typeof label.key === 'string' ? [label.key] : (label.key ?? [DEFAULT_KEY]);
  const values = placeholderValues(label, request);
  return templates.map((template) =>
    template.replace(/\{([A-Za-z0-9_-]+)\}/g, (whole, name: string) => values.get(name) ?? whole),
  );
}

function placeholderValues(label: AbuseLabel, request: FastifyRequest): Map<string, string> {
  const principal = request.principal;
  const userAgent = request.headers['user-agent'];
  const values = new Map<string, string>([
    ['projectId', request.projectId],
    ['userId', principal.kind === 'user' ? principal.userId : ''],
    ['userAgent', typeof userAgent === 'string' ? userAgent : ''],
    ['ip', request.ip],
    ['url', `${request.hostname}${label.path ?? request.routeOptions.url ?? ''}`],
    ['method', request.method],
    ['chunkId', String(chunkIndex(request.headers['content-range']))],
  ]);
  // Appwrite's request params: the query string, and the body on a write (not a multipart upload).
  const params: Record<string, unknown> = { ...(request.query as Record<string, unknown>) };
  const body = request.body;
  if (request.method !== 'GET' && isPlainObject(body)) Object.assign(params, body);
  for (const [name, value] of Object.entries(params)) {
    if (!isEmpty(value)) values.set(`param-${name}`, paramText(value));
  }
  return values;
}

/** `{chunkId}`: which chunk a `Content-Range: bytes start-end/size` upload is, else 0. */
function chunkIndex(header: string | undefined): number {
  const match = /^bytes (\d+)-(\d+)\/\d+$/.exec(header ?? '');
  if (!match) return 0;
  const start = Number(match[1]);
  const size = Number(match[2]) + 1 - start;
  return size > 0 ? Math.floor(start / size) : 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value)
  );
}

/** PHP's `empty()`, which Appwrite uses to skip a param. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0) return true;
  if (value === '' || value === '0') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

function paramText(value: unknown): string {
  if (typeof value === 'object') return JSON.stringify(value);
  if (value === true) return '1';
  return String(value);
}
