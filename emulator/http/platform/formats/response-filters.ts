import {
  AUTH_METHOD_KEYS,
  AUTH_METHODS,
  OPTIONAL_SERVICES,
  PROTOCOLS,
  type ProjectSettings,
} from '../../../core/project/settings.ts';
import { compareVersions } from '../context.ts';
import type { ItemModel } from './models.ts';

/**
 * Appwrite's response filters for the models this server serves, one per format step. Routes build
 * Appwrite 1.9.5's model (the server's own format); a caller asking for another format gets it
 * converted here, after the route, by http/platform/formats/layer.ts:
 *
 * - older formats, as Appwrite 1.9.5 converts them (SRV src/Appwrite/Utopia/Response/Filters/V26.php
 *   → V21.php), newest step first, so 1.8.0 (appwrite-cli 12) gets V26, V23, V22 and V21;
 * - newer formats, the other way round: 2.0.0 is what Appwrite's main branch answers before its V27
 *   filter (which turns 2.0.0 into 1.9.5) and what web SDK 27.0.0's model types read; 2.3.0 is web
 *   SDK 28.0.0's types (no server source: Appwrite has not published 2.1–2.3).
 *
 * Each step converts single models; the layer maps a list's items through the same step. Filters
 * V24 (EphemeralKey) and V25 (OAuth2 OIDC) convert models this server does not serve, so they are
 * absent; so is the 2.3.0 step (its model changes — `User.passwordPwned` (optional),
 * `Identity.providerIdToken`, the Log models gone — touch nothing this server answers).
 * emulator/FORMATS.md lists every difference field by field.
 */

type Json = Record<string, unknown>;
/** One model's conversion; `source` is what the route gave `asModel` (the stored file, the settings). */
export type Convert = (content: Json, source: unknown) => Json;

export interface ResponseFilter {
  /** Appwrite's name for the step (`V21`…), or the format a newer step produces. */
  name: string;
  /** Whether a caller asking for `format` gets this step. */
  appliesTo(format: string): boolean;
  /** The conversion of each model the step changes. */
  models: Partial<Record<ItemModel, Convert>>;
}

const below = (version: string) => (format: string) => compareVersions(format, version) < 0;
const atLeast = (version: string) => (format: string) => compareVersions(format, version) >= 0;
const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `content` with `from` renamed to `to` in the same position (`to` takes `value`). */
function renameKey(content: Json, from: string, to: string, value: unknown = content[from]): Json {
  const out: Json = {};
  for (const [key, v] of Object.entries(content)) {
    if (key === from) out[to] = value;
    else out[key] = v;
  }
  return out;
}

/** `content` with `fields` added right after `after` (at the end when it is absent). */
function insertAfter(content: Json, after: string, fields: Json): Json {
  if (!(after in content)) return { ...content, ...fields };
  const out: Json = {};
  for (const [key, v] of Object.entries(content)) {
    out[key] = v;
    if (key === after) Object.assign(out, fields);
  }
  return out;
}

/** `{ $id, enabled }[]` as a map from id to its flag. */
function flags(list: unknown): Map<string, boolean> {
  const map = new Map<string, boolean>();
  if (!Array.isArray(list)) return map;
  for (const item of list as { $id?: unknown; enabled?: unknown }[]) {
    map.set(String(item.$id ?? ''), item.enabled !== false);
  }
  return map;
}

/**
 * V26 (below 1.9.5): the Project's `authMethods`, `services` and `protocols` lists become the flat
 * `auth*`, `serviceStatusFor*` and `protocolStatusFor*` flags, and the fields 1.9.5 moved to the
 * policy routes come back, read from the stored settings (Appwrite reads its raw project document).
 * The console-only parts this server does not keep (billing details, OAuth providers, platforms,
 * webhooks and keys of the project document) are empty.
 */
function flattenProject(content: Json, source: unknown): Json {
  const { authMethods, services, protocols, ...rest } = content;
  const flat: Json = { ...rest };
  const methods = flags(authMethods);
  for (const id of AUTH_METHODS) {
    flat[`auth${upperFirst(AUTH_METHOD_KEYS[id])}`] = methods.get(id) ?? true;
  }
  const enabled = flags(services);
  for (const id of OPTIONAL_SERVICES) {
    flat[`serviceStatusFor${upperFirst(id)}`] = enabled.get(id) ?? true;
  }
  const apis = flags(protocols);
  for (const id of PROTOCOLS) flat[`protocolStatusFor${upperFirst(id)}`] = apis.get(id) ?? true;
  const p = (source as ProjectSettings).policies;
  Object.assign(flat, {
    authLimit: p.userLimit,
    authDuration: p.duration,
    authSessionsLimit: p.sessionLimit,
    authPasswordHistory: p.passwordHistory,
    authPasswordDictionary: p.passwordDictionary,
    authPersonalDataCheck: p.personalDataCheck,
    authDisposableEmails: false,
    authCanonicalEmails: false,
    authFreeEmails: false,
    authCorporateEmails: false,
    authMockNumbers: p.mockNumbers,
    authSessionAlerts: p.sessionAlerts,
    authMembershipsUserName: false,
    authMembershipsUserEmail: false,
    authMembershipsMfa: false,
    authMembershipsUserId: false,
    authMembershipsUserPhone: false,
    authMembershipsUserAccessedAt: false,
    authInvalidateSessions: p.invalidateSessions,
    description: '',
    logo: '',
    url: '',
    legalName: '',
    legalCountry: '',
    legalState: '',
    legalCity: '',
    legalAddress: '',
    legalTaxId: '',
    oAuthProviders: [],
    platforms: [],
    webhooks: [],
    keys: [],
  });
  return flat;
}

