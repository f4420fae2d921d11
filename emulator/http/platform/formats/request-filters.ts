import { compareVersions } from '../context.ts';

/**
 * Appwrite's request filters for the routes this server serves (SRV src/Appwrite/Utopia/Request/
 * Filters/V21.php … V26.php): a caller asking for an older response format sends that version's
 * parameters, which are rewritten to 1.9.5's before the route reads them. A route opts in by naming
 * its Appwrite SDK method, as Appwrite keys its filters on the route's `sdk` label:
 *
 *   app.post('/functions', operation('functions.create'), handler)
 *
 * Applied oldest step first (1.8.0 → 1.9.0 → … → 1.9.5), as Appwrite adds them. Filters for methods
 * this server does not serve (platforms, keys, protocols, email templates, SMTP, membership privacy,
 * template deployments, `projects.create` in V26, V24's standard keys) are left out, and a 2.x
 * caller's parameters need none: the only 2.0.0 change Appwrite has published (its V27 request
 * filter) is in the migrations API, which this server does not serve.
 */

type Params = Record<string, unknown>;

export interface RequestFilter {
  name: string;
  appliesTo(format: string): boolean;
  /** The rewrite of each SDK method's parameters (`namespace.method`). */
  operations: Record<string, (params: Params) => Params>;
}

const below = (version: string) => (format: string) => compareVersions(format, version) < 0;

/** PHP's `isset`: present and not null. */
const isSet = (params: Params, key: string) => params[key] !== undefined && params[key] !== null;

/** PHP's `empty`. */
const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  value === false ||
  value === 0 ||
  value === '' ||
  value === '0' ||
  (Array.isArray(value) && value.length === 0);

/** `params` with `from` renamed to `to` when set (PHP `isset`), the value through `map`. */
function rename(params: Params, from: string, to: string, map = (v: unknown) => v): Params {
  if (!isSet(params, from)) return params;
  const { [from]: value, ...rest } = params;
  return { ...rest, [to]: map(value) };
}

/** `params` with `key` set to `unique()` when absent (Appwrite then makes an id). */
const fillId = (key: string) => (params: Params) =>
  isSet(params, key) ? params : { ...params, [key]: 'unique()' };

/** V21: one `specification` (1.8.0) sets both the build and the runtime specification. */
function convertSpecs(params: Params): Params {
  const spec = params.specification;
  if (isEmpty(spec)) return params;
  const { specification: _s, ...rest } = params;
  return { ...rest, buildSpecification: spec, runtimeSpecification: spec };
}

/** V23: a 1.9.1 `limit` is 1.9.2's `total`, 0 (no limit) being `null`. */
const limitToTotal = (params: Params) =>
  rename(params, 'limit', 'total', (value) => (value === 0 ? null : value));

/** V22: a webhook's 1.9.0 settings names. */
const webhookNames = (params: Params) =>
  rename(
    rename(rename(params, 'security', 'tls'), 'httpUser', 'authUsername'),
    'httpPass',
    'authPassword',
  );

/** `Query::limit(APP_LIMIT_SUBQUERY)` as the query string the SDKs send. */
const SUBQUERY_LIMIT = JSON.stringify({ method: 'limit', values: [1000] });

export const REQUEST_FILTERS: readonly RequestFilter[] = [
  {
    name: 'V21',
    appliesTo: below('1.9.0'),
    operations: {
      'webhooks.create': fillId('webhookId'),
      'project.createVariable': fillId('variableId'),
      // 1.8.0 listed a project's variables in full; 1.9.0 pages them like any list.
      'project.listVariables': (params) =>
        isSet(params, 'queries') ? params : { ...params, queries: [SUBQUERY_LIMIT] },
      'functions.create': convertSpecs,
      'functions.update': convertSpecs,
      'sites.create': convertSpecs,
      'sites.update': convertSpecs,
    },
  },
  {
    name: 'V22',
    appliesTo: below('1.9.1'),
    operations: {
      'project.updateService': (params) =>
        rename(rename(params, 'service', 'serviceId'), 'status', 'enabled'),
      'webhooks.create': webhookNames,
      'webhooks.update': webhookNames,
    },
  },
  {
    name: 'V23',
    appliesTo: below('1.9.2'),
    operations: {
      'project.updateAuthMethod': (params) =>
        rename(rename(params, 'status', 'enabled'), 'method', 'methodId'),
      'project.updateSessionAlertPolicy': (params) => rename(params, 'alerts', 'enabled'),
      'project.updateUserLimitPolicy': limitToTotal,
      'project.updatePasswordHistoryPolicy': limitToTotal,
      'project.updateSessionLimitPolicy': limitToTotal,
    },
  },
  {
    name: 'V25',
    appliesTo: below('1.9.4'),
    operations: {
      'functions.createVariable': fillId('variableId'),
      'sites.createVariable': fillId('variableId'),
    },
  },
];

/** The request filters a caller sending `format` gets, oldest step first. */
export function requestFiltersFor(format: string): RequestFilter[] {
  return REQUEST_FILTERS.filter((filter) => filter.appliesTo(format));
}

/**
 * The filters of each format seen so far. Every request to a route that names its SDK method asks,
 * and working them out compares the format with each filter's version (splitting both strings);
 * a client sends one format for its lifetime. The header is the client's to choose, so at most
 * `MAX_CACHED_REQUEST_FORMATS` are kept (a flood of made-up ones empties the cache, and it refills),
 * as the response side does (layer.ts `stepsFor`).
 */
const filtersByFormat = new Map<string, readonly RequestFilter[]>();

/** How many formats `filtersByFormat` keeps; real clients send a handful. */
export const MAX_CACHED_REQUEST_FORMATS = 64;

/** How many formats have their request filters cached (tests check the bound). */
export function cachedRequestFormatCount(): number {
  return filtersByFormat.size;
}

function cachedFiltersFor(format: string): readonly RequestFilter[] {
  let filters = filtersByFormat.get(format);
  if (!filters) {
    filters = requestFiltersFor(format);
    if (filtersByFormat.size >= MAX_CACHED_REQUEST_FORMATS) filtersByFormat.clear();
    filtersByFormat.set(format, filters);
  }
  return filters;
}

/** `params` as the route of `operation` should see them, for a caller sending `format`. */
export function filterRequest(params: Params, operation: string, format: string): Params {
  let out = params;
  for (const filter of cachedFiltersFor(format)) {
    const rewrite = filter.operations[operation];
    if (rewrite) out = rewrite(out);
  }
  return out;
}
