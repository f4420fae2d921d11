import type { FastifyInstance } from 'fastify';
import { checkRuntime, checkSpecification, RUNTIMES } from '../../core/functions/settings.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import type { SitesService } from '../../core/sites/service.ts';
import { SITE_DEFAULTS, type SiteDoc, type SiteSettings } from '../../core/sites/sites.ts';
import { bodyOf, readId, specificationList } from '../functions/functions.ts';
import { requireScope } from '../platform/context.ts';
import { operation } from '../platform/formats/layer.ts';
import { asModel } from '../platform/formats/models.ts';
import { metadataPage } from '../platform/metadata-page.ts';
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
} from '../platform/params.ts';

type Body = Record<string, unknown>;

/**
 * Appwrite 1.9.5's frameworks and the adapters each offers (app/config/frameworks.php). The local
 * Appwrite builds and serves `static` only; an `ssr` deployment fails its build with a log saying so.
 */
export const FRAMEWORKS: Readonly<Record<string, readonly string[]>> = {
  analog: ['ssr', 'static'],
  angular: ['ssr', 'static'],
  nextjs: ['ssr', 'static'],
  react: ['static'],
  nuxt: ['ssr', 'static'],
  vue: ['static'],
  sveltekit: ['ssr', 'static'],
  astro: ['ssr', 'static'],
  'tanstack-start': ['ssr', 'static'],
  remix: ['ssr', 'static'],
  lynx: ['static'],
  flutter: ['static'],
  'react-native': ['static'],
  vite: ['static'],
  other: ['static'],
};

/** Sites/Create.php's `timeout` range (`_APP_SITES_TIMEOUT`, 30). */
const MAX_SITE_TIMEOUT = 30;

function invalid(name: string, message: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param: ${message}`);
}

/**
 * A site's settings from a create or update body (SRV Sites/Create.php, Update.php). Update is a
 * PUT: what the body lacks falls back to Appwrite's defaults, except `buildRuntime` (kept when
 * empty) and the specifications (kept). appwrite-cli 12's one `specification` has become both
 * before this runs (request filter V21).
 */
export function readSiteSettings(body: Body, current: SiteDoc | null): SiteSettings {
  const framework = requiredString(body, 'framework', 1, 64);
  const adapters = FRAMEWORKS[framework];
  if (!adapters) {
    throw invalid('framework', `Value must be one of (${Object.keys(FRAMEWORKS).join(', ')}).`);
  }
  const adapter = optionalString(body, 'adapter', '', 16);
  if (adapter !== '' && !adapters.includes(adapter)) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Adapter not supported for the selected framework.',
    );
  }
  const runtimeParam = optionalString(body, 'buildRuntime', '', 64);
  const buildRuntime =
    current && runtimeParam === '' ? current.buildRuntime : checkRuntime(runtimeParam);
  const timeout = optionalInteger(body, 'timeout', SITE_DEFAULTS.timeout, 1, MAX_SITE_TIMEOUT);
  const spec = (name: 'buildSpecification' | 'runtimeSpecification') =>
    checkSpecification(
      name,
      optionalString(body, name, current?.[name] ?? SITE_DEFAULTS[name], 64),
    );
  return {
    name: requiredString(body, 'name', 1, 128),
    framework,
    enabled: optionalBoolean(body, 'enabled', true),
    logging: optionalBoolean(body, 'logging', true),
    timeout,
    installCommand: optionalString(body, 'installCommand', '', 8192),
    buildCommand: optionalString(body, 'buildCommand', '', 8192),
    startCommand: optionalString(body, 'startCommand', '', 8192),
    outputDirectory: optionalString(body, 'outputDirectory', '', 8192),
    buildRuntime,
    adapter,
    fallbackFile: optionalString(body, 'fallbackFile', '', 255),
    buildSpecification: spec('buildSpecification'),
    runtimeSpecification: spec('runtimeSpecification'),
    deploymentRetention: optionalInteger(
      body,
      'deploymentRetention',
      current?.deploymentRetention ?? 0,
      0,
      36_500,
    ),
  };
}

/**
 * Sites: `GET|POST /sites`, `GET|PUT|DELETE /sites/{id}`, `GET /sites/frameworks`,
 * `GET /sites/specifications`, `PATCH /sites/{id}/deployment` (keys and the console admin; scope
 * `sites.read|write`).
 */
export function registerSiteRoutes(app: FastifyInstance, service: SitesService): void {
  const { sites } = service;
  const model = (site: SiteDoc) => asModel('site', sites.model(site));

  app.get('/sites', async (request) => {
    requireScope(request, 'sites.read');
    const query = request.query as Body;
    const search = optionalString(query, 'search', '', 256);
    const { total, items } = metadataPage(
      sites.list().map((site) => sites.model(site)),
      query,
      LIST_ATTRIBUTES.sites,
      search,
    );
    return asModel('siteList', { total, sites: items });
  });

  app.post('/sites', operation('sites.create'), async (request, reply) => {
    requireScope(request, 'sites.write');
    const body = bodyOf(request);
    const id = readId(body, 'siteId');
    const site = service.writes.createSite(id, readSiteSettings(body, null));
    return reply.code(201).send(model(site));
  });

  app.get('/sites/frameworks', async (request) => {
    requireScope(request, 'sites.read');
    const frameworks = Object.entries(FRAMEWORKS).map(([key, adapters]) => ({
      key,
      name: key,
      buildRuntime: 'node-22',
      runtimes: RUNTIMES,
      adapters: adapters.map((adapter) => ({
        key: adapter,
        installCommand: '',
        buildCommand: '',
        outputDirectory: '',
        fallbackFile: '',
      })),
    }));
    return { total: frameworks.length, frameworks };
  });

  app.get('/sites/specifications', async (request) => {
    requireScope(request, 'sites.read');
    return specificationList();
  });

  app.get('/sites/:siteId', async (request) => {
    requireScope(request, 'sites.read');
    const { siteId } = request.params as { siteId: string };
    return model(sites.get(siteId));
  });

  app.put('/sites/:siteId', operation('sites.update'), async (request) => {
    requireScope(request, 'sites.write');
    const { siteId } = request.params as { siteId: string };
    const current = sites.get(siteId);
    const settings = readSiteSettings(bodyOf(request), current);
    // Build settings changed: the active deployment was built otherwise (Appwrite's `live`).
    const live =
      current.live &&
      settings.installCommand === current.installCommand &&
      settings.buildCommand === current.buildCommand &&
      settings.outputDirectory === current.outputDirectory &&
      settings.buildRuntime === current.buildRuntime;
    return model(service.writes.updateSite(siteId, { ...settings, live }));
  });

  app.delete('/sites/:siteId', async (request, reply) => {
    requireScope(request, 'sites.write');
    const { siteId } = request.params as { siteId: string };
    service.writes.deleteSite(siteId);
    return reply.code(204).send();
  });

  app.patch('/sites/:siteId/deployment', async (request) => {
    requireScope(request, 'sites.write');
    const { siteId } = request.params as { siteId: string };
    sites.get(siteId);
    const deploymentId = requiredString(bodyOf(request), 'deploymentId', 1, 36);
    return model(service.writes.activateDeployment(siteId, deploymentId));
  });
}
