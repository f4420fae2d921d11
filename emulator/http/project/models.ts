import {
  AUTH_METHODS,
  type MockNumber,
  OPTIONAL_SERVICES,
  PROTOCOLS,
  type ProjectSettings,
} from '../../core/project/settings.ts';

/**
 * The Project, policy and mock-number models of Appwrite 1.9.5 (SRV src/Appwrite/Utopia/Response/
 * Model/Project.php, Policy*.php, MockNumber.php). Older formats' Project (the flat
 * `serviceStatusFor*` and `auth*` fields appwrite-cli 12 reads) is the response-format layer's
 * (http/platform/formats/response-filters.ts).
 */

type Json = Record<string, unknown>;

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
    // Console-only fields node-appwrite 27.1.0's Project requires (Appwrite after 1.9.6 fills them).
    onboarding: {},
    wafEnabled: false,
  };
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
