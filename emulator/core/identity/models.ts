import type { SessionRecord, TokenRecord, UserRecord } from './records.ts';

/**
 * The response models of users, sessions and tokens, shaped as node-appwrite 27.1.0's `models.d.mts`
 * (`User`, `Session`, `Token`, `UserList`, `SessionList`). The optional `password`, `hash` and
 * `hashOptions` of `User` are never sent: Appwrite returns the hash to API keys, we do not (see
 * DIFFERENCES.md), so no response can leak one.
 */

/** The `User` model (also what `Account` returns). */
export function userModel(user: UserRecord) {
  return {
    $id: user.id,
    $createdAt: user.createdAt,
    $updatedAt: user.updatedAt,
    name: user.name,
    registration: user.registration,
    status: user.status,
    labels: user.labels,
    passwordUpdate: user.passwordUpdate,
    email: user.email,
    phone: user.phone,
    emailVerification: user.emailVerification,
    phoneVerification: user.phoneVerification,
    mfa: user.mfa,
    prefs: user.prefs,
    targets: user.email
      ? [
          {
            $id: user.targetId,
            $createdAt: user.createdAt,
            $updatedAt: user.updatedAt,
            name: '',
            userId: user.id,
            providerId: null,
            providerType: 'email',
            identifier: user.email,
            expired: false,
          },
        ]
      : [],
    accessedAt: user.accessedAt,
  };
}

/**
 * The `Session` model. `secret` is the session value only when the caller is an API key (Appwrite's
 * sensitive-field rule: the SSR flow creates a session with a key and hands `secret` to
 * `setSession()`); everyone else gets `''`. Device and location fields are not detected locally.
 */
export function sessionModel(session: SessionRecord, current: boolean, secret = '') {
  return {
    $id: session.id,
    $createdAt: session.createdAt,
    $updatedAt: session.updatedAt,
    userId: session.userId,
    expire: session.expire,
    provider: session.provider,
    providerUid: session.providerUid,
    providerAccessToken: '',
    providerAccessTokenExpiry: '',
    providerRefreshToken: '',
    ip: session.ip,
    osCode: '',
    osName: '',
    osVersion: '',
    clientType: '',
    clientCode: '',
    clientName: '',
    clientVersion: '',
    clientEngine: '',
    clientEngineVersion: '',
    deviceName: '',
    deviceBrand: '',
    deviceModel: '',
    countryCode: '--',
    countryName: 'Unknown',
    current,
    factors: session.factors,
    secret,
    mfaUpdatedAt: '',
  };
}

/**
 * The `Token` model; `secret` only for API keys, as with sessions; `phrase` the security phrase a
 * sign-in token was asked for with (`''` when none).
 */
export function tokenModel(token: TokenRecord, secret = '', phrase = '') {
  return {
    $id: token.id,
    $createdAt: token.createdAt,
    userId: token.userId,
    secret,
    expire: token.expire,
    phrase,
  };
}
