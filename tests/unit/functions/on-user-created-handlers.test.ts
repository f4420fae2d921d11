import { describe, expect, test } from 'vitest';
import { deriveUserId, readIdSecret } from '#lib/user-ids.ts';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { onUserCreated } from '../../../functions/on-user-created/src/on-user-created-handlers.ts';
import type { OnUserCreatedRepo } from '../../../functions/on-user-created/src/on-user-created-repo.ts';
import type { ProfileFields } from '../../../shared/schemas/profile.ts';
import type { RegistrationFields } from '../../../shared/schemas/registration.ts';
import { execute } from './fake-runtime.ts';

/**
 * `on-user-created` in-process: the sign-up gate vets a user only on positive proof (a derived id with
 * an open registration) and fails closed on everything else — a foreign id, a re-used id, a missing
 * secret; a run cut short leaves a user with no `member` label.
 */

const SECRET = 'test-secret-'.repeat(4);

class FakeOnUserCreatedRepo implements OnUserCreatedRepo {
  readonly blocked = new Set<string>();
  readonly profiles = new Map<string, ProfileFields>();
  readonly registrations = new Map<string, RegistrationFields>();
  readonly labels = new Map<string, string[]>();
  users = 0;
  /** Makes the next `addLabels` throw, as a crash or timeout between two calls would. */
  failLabels = false;

  /** What `accounts`, `admin` or the seed do before `users.create`. */
  issue(userId: string, admin = false) {
    this.registrations.set(userId, { issuedBy: 'accounts', admin });
    this.labels.set(userId, []);
    return userId;
  }

  async blockUser(userId: string) {
    this.blocked.add(userId);
  }
  async findRegistration(userId: string) {
    return this.registrations.get(userId) ?? null;
  }
  async consumeRegistration(userId: string) {
    this.registrations.delete(userId);
  }
  async createProfile(userId: string, fields: ProfileFields) {
    if (this.profiles.has(userId)) return 'exists' as const;
    if ([...this.profiles.values()].some((p) => p.handle === fields.handle)) {
      return 'handle_taken' as const;
    }
    this.profiles.set(userId, fields);
    return 'created' as const;
  }
  async countUser() {
    this.users += 1;
  }
  async labelsOf(userId: string) {
    return this.labels.get(userId) ?? null;
  }
  async addLabels(userId: string, added: readonly string[]) {
    if (this.failLabels) throw new Error('the execution timed out');
    const current = this.labels.get(userId);
    if (current === undefined) return null;
    const labels = [...new Set([...current, ...added])];
    this.labels.set(userId, labels);
    return labels;
  }
}

function handlerFor(repo: OnUserCreatedRepo, secret: () => string = () => SECRET) {
  return createHandler({ 'POST /': onUserCreated({ repoFor: () => repo, secret }) });
}

function userModel(id: string, name = 'Ann', email = 'ann@example.com') {
  return JSON.stringify({
    $id: id,
    $createdAt: '2026-01-01T00:00:00.000+00:00',
    name,
    email,
    status: true,
    labels: [],
    prefs: {},
  });
}

async function fire(
  repo: OnUserCreatedRepo,
  body: string,
  trigger = 'event',
  secret?: () => string,
) {
  return execute(handlerFor(repo, secret), {
    method: 'POST',
    path: '/',
    body,
    headers: {
      'content-type': 'application/json',
      'x-appwrite-trigger': trigger,
      'x-appwrite-event': 'users.x.create',
    },
  });
}

interface Scenario {
  name: string;
  id: (repo: FakeOnUserCreatedRepo) => string;
  /** Deliveries of the same event. */
  times?: number;
  userName?: string;
  outcome: string;
  blocked: boolean;
  profile: Partial<ProfileFields> | null;
  users: number;
  /** The user's labels afterwards. */
  labels: string[];
}

