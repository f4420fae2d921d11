import {
  AUTH_METHOD_KEYS,
  AUTH_METHODS,
  type MockNumber,
  OPTIONAL_SERVICES,
  PROTOCOLS,
  type ProjectSettings,
} from '../../core/project/settings.ts';
import { compareVersions } from '../platform/context.ts';

/**
 * The Project, policy and mock-number models of Appwrite 1.9.5 (SRV src/Appwrite/Utopia/Response/
 * Model/Project.php, Policy*.php, MockNumber.php), and the Project model as older response formats
 * see it (SRV Response/Filters/V26.php, V23.php, V22.php): appwrite-cli 12 asks for format 1.8.0 and
 * reads the flat `serviceStatusFor*` and `auth*` fields.
 */

type Json = Record<string, unknown>;

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The Project model (format 1.9.5). The console-only parts (SMTP, dev keys, billing) are empty. */
export function projectModel(projectId: string, settings: ProjectSettings): Json {
  return {
    $id: projectId,
    $createdAt: settings.createdAt,
    $updatedAt: settings.updatedAt,
    name: settings.name || projectId,
    teamId: '',
    region: 'default',
    devKeys: [],
    smtpEnabled: false,
    smtpSenderName: '',
    smtpSenderEmail: '',
    smtpReplyToName: '',
    smtpReplyToEmail: '',
    smtpHost: '',
    smtpPort: 0,
    smtpUsername: '',
    smtpPassword: '',
    smtpSecure: '',
    pingCount: 0,
    pingedAt: '',
    labels: [],
    status: 'active',
    authMethods: AUTH_METHODS.map((id) => ({ $id: id, enabled: settings.authMethods[id] })),
    services: OPTIONAL_SERVICES.map((id) => ({ $id: id, enabled: settings.services[id] })),
    protocols: PROTOCOLS.map((id) => ({ $id: id, enabled: true })),
    blocks: [],
    consoleAccessedAt: '',
  };
}

/**
 * The Project model in an older response format: below 1.9.5 the lists become flat fields and the
 * policies come back (V26); below 1.9.2 the membership-privacy id/phone fields go and
 * `smtpReplyToEmail` is `smtpReplyTo` (V23); below 1.9.1 the protocol fields go (V22).
 */
export function projectForFormat(model: Json, settings: ProjectSettings, format: string): Json {
  const before = (version: string) => compareVersions(format, version) < 0;
  if (!before('1.9.5')) return model;
  const { authMethods: _m, services: _s, protocols: _p, ...rest } = model;
  const flat: Json = { ...rest };
  for (const id of AUTH_METHODS) {
    flat[`auth${upperFirst(AUTH_METHOD_KEYS[id])}`] = settings.authMethods[id];
  }
  for (const id of OPTIONAL_SERVICES)
    flat[`serviceStatusFor${upperFirst(id)}`] = settings.services[id];
  for (const id of PROTOCOLS) flat[`protocolStatusFor${upperFirst(id)}`] = true;
  const p = settings.policies;
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
  if (before('1.9.2')) {
    delete flat.authMembershipsUserId;
    delete flat.authMembershipsUserPhone;
    flat.smtpReplyTo = flat.smtpReplyToEmail;
    delete flat.smtpReplyToEmail;
    delete flat.smtpReplyToName;
  }
  if (before('1.9.1')) {
    for (const id of PROTOCOLS) delete flat[`protocolStatusFor${upperFirst(id)}`];
  }
  return flat;
}

/** The policy ids `GET /project/policies/{policyId}` knows, in Appwrite's list order. */
export const POLICY_IDS = [
  'password-dictionary',
  'password-history',
  'password-strength',
  'password-personal-data',
  'session-alert',
  'session-duration',
  'session-invalidation',
  'session-limit',
  'user-limit',
  'membership-privacy',
] as const;
export type PolicyId = (typeof POLICY_IDS)[number];

/** One policy model (`PolicyPasswordDictionary`, `PolicyUserLimit`…). Strength and membership privacy are Appwrite's defaults. */
export function policyModel(id: PolicyId, settings: ProjectSettings): Json {
  const p = settings.policies;
  switch (id) {
    case 'password-dictionary':
      return { $id: id, enabled: p.passwordDictionary };
    case 'password-history':
      return { $id: id, total: p.passwordHistory };
    case 'password-strength':
      return { $id: id, min: 8, uppercase: false, lowercase: false, number: false, symbols: false };
    case 'password-personal-data':
      return { $id: id, enabled: p.personalDataCheck };
    case 'session-alert':
      return { $id: id, enabled: p.sessionAlerts };
    case 'session-duration':
      return { $id: id, duration: p.duration };
    case 'session-invalidation':
      return { $id: id, enabled: p.invalidateSessions };
    case 'session-limit':
      return { $id: id, total: p.sessionLimit };
    case 'user-limit':
      return { $id: id, total: p.userLimit };
    case 'membership-privacy':
      return {
        $id: id,
        userId: false,
        userEmail: false,
        userPhone: false,
        userName: false,
        userMFA: false,
        userAccessedAt: false,
      };
  }
}

/** The MockNumber model: Appwrite stores `phone` and shows it as `number` (1.9.2+). */
export function mockNumberModel(mock: MockNumber): Json {
  return {
    number: mock.phone,
    otp: mock.otp,
    $createdAt: mock.$createdAt ?? '',
    $updatedAt: mock.$updatedAt ?? '',
  };
}