/** V21's cast: `$sequence` an integer (0 when not numeric), here and in nested rows (relations). */
/** V21's parseSpecs: 1.8.0 shows one `specification` (the build one) for a function or a site. */
function oneSpecification(content: Json): Json {
  const specification = content.buildSpecification ?? content.specification ?? null;
  const { runtimeSpecification: _runtime, ...rest } = content;
  return 'buildSpecification' in rest
    ? renameKey(rest, 'buildSpecification', 'specification', specification)
    : { ...rest, specification };
}

function castSequence(content: Json): Json {
  const out: Json = { ...content };
  if (out.$sequence !== undefined && out.$sequence !== null) {
    const n = Number(out.$sequence);
    out.$sequence = out.$sequence !== '' && Number.isFinite(n) ? Math.trunc(n) : 0;
  }
  for (const [key, value] of Object.entries(out)) {
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      out[key] = value.map((item) => (isNested(item) ? castSequence(item) : item));
    } else if (isNested(value)) {
      out[key] = castSequence(value);
    }
  }
  return out;
}

function isNested(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && '$id' in value;
}

/** The steps, in the order Appwrite applies them: older formats newest step first, then newer ones. */
export const RESPONSE_FILTERS: readonly ResponseFilter[] = [
  {
    name: 'V26',
    appliesTo: below('1.9.5'),
    models: { project: flattenProject },
  },
  {
    // Also the EmailTemplate model, which this server does not serve.
    name: 'V23',
    appliesTo: below('1.9.2'),
    models: {
      project: (content) => {
        const {
          authMembershipsUserId: _id,
          authMembershipsUserPhone: _phone,
          smtpReplyToName: _name,
          ...rest
        } = content;
        return 'smtpReplyToEmail' in rest
          ? renameKey(rest, 'smtpReplyToEmail', 'smtpReplyTo')
          : rest;
      },
      // Only the single model: Appwrite's V23 leaves the MockNumber list as it is.
      mockNumber: (content) => {
        const { $createdAt: _c, $updatedAt: _u, ...rest } = content;
        return 'number' in rest ? renameKey(rest, 'number', 'phone') : rest;
      },
      membership: (content) => {
        const { userPhone: _phone, ...rest } = content;
        return rest;
      },
    },
  },
  {
    name: 'V22',
    appliesTo: below('1.9.1'),
    models: {
      project: (content) => {
        const out = { ...content };
        for (const id of PROTOCOLS) delete out[`protocolStatusFor${upperFirst(id)}`];
        return out;
      },
      webhook: (content) => {
        let out = renameKey(content, 'tls', 'security', content.tls ?? true);
        out = renameKey(out, 'authUsername', 'httpUser', content.authUsername ?? '');
        out = renameKey(out, 'authPassword', 'httpPass', content.authPassword ?? '');
        return renameKey(out, 'secret', 'signatureKey', content.secret ?? '');
      },
    },
  },
  {
    // Also Platform and User (`impersonator*`), which this server does not serve or never sets.
    name: 'V21',
    appliesTo: below('1.9.0'),
    models: {
      function: oneSpecification,
      site: oneSpecification,
      row: castSequence,
      document: castSequence,
    },
  },
  {
    // The reverse of Appwrite's V27 (main branch: "Convert 2.0.0 Data format to 1.9.5"), and File's
    // virtual folders, which web SDK 27.0.0's File model has.
    name: '2.0.0',
    appliesTo: atLeast('2.0.0'),
    models: {
      execution: (content) => {
        const out = renameKey(content, 'functionId', 'resourceId');
        return insertAfter(out, 'resourceId', { resourceType: 'functions' });
      },
      file: (content, source) => {
        const folder = (source as { folder?: string } | undefined)?.folder ?? '';
        return insertAfter(content, 'name', { folder, key: `${folder}${content.name ?? ''}` });
      },
    },
  },
];

/** The steps a caller asking for `format` gets, in order. */
export function responseFiltersFor(format: string): ResponseFilter[] {
  return RESPONSE_FILTERS.filter((filter) => filter.appliesTo(format));
}