const scenarios: Scenario[] = [
  {
    name: 'issued id → profile with the name, counters 0, stats.users + 1, member, registration consumed',
    id: (repo) => repo.issue(deriveUserId(SECRET)),
    outcome: 'profile_created',
    blocked: false,
    profile: {
      name: 'Ann',
      bio: null,
      avatarId: null,
      postsCount: 0,
      commentsCount: 0,
      likesReceived: 0,
    },
    users: 1,
    labels: ['member'],
  },
  {
    name: 'issued by an admin as an admin → member and admin',
    id: (repo) => repo.issue(deriveUserId(SECRET), true),
    outcome: 'profile_created',
    blocked: false,
    profile: { name: 'Ann' },
    users: 1,
    labels: ['member', 'admin'],
  },
  {
    name: 'issued id, no name → the email local part',
    id: (repo) => repo.issue(deriveUserId(SECRET)),
    userName: '',
    outcome: 'profile_created',
    blocked: false,
    profile: { name: 'ann' },
    users: 1,
    labels: ['member'],
  },
  {
    name: 'replayed event (3 deliveries) → one profile, counted once, still a member',
    id: (repo) => repo.issue(deriveUserId(SECRET)),
    times: 3,
    outcome: 'already_member',
    blocked: false,
    profile: { name: 'Ann' },
    users: 1,
    labels: ['member'],
  },
  {
    name: 'a derived id with no registration (a deleted user’s id taken again) → blocked, no profile',
    id: (repo) => {
      const id = deriveUserId(SECRET);
      repo.labels.set(id, []);
      return id;
    },
    outcome: 'blocked',
    blocked: true,
    profile: null,
    users: 0,
    labels: [],
  },
  {
    name: 'an id from account.create (unique()) → blocked, no profile, not counted',
    id: () => '6650b1c2d3e4f5a6b7c8',
    outcome: 'blocked',
    blocked: true,
    profile: null,
    users: 0,
    labels: [],
  },
  {
    name: 'a forged id of the right shape, even with a registration row → blocked',
    id: (repo) => repo.issue('0123456789abcdef0123456789abcdef0123'),
    outcome: 'blocked',
    blocked: true,
    profile: null,
    users: 0,
    labels: [],
  },
  {
    name: 'an id derived with another secret → blocked',
    id: (repo) => repo.issue(deriveUserId('another-secret-'.repeat(4))),
    outcome: 'blocked',
    blocked: true,
    profile: null,
    users: 0,
    labels: [],
  },
];

