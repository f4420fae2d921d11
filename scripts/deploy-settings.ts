/**
 * appwrite.json's `settings` for `npm run deploy` (scripts/deploy.ts): compared with the remote
 * project and applied with the API key through node-appwrite 27.1.0's `Project` service (routes present
 * from Appwrite 1.9.5). appwrite-cli 12's `push settings` cannot do this: it calls the console's
 * `/projects/{id}/…` routes, which need a console login (with a key it stops at "Session not found").
 *
 * The file keeps the CLI's shape (`settings.services`, `settings.auth.methods`, `settings.auth.security`
 * with the eight keys the CLI reads), so `appwrite push settings` after `appwrite login` pushes the
 * same thing. The key needs the scopes `project.read`, `project.write`, `project.policies.read`,
 * `project.policies.write`, `mocks.read` and `mocks.write`.
 */
import type { Client, Models } from 'node-appwrite';
import { Project } from 'node-appwrite';

type Json = Record<string, unknown>;

/** One difference between appwrite.json and the remote project, and how to apply it. */
export interface SettingChange {
  /** What changes, for the plan: `auth method anonymous: on → off`. */
  label: string;
  apply: () => Promise<unknown>;
}

interface MockNumber {
  phone: string;
  otp: string;
}

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

const onOff = (value: unknown) => (value ? 'on' : 'off');
/** A total as the policy models show it: 0 is "no limit". */
const limitText = (value: unknown) => (value === 0 || value === null ? 'no limit' : String(value));

/**
 * What applying `config.settings` would change on the remote project, each with its call. Nothing is
 * asked of the remote when the file has no `settings`.
 */
export async function planSettings(client: Client, config: Json): Promise<SettingChange[]> {
  if (config.settings === undefined) return [];
  const settings = object(config.settings);
  const auth = object(settings.auth);
  const project = new Project(client);
  const remote = await project.get();
  const changes: SettingChange[] = [];

  const services = new Map(remote.services.map((s) => [s.$id as string, s.enabled]));
  for (const [serviceId, enabled] of Object.entries(object(settings.services))) {
    if (services.get(serviceId) === enabled) continue;
    changes.push({
      label: `service ${serviceId}: ${onOff(services.get(serviceId) ?? true)} → ${onOff(enabled)}`,
      apply: () =>
        project.updateService({ serviceId: serviceId as never, enabled: Boolean(enabled) }),
    });
  }

  const methods = new Map(remote.authMethods.map((m) => [m.$id as string, m.enabled]));
  const methodChanges: SettingChange[] = [];
  for (const [methodId, enabled] of Object.entries(object(auth.methods))) {
    if (methods.get(methodId) === enabled) continue;
    methodChanges.push({
      label: `auth method ${methodId}: ${onOff(methods.get(methodId) ?? true)} → ${onOff(enabled)}`,
      apply: () =>
        project.updateAuthMethod({ methodId: methodId as never, enabled: Boolean(enabled) }),
    });
  }

  const security = object(auth.security);
  if (Object.keys(security).length > 0) {
    const { policies } = await project.listPolicies();
    const current = new Map(policies.map((p) => [p.$id, p as unknown as Json]));
    const policy = (
      key: string,
      policyId: string,
      field: string,
      show: (value: unknown) => string,
      apply: (value: never) => Promise<Models.Project>,
    ) => {
      if (security[key] === undefined) return;
      const wanted = security[key];
      const now = current.get(policyId)?.[field];
      if (JSON.stringify(now) === JSON.stringify(wanted)) return;
      changes.push({
        label: `security ${key}: ${show(now)} → ${show(wanted)}`,
        apply: () => apply(wanted as never),
      });
    };
    const seconds = (value: unknown) => `${value} s`;
    const total = (value: number) => ({ total: value === 0 ? null : value }) as { total?: number };
    policy('duration', 'session-duration', 'duration', seconds, (duration: number) =>
      project.updateSessionDurationPolicy({ duration }),
    );
    policy('limit', 'user-limit', 'total', limitText, (value: number) =>
      project.updateUserLimitPolicy(total(value)),
    );
    policy('sessionsLimit', 'session-limit', 'total', limitText, (value: number) =>
      project.updateSessionLimitPolicy(total(value)),
    );
    policy('passwordHistory', 'password-history', 'total', limitText, (value: number) =>
      project.updatePasswordHistoryPolicy(total(value)),
    );
    policy('passwordDictionary', 'password-dictionary', 'enabled', onOff, (enabled: boolean) =>
      project.updatePasswordDictionaryPolicy({ enabled }),
    );
    policy('personalDataCheck', 'password-personal-data', 'enabled', onOff, (enabled: boolean) =>
      project.updatePasswordPersonalDataPolicy({ enabled }),
    );
    policy('sessionAlerts', 'session-alert', 'enabled', onOff, (enabled: boolean) =>
      project.updateSessionAlertPolicy({ enabled }),
    );
    if (Array.isArray(security.mockNumbers)) {
      changes.push(...(await mockNumberChanges(project, security.mockNumbers as MockNumber[])));
    }
  }
  // Methods last, as the CLI orders them: a method is turned off once the policies are in place.
  return [...changes, ...methodChanges];
}

/** Mock phones to create, update and delete so the remote list is the file's. */
async function mockNumberChanges(project: Project, wanted: MockNumber[]): Promise<SettingChange[]> {
  const { mockNumbers } = await project.listMockPhones();
  const remote = new Map(mockNumbers.map((m) => [m.number, m.otp]));
  const changes: SettingChange[] = [];
  for (const { phone, otp } of wanted) {
    if (!remote.has(phone)) {
      changes.push({
        label: `security mockNumbers: add ${phone}`,
        apply: () => project.createMockPhone({ number: phone, otp }),
      });
    } else if (remote.get(phone) !== otp) {
      changes.push({
        label: `security mockNumbers: new code for ${phone}`,
        apply: () => project.updateMockPhone({ number: phone, otp }),
      });
    }
  }
  for (const number of remote.keys()) {
    if (wanted.some((m) => m.phone === number)) continue;
    changes.push({
      label: `security mockNumbers: remove ${number}`,
      apply: () => project.deleteMockPhone({ number }),
    });
  }
  return changes;
}
