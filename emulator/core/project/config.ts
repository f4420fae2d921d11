import { AppwriteError } from '../platform/errors.ts';
import {
  type AuthPolicies,
  checkMockNumbers,
  isAuthMethod,
  isOptionalService,
  POLICY_BOUNDS,
  type ProjectSettingsStore,
} from './settings.ts';

type Json = Record<string, unknown>;

/**
 * The eight `settings.auth.security` keys appwrite-cli 12 reads (lib/config.js
 * `createSettingsObject`) and the policy each sets. `push settings` sends every one to its own route
 * whenever `security` is present; a missing key goes out empty and the push stops halfway, so a file
 * must carry all eight.
 */
export const SECURITY_KEYS = [
  'duration',
  'limit',
  'sessionsLimit',
  'passwordHistory',
  'passwordDictionary',
  'personalDataCheck',
  'sessionAlerts',
  'mockNumbers',
] as const;

/** What applying the settings did, for the start-up log. */
export interface SettingsReport {
  services: number;
  methods: number;
  policies: number;
}

function invalid(path: string, what: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `appwrite.json ${path} ${what}`);
}

function object(value: unknown): Json | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalid(path, 'must be true or false.');
  return value;
}

/** A total as the policy routes take it after the CLI's `limit` → `total` mapping: 0 means none. */
function total(value: unknown, path: string): number {
  const { min, max } = POLICY_BOUNDS.total;
  if (
    !Number.isInteger(value) ||
    (value !== 0 && ((value as number) < min || (value as number) > max))
  ) {
    throw invalid(path, `must be 0 (no limit) or an integer from ${min} to ${max}.`);
  }
  return value as number;
}

function duration(value: unknown, path: string): number {
  const { min, max } = POLICY_BOUNDS.duration;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalid(path, `must be a number of seconds from ${min} to ${max}.`);
  }
  return value as number;
}

/** The policies `security` sets, checked as the routes the CLI calls would check them. */
function policiesOf(security: Json): Partial<AuthPolicies> {
  const at = (key: string) => `settings.auth.security.${key}`;
  const missing = SECURITY_KEYS.filter((key) => security[key] === undefined);
  if (missing.length > 0) {
    throw invalid(
      'settings.auth.security',
      `lacks ${missing.join(', ')}: appwrite-cli 12 sends all eight keys and stops halfway at a missing one.`,
    );
  }
  return {
    duration: duration(security.duration, at('duration')),
    userLimit: total(security.limit, at('limit')),
    sessionLimit: total(security.sessionsLimit, at('sessionsLimit')),
    passwordHistory: total(security.passwordHistory, at('passwordHistory')),
    passwordDictionary: boolean(security.passwordDictionary, at('passwordDictionary')),
    personalDataCheck: boolean(security.personalDataCheck, at('personalDataCheck')),
    sessionAlerts: boolean(security.sessionAlerts, at('sessionAlerts')),
    mockNumbers: checkMockNumbers(security.mockNumbers, at('mockNumbers')),
  };
}

/**
 * Applies `projectName` and `settings` of an appwrite.json at start, as `appwrite push settings`
 * would (CLI 12.0.1 push.js `pushSettings`): the name, each service, the security policies, each
 * auth method. Everything is checked before anything changes, so a bad value leaves the settings as
 * they were and the start fails naming it. What the file does not mention is left as it is.
 */
export function applySettingsConfig(store: ProjectSettingsStore, config: unknown): SettingsReport {
  const report: SettingsReport = { services: 0, methods: 0, policies: 0 };
  const file = object(config);
  if (!file) return report;
  const settings = file.settings === undefined ? {} : object(file.settings);
  if (!settings) throw invalid('settings', 'must be an object.');
  const name = file.projectName;
  if (name !== undefined && (typeof name !== 'string' || name.length > 128)) {
    throw invalid('projectName', 'must be a string of at most 128 characters.');
  }

  const services = object(settings.services) ?? {};
  for (const [id, on] of Object.entries(services)) {
    if (!isOptionalService(id))
      throw invalid(`settings.services.${id}`, 'is not a service Appwrite can turn off.');
    boolean(on, `settings.services.${id}`);
  }
  const auth = object(settings.auth) ?? {};
  const methods = object(auth.methods) ?? {};
  for (const [id, on] of Object.entries(methods)) {
    if (!isAuthMethod(id))
      throw invalid(`settings.auth.methods.${id}`, 'is not an Appwrite auth method.');
    boolean(on, `settings.auth.methods.${id}`);
  }
  const security = object(auth.security);
  const policies = security ? policiesOf(security) : {};

  const changesName = typeof name === 'string' && name !== store.get().name;
  const current = store.get();
  const changedServices = Object.entries(services).filter(
    ([id, on]) => current.services[id as keyof typeof current.services] !== on,
  );
  const changedMethods = Object.entries(methods).filter(
    ([id, on]) => current.authMethods[id as keyof typeof current.authMethods] !== on,
  );
  const changedPolicies = Object.entries(policies).filter(
    ([key, value]) =>
      JSON.stringify(current.policies[key as keyof AuthPolicies]) !== JSON.stringify(value),
  );
  if (changesName || changedServices.length + changedMethods.length + changedPolicies.length > 0) {
    store.update((draft) => {
      if (typeof name === 'string') draft.name = name;
      Object.assign(draft.services, services);
      Object.assign(draft.authMethods, methods);
      Object.assign(draft.policies, policies);
    });
  }
  report.services = Object.keys(services).length;
  report.methods = Object.keys(methods).length;
  report.policies = Object.keys(policies).length;
  return report;
}
