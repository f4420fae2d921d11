import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { isoDate } from '../platform/time.ts';

/**
 * The project's own settings, as Appwrite 1.9.5 keeps them on its project document: which auth
 * methods (`auths.<methodKey>`) and services (`services.<id>`) are on, and the auth policies (the rest
 * of `auths`: session length and limit, user limit, password history, dictionary and personal-data
 * checks, session alerts, mock numbers). The console and the Project API change them (SRV
 * src/Appwrite/Platform/Modules/Project/Http/Project/{AuthMethods,Services,Policies,MockPhone});
 * appwrite.json's `settings` sets them at start (core/project/config.ts).
 *
 * One row in `project_settings`, read once and then kept in memory: the service and auth-method
 * checks ask it on every request.
 */

/** Appwrite's auth methods (app/config/auth.php), in its order. */
export const AUTH_METHODS = [
  'email-password',
  'magic-url',
  'email-otp',
  'anonymous',
  'invites',
  'jwt',
  'phone',
] as const;
export type AuthMethodId = (typeof AUTH_METHODS)[number];

/** The key each method is stored under; the pre-1.9.5 Project model shows it as `auth<Key>`. */
export const AUTH_METHOD_KEYS: Record<AuthMethodId, string> = {
  'email-password': 'emailPassword',
  'magic-url': 'usersAuthMagicURL',
  'email-otp': 'emailOtp',
  anonymous: 'anonymous',
  invites: 'invites',
  jwt: 'JWT',
  phone: 'phone',
};

/** The services a project may turn off (app/config/services.php, `optional: true`), in its order. */
export const OPTIONAL_SERVICES = [
  'account',
  'avatars',
  'databases',
  'tablesdb',
  'locale',
  'health',
  'project',
  'storage',
  'teams',
  'users',
  'vcs',
  'sites',
  'functions',
  'proxy',
  'graphql',
  'migrations',
  'messaging',
  'advisor',
] as const;
export type ServiceId = (typeof OPTIONAL_SERVICES)[number];

/** The API protocols (app/config/protocols.php); always on here. */
export const PROTOCOLS = ['rest', 'graphql', 'websocket'] as const;

/** A phone number that signs in with a fixed code instead of an SMS (stored as Appwrite stores it). */
export interface MockNumber {
  phone: string;
  otp: string;
  $createdAt?: string;
  $updatedAt?: string;
}

/** The auth policies, with Appwrite's meaning of 0 ("no limit") for the three totals. */
export interface AuthPolicies {
  /** Session length in seconds (`auths.duration`). */
  duration: number;
  /** Most users the project may have; 0 = no limit (`auths.limit`). */
  userLimit: number;
  /** Most sessions per user, the oldest removed past it; 0 = no limit (`auths.maxSessions`). */
  sessionLimit: number;
  /** How many earlier passwords a new one may not repeat; 0 = off (`auths.passwordHistory`). */
  passwordHistory: number;
  passwordDictionary: boolean;
  personalDataCheck: boolean;
  sessionAlerts: boolean;
  /** A password change ends the user's other sessions (`auths.invalidateSessions`). */
  invalidateSessions: boolean;
  mockNumbers: MockNumber[];
}

/** Everything stored about the project besides its resources. */
export interface ProjectSettings {
  /** The project's name; empty until set (the model then shows the project id). */
  name: string;
  createdAt: string;
  updatedAt: string;
  authMethods: Record<AuthMethodId, boolean>;
  services: Record<ServiceId, boolean>;
  policies: AuthPolicies;
}

/** Appwrite's session length when none is set: one year (`TOKEN_EXPIRATION_LOGIN_LONG`). */
export const DEFAULT_SESSION_SECONDS = 31_536_000;

/** Bounds Appwrite's policy routes check (`Range(5, 31536000)`, `Range(1, APP_LIMIT_COUNT)`). */
export const POLICY_BOUNDS = {
  duration: { min: 5, max: 31_536_000 },
  total: { min: 1, max: 5000 },
  mockNumbers: 10,
} as const;

