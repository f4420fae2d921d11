import { describe, expect, it, vi } from 'vitest';
import { JwtSigner } from '../../emulator/core/identity/jwt.ts';
import { KeyStore } from '../../emulator/core/identity/keys.ts';
import { hashPassword, verifyPassword } from '../../emulator/core/identity/passwords.ts';
import { decodeSessionValue, encodeSessionValue } from '../../emulator/core/identity/sessions.ts';
import { parseCookies } from '../../emulator/core/platform/cookies.ts';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { rolesForUser } from '../../emulator/core/platform/roles.ts';
import { compareVersions } from '../../emulator/http/platform/context.ts';

/** The identity core's small pure pieces: the places where a slip would be a security hole. */

describe('passwords', () => {
  it('verifies the right password only, and never stores it', async () => {
    const hash = await hashPassword('correct-horse');
    expect(hash).not.toContain('correct-horse');
    expect(hash.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct-horse', hash)).toBe(true);
    expect(await verifyPassword('correct-hors', hash)).toBe(false);
    expect(await hashPassword('correct-horse')).not.toBe(hash); // salted
  });

  it('a malformed stored hash never matches', async () => {
    for (const stored of ['', 'scrypt$', 'bcrypt$1$2$3$a$b', 'plain-text']) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });
});

describe('JWTs', () => {
  const db = openDatabase(':memory:');
  const signer = new JwtSigner(db);

  it('round-trips userId and sessionId', () => {
    const claims = signer.verify(signer.issue('u1', 's1', 60));
    expect(claims).toMatchObject({ userId: 'u1', sessionId: 's1' });
  });

  it('refuses expired, tampered, unsigned and foreign tokens', () => {
    const token = signer.issue('u1', 's1', 60);
    const [head, body] = token.split('.') as [string, string];
    const forgedBody = Buffer.from(
      JSON.stringify({ userId: 'admin', sessionId: '', exp: 9e9 }),
    ).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const other = new JwtSigner(openDatabase(':memory:'));
    for (const bad of [
      signer.issue('u1', 's1', 0),
      `${head}.${forgedBody}.${token.split('.')[2]}`,
      `${none}.${body}.`,
      other.issue('u1', 's1', 60),
      'not.a.jwt',
      '',
    ]) {
      expect(signer.verify(bad)).toBeNull();
    }
  });

  it('keeps its secret across restarts of the same database', () => {
    const token = signer.issue('u2', 's2', 60);
    expect(new JwtSigner(db).verify(token)?.userId).toBe('u2');
  });
});

describe('ephemeral execution keys', () => {
  it('signs once per second for the same claims, and again for other claims or the next second', () => {
    const db = openDatabase(':memory:');
    const signer = new JwtSigner(db);
    const keys = new KeyStore(db, signer);
    const sign = vi.spyOn(signer, 'sign');
    const at = 1_700_000_000_000;
    const first = keys.ephemeral('p', ['users.read'], 75, at);
    expect(keys.ephemeral('p', ['users.read'], 75, at + 999)).toBe(first);
    expect(sign).toHaveBeenCalledTimes(1);
    // The same string as a fresh signature: the claims and the second decide it.
    expect(first).toBe(
      `ephemeral_${new JwtSigner(db).sign({ projectId: 'p', scopes: ['users.read'] }, 75, at)}`,
    );
    expect(keys.ephemeral('p', ['users.read'], 75, at + 1000)).not.toBe(first);
    expect(keys.ephemeral('p', ['users.write'], 75, at + 1000)).not.toBe(first);
    expect(keys.ephemeral('q', ['users.read'], 75, at + 1000)).not.toBe(first);
    expect(keys.ephemeral('p', ['users.read'], 76, at + 1000)).not.toBe(first);
    expect(keys.find(first)).toMatchObject({ projectId: 'p', scopes: ['users.read'] });
  });
});

describe('session values and cookies', () => {
  it('encodes as Appwrite does: base64 of {id, secret}', () => {
    const value = encodeSessionValue('u1', 'abc');
    expect(JSON.parse(Buffer.from(value, 'base64').toString())).toEqual({
      id: 'u1',
      secret: 'abc',
    });
    expect(decodeSessionValue(value)).toEqual({ id: 'u1', secret: 'abc' });
  });

  it('treats garbage as no session', () => {
    for (const value of [
      '',
      '%%%',
      Buffer.from('[1,2]').toString('base64'),
      Buffer.from('{"id":1}').toString('base64'),
    ]) {
      expect(decodeSessionValue(value)).toBeNull();
    }
  });

  it('parses a Cookie header, first occurrence winning, values URL-decoded', () => {
    const cookies = parseCookies('a=1; b=x%3Dy; a=2; junk; c="quoted"');
    expect(Object.fromEntries(cookies)).toEqual({ a: '1', b: 'x=y', c: 'quoted' });
  });
});

describe('roles and versions', () => {
  it("lists a user's roles in Appwrite's order", () => {
    expect(
      rolesForUser(
        {
          id: 'u1',
          emailVerification: false,
          phoneVerification: false,
          labels: ['admin'],
        },
        [],
      ),
    ).toEqual(['user:u1', 'users', 'user:u1/unverified', 'users/unverified', 'label:admin']);
    expect(
      rolesForUser({ id: 'u1', emailVerification: false, phoneVerification: true, labels: [] }, []),
    ).toContain('users/verified');
  });

  it('adds each confirmed membership as team:T, member:M and team:T/role, before the labels', () => {
    const user = { id: 'u1', emailVerification: true, phoneVerification: false, labels: ['vip'] };
    const memberships = [
      { teamId: 'crew', membershipId: 'm1', roles: ['owner', 'editor'] },
      { teamId: 'club', membershipId: 'm2', roles: [] },
    ];
    expect(rolesForUser(user, memberships)).toEqual([
      'user:u1',
      'users',
      'user:u1/verified',
      'users/verified',
      'team:crew',
      'member:m1',
      'team:crew/owner',
      'team:crew/editor',
      'team:club',
      'member:m2',
      'label:vip',
    ]);
  });

  it('compares response formats numerically', () => {
    expect(compareVersions('1.8.0', '1.9.0')).toBeLessThan(0);
    expect(compareVersions('1.10.0', '1.9.5')).toBeGreaterThan(0);
    expect(compareVersions('1.9.5', '1.9.5')).toBe(0);
  });
});
