import { describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { deriveUserId } from '../../../functions/_lib/user-ids.ts';
import { onUserCreated } from '../../../functions/on-user-created/src/on-user-created-handlers.ts';
import type { OnUserCreatedRepo } from '../../../functions/on-user-created/src/on-user-created-repo.ts';
import type { ProfileFields } from '../../../shared/schemas/profile.ts';
import { execute } from './fake-runtime.ts';

/** `on-user-created` in-process: derived id → profile + count; foreign id → blocked; replay → once. */

const SECRET = 'test-secret-'.repeat(4);

class FakeOnUserCreatedRepo implements OnUserCreatedRepo {
  readonly blocked = new Set<string>();
  readonly profiles = new Map<string, ProfileFields>();
  users = 0;

  async blockUser(userId: string) {
    this.blocked.add(userId);
  }
  async createProfile(userId: string, fields: ProfileFields) {
    if (this.profiles.has(userId)) return false;
    this.profiles.set(userId, fields);
    return true;
  }
  async countUser() {
    this.users += 1;
  }
}

function handlerFor(repo: OnUserCreatedRepo) {
  return createHandler({ 'POST /': onUserCreated({ repoFor: () => repo, secret: () => SECRET }) });
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

async function fire(repo: OnUserCreatedRepo, body: string, trigger = 'event') {
  return execute(handlerFor(repo), {
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
  id: () => string;
  /** Deliveries of the same event. */
  times?: number;
  userName?: string;
  outcome: string;
  blocked: boolean;
  profile: Partial<ProfileFields> | null;
  users: number;
}

const scenarios: Scenario[] = [
  {
    name: 'derived id → profile with the name, counters 0, stats.users + 1',
    id: () => deriveUserId(SECRET),
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
  },
  {
    name: 'derived id, no name → the email local part',
    id: () => deriveUserId(SECRET),
    userName: '',
    outcome: 'profile_created',
    blocked: false,
    profile: { name: 'ann' },
    users: 1,
  },
  {
    name: 'replayed event (3 deliveries) → one profile, counted once',
    id: () => deriveUserId(SECRET),
    times: 3,
    outcome: 'profile_exists',
    blocked: false,
    profile: { name: 'Ann' },
    users: 1,
  },
  {
    name: 'an id from account.create (unique()) → blocked, no profile, not counted',
    id: () => '6650b1c2d3e4f5a6b7c8',
    outcome: 'blocked',
    blocked: true,
    profile: null,
    users: 0,
  },
  {
    name: 'a forged id of the right shape → blocked',
    id: () => '0123456789abcdef0123456789abcdef0123',
    outcome: 'blocked',
    blocked: true,
    profile: null,
    users: 0,
  },
  {
    name: 'an id derived with another secret → blocked',
    id: () => deriveUserId('another-secret-'.repeat(4)),
    outcome: 'blocked',
    blocked: true,
    profile: null,
    users: 0,
  },
];

describe('on-user-created', () => {
  test.each(scenarios)('$name', async (s) => {
    const repo = new FakeOnUserCreatedRepo();
    const id = s.id();
    let result = await fire(repo, userModel(id, s.userName ?? 'Ann'));
    for (let i = 1; i < (s.times ?? 1); i++) result = await fire(repo, userModel(id));
    expect(result.statusCode, result.text).toBe(200);
    expect(result.json()).toEqual({ userId: id, outcome: s.outcome });
    expect(repo.blocked.has(id)).toBe(s.blocked);
    if (s.profile === null) expect(repo.profiles.has(id)).toBe(false);
    else expect(repo.profiles.get(id)).toMatchObject(s.profile);
    expect(repo.users).toBe(s.users);
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