/** A new project's settings (SRV Projects/Http/Projects/Create.php): everything on, no limits. */
function defaults(): ProjectSettings {
  const now = isoDate();
  return {
    name: '',
    createdAt: now,
    updatedAt: now,
    authMethods: Object.fromEntries(
      AUTH_METHODS.map((m) => [m, true]),
    ) as ProjectSettings['authMethods'],
    services: Object.fromEntries(
      OPTIONAL_SERVICES.map((s) => [s, true]),
    ) as ProjectSettings['services'],
    policies: {
      duration: DEFAULT_SESSION_SECONDS,
      userLimit: 0,
      sessionLimit: 0,
      passwordHistory: 0,
      passwordDictionary: false,
      personalDataCheck: false,
      sessionAlerts: false,
      invalidateSessions: true,
      mockNumbers: [],
    },
  };
}

export function isAuthMethod(value: unknown): value is AuthMethodId {
  return typeof value === 'string' && (AUTH_METHODS as readonly string[]).includes(value);
}

export function isOptionalService(value: unknown): value is ServiceId {
  return typeof value === 'string' && (OPTIONAL_SERVICES as readonly string[]).includes(value);
}

/** Appwrite's Phone validator for mock numbers: E.164, 7 to 15 digits. */
export const MOCK_PHONE = /^\+[1-9]\d{6,14}$/;

/** Checks a mock-number list as Appwrite's `MockNumber` validator and the route do. */
export function checkMockNumbers(value: unknown, name: string): MockNumber[] {
  if (!Array.isArray(value) || value.length > POLICY_BOUNDS.mockNumbers) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`${name}\` param: at most ${POLICY_BOUNDS.mockNumbers} mock numbers, each {phone, otp}.`,
    );
  }
  const seen = new Set<string>();
  return value.map((entry) => {
    const { phone, otp } = (entry ?? {}) as Record<string, unknown>;
    if (typeof phone !== 'string' || !MOCK_PHONE.test(phone)) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`${name}\` param: each phone must be an E.164 number such as +15550100.`,
      );
    }
    if (typeof otp !== 'string' || !/^\d{6}$/.test(otp)) {
      throw new AppwriteError(
        'general_argument_invalid',
        `Invalid \`${name}\` param: each otp must be a 6 digit number.`,
      );
    }
    if (seen.has(phone)) {
      throw new AppwriteError('general_bad_request', 'Duplicate phone numbers are not allowed.');
    }
    seen.add(phone);
    return { ...(entry as MockNumber), phone, otp };
  });
}

/** The settings of one database, stored in `project_settings` and cached. */
export class ProjectSettingsStore {
  #current: ProjectSettings;

  constructor(private readonly db: Sql) {
    db.exec(`CREATE TABLE IF NOT EXISTS project_settings (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      document TEXT NOT NULL
    )`);
    const row = db.prepare('SELECT document FROM project_settings WHERE id = 1').get() as
      | { document: string }
      | undefined;
    const fresh = defaults();
    if (row) {
      // Merged over the defaults, so a method, service or policy added later reads as Appwrite's
      // default in an older data folder.
      const saved = JSON.parse(row.document) as Partial<ProjectSettings>;
      this.#current = {
        ...fresh,
        ...saved,
        authMethods: { ...fresh.authMethods, ...saved.authMethods },
        services: { ...fresh.services, ...saved.services },
        policies: { ...fresh.policies, ...saved.policies },
      };
    } else {
      this.#current = fresh;
      this.#save();
    }
  }

  /** The current settings (treat as read-only; change them with `update`). */
  get(): ProjectSettings {
    return this.#current;
  }

  /** Whether an auth method is on (every method is, until turned off). */
  authMethodEnabled(method: AuthMethodId): boolean {
    return this.#current.authMethods[method];
  }

  /** Whether a service is on; services that cannot be turned off always are. */
  serviceEnabled(service: string): boolean {
    return !isOptionalService(service) || this.#current.services[service];
  }

  /** Changes the settings through `change` on a copy, stamps `updatedAt` and saves them. */
  update(change: (draft: ProjectSettings) => void): ProjectSettings {
    const draft = structuredClone(this.#current);
    change(draft);
    draft.updatedAt = isoDate();
    this.#current = draft;
    this.#save();
    return draft;
  }

  #save(): void {
    this.db
      .prepare(
        `INSERT INTO project_settings (id, document) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document`,
      )
      .run(JSON.stringify(this.#current));
  }
}