describe('on-user-created', () => {
  test.each(scenarios)('$name', async (s) => {
    const repo = new FakeOnUserCreatedRepo();
    const id = s.id(repo);
    let result = await fire(repo, userModel(id, s.userName ?? 'Ann'));
    for (let i = 1; i < (s.times ?? 1); i++) result = await fire(repo, userModel(id));
    expect(result.statusCode, result.text).toBe(200);
    expect(result.json()).toEqual({ userId: id, outcome: s.outcome });
    expect(repo.blocked.has(id)).toBe(s.blocked);
    if (s.profile === null) expect(repo.profiles.has(id)).toBe(false);
    else expect(repo.profiles.get(id)).toMatchObject(s.profile);
    expect(repo.users).toBe(s.users);
    expect(repo.labels.get(id) ?? []).toEqual(s.labels);
    if (!s.blocked) expect(repo.registrations.has(id)).toBe(false);
  });

  test('no AGORA_ID_SECRET → the gate blocks every new user and says why in one log line', async () => {
    const repo = new FakeOnUserCreatedRepo();
    const id = repo.issue(deriveUserId(SECRET));
    const missing = () => readIdSecret({});
    const result = await fire(repo, userModel(id), 'event', missing);
    expect(result.statusCode, result.text).toBe(200);
    expect(result.json()).toEqual({ userId: id, outcome: 'blocked' });
    expect(repo.blocked.has(id)).toBe(true);
    expect(repo.profiles.size + repo.users).toBe(0);
    expect(repo.labels.get(id)).toEqual([]);
    expect(result.logs).toHaveLength(1);
    expect(result.logs[0]).toContain(`Blocked ${id}`);
    expect(result.logs[0]).toContain('AGORA_ID_SECRET is missing');
    expect(result.logs[0]).not.toContain('\n');
  });

  test('a run cut short before the label leaves no member; a re-run finishes the job', async () => {
    const repo = new FakeOnUserCreatedRepo();
    const id = repo.issue(deriveUserId(SECRET));
    repo.failLabels = true;
    const crashed = await fire(repo, userModel(id));
    expect(crashed.statusCode).toBe(500);
    expect(repo.labels.get(id)).toEqual([]);
    expect(repo.registrations.has(id)).toBe(true);
    repo.failLabels = false;
    const again = await fire(repo, userModel(id));
    expect(again.json()).toEqual({ userId: id, outcome: 'profile_exists' });
    expect(repo.labels.get(id)).toEqual(['member']);
    expect(repo.users).toBe(1);
  });

  test('a deleted user’s id, signed up again after the first was vetted → blocked', async () => {
    const repo = new FakeOnUserCreatedRepo();
    const id = repo.issue(deriveUserId(SECRET));
    await fire(repo, userModel(id));
    expect(repo.labels.get(id)).toEqual(['member']);
    // The user is deleted (labels go with the user) and `account.create` takes the id again.
    repo.labels.set(id, []);
    repo.profiles.delete(id);
    const result = await fire(repo, userModel(id));
    expect(result.json()).toEqual({ userId: id, outcome: 'blocked' });
    expect(repo.profiles.has(id)).toBe(false);
    expect(repo.users).toBe(1);
  });

  test('an http execution (not the event) → 401, nothing written', async () => {
    const repo = new FakeOnUserCreatedRepo();
    const result = await fire(repo, userModel('6650b1c2d3e4f5a6b7c8'), 'http');
    expect(result.statusCode).toBe(401);
    expect(repo.blocked.size + repo.profiles.size + repo.users).toBe(0);
  });

  test('a body that is not a user → 400, nothing written', async () => {
    const repo = new FakeOnUserCreatedRepo();
    for (const body of ['', '{"name":"no id"}', '{"$id":']) {
      const result = await fire(repo, body);
      expect(result.statusCode, body).toBe(400);
    }
    expect(repo.blocked.size + repo.profiles.size + repo.users).toBe(0);
  });
});

describe('on-user-created: every profile gets a unique handle', () => {
  test('derived from the name when none was chosen; numbered when taken; the chosen one when given', async () => {
    const repo = new FakeOnUserCreatedRepo();
    const first = repo.issue(deriveUserId(SECRET));
    const second = repo.issue(deriveUserId(SECRET));
    const chosen = repo.issue(deriveUserId(SECRET));
    repo.registrations.set(chosen, { issuedBy: 'accounts', admin: false, handle: 'countess' });
    for (const id of [first, second, chosen]) {
      const result = await fire(repo, userModel(id, 'Ada Lovelace'));
      expect(result.json()).toMatchObject({ outcome: 'profile_created' });
    }
    expect(repo.profiles.get(first)?.handle).toBe('ada_lovelace');
    expect(repo.profiles.get(second)?.handle).toBe('ada_lovelace2');
    expect(repo.profiles.get(chosen)?.handle).toBe('countess');
    expect(repo.users).toBe(3);
  });

  test('a replayed event keeps the profile it made (no second handle, no second count)', async () => {
    const repo = new FakeOnUserCreatedRepo();
    const id = repo.issue(deriveUserId(SECRET));
    await fire(repo, userModel(id, 'Ann'));
    repo.issue(id);
    const again = await fire(repo, userModel(id, 'Ann'));
    expect(again.json()).toMatchObject({ outcome: 'profile_exists' });
    expect(repo.profiles.get(id)?.handle).toBe('ann');
    expect(repo.users).toBe(1);
  });
});
