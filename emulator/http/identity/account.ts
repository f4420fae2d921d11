import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UserUpdate } from '../../core/identity/events.ts';
import { sessionModel, tokenModel, userModel } from '../../core/identity/models.ts';
import { linkWith } from '../../core/identity/outbox.ts';
import { checkDictionary, checkPersonalData } from '../../core/identity/password-policy.ts';
import { hashPassword, verifyPassword } from '../../core/identity/passwords.ts';
import type { SignInTokenKind, UserRecord } from '../../core/identity/records.ts';
import { encodeSessionValue } from '../../core/identity/sessions.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { resolveId, uniqueId } from '../../core/platform/ids.ts';
import { userIdOf } from '../../core/platform/principal.ts';
import type { Project } from '../../core/project.ts';
import { type AbuseLabel, abuse } from '../platform/abuse.ts';
import { usesJwt } from '../platform/authenticate.ts';
import { requireScope, requireUser } from '../platform/context.ts';
import {
  optionalInteger,
  optionalString,
  requiredEmail,
  requiredObject,
  requiredPassword,
  requiredString,
  requiredUrl,
} from '../platform/params.ts';
import { refuseOverUserLimit, requireAuthMethod } from '../project/access.ts';
import { checkPrefs } from './prefs.ts';
import { clearSessionCookies, setSessionCookies } from './session-cookies.ts';

/**
 * `POST /account/sessions/email`'s abuse label (account.php): 10 per hour per email, reset by a
 * successful sign-in. The console's sign-in (console.ts) is the same Appwrite route.
 */
export const EMAIL_SESSION_LIMIT: AbuseLabel = {
  limit: 10,
  key: 'url:{url},email:{param-email}',
  reset: [201],
};

/**
 * What a session opened with each kind of sign-in token records (SRV account.php `$createSession`):
 * an emailed code or link proves the email (factor `email`), a magic link is its own provider.
 */
const TOKEN_SESSION: Record<SignInTokenKind, { provider: string; factor: string }> = {
  session: { provider: 'token', factor: 'token' },
  'email-otp': { provider: 'token', factor: 'email' },
  'magic-url': { provider: 'magic-url', factor: 'email' },
};

/**
 * Account: the signed-in user's own routes, as the web SDK's `Account` calls them (SRV
 * app/controllers/api/account.php). Email/password, anonymous and token sessions (the tokens that
 * email OTP and magic URL mail are made in sign-in-tokens.ts); OAuth, phone and MFA are listed in
 * DIFFERENCES.md.
 */
export function registerAccount(app: FastifyInstance, project: Project): void {
  const { users, sessions, tokens, jwt, outbox } = project.identity;
  /** The project's auth policies (session length and limit, user limit, password checks). */
  const policies = () => project.settings.get().policies;
  const history = project.identity.passwordHistory;

  const me = (request: FastifyRequest): UserRecord => {
    const { userId } = requireUser(request);
    const user = users.get(userId);
    if (!user) throw new AppwriteError('user_not_found', 'The signed-in user no longer exists.');
    return user;
  };

  const isKey = (request: FastifyRequest) => request.principal.kind === 'key';

  // Each change is announced by the core with the event Appwrite labels the route with
  // (account.php), after it is written; the route says which, and who asked. DELETE /account
  // announces none, as upstream (its route has no event label).
  const by = (request: FastifyRequest) => ({ by: userIdOf(request.principal) });
  const as = (request: FastifyRequest, event: UserUpdate) => ({ event, ...by(request) });

  /** Session-creating routes refuse a caller who is already signed in (SRV shared/api.php). */
  const refuseIfSignedIn = (request: FastifyRequest) => {
    if (request.principal.kind === 'user') {
      throw new AppwriteError(
        'user_session_already_exists',
        'Sign out before creating another session.',
      );
    }
  };

  /** Opens a session: cookies, fallback header, and the secret in the body for API keys only. */
  const openSession = (
    request: FastifyRequest,
    reply: FastifyReply,
    user: UserRecord,
    provider: { name: string; uid: string },
    factor: string,
  ) => {
    if (!user.status) throw new AppwriteError('user_blocked', 'This user is blocked.');
    const { session, secret } = sessions.create(
      user.id,
      provider,
      request.ip,
      String(request.headers['user-agent'] ?? 'UNKNOWN'),
      [factor],
      policies().duration,
      by(request),
    );
    // Past the session limit the oldest sessions go, as Appwrite trims them after answering.
    if (policies().sessionLimit > 0) sessions.trim(user.id, policies().sessionLimit);
    const value = encodeSessionValue(user.id, secret);
    setSessionCookies(request, reply, project.projectId, value, session.expire);
    return reply.code(201).send(sessionModel(session, true, isKey(request) ? value : ''));
  };

  const sessionIdParam = (request: FastifyRequest, current: string | null) => {
    const { sessionId } = request.params as { sessionId: string };
    return sessionId === 'current' ? (current ?? '') : sessionId;
  };

  app.post('/account', abuse({ limit: 10 }), async (request, reply) => {
    requireScope(request, 'sessions.write');
    requireAuthMethod(request, project.settings, 'email-password');
    const body = request.body;
    const userId = resolveId(requiredString(body, 'userId', 1, 36));
    if (!userId) throw new AppwriteError('general_argument_invalid', 'Invalid `userId` param.');
    const email = requiredEmail(body, 'email');
    const password = requiredPassword(body, 'password');
    await checkDictionary(policies(), password);
    const name = optionalString(body, 'name', '', 128);
    refuseOverUserLimit(project.settings, users);
    checkPersonalData(policies(), password, { userId, email, name, phone: '' });
    const passwordHash = await hashPassword(password);
    const user = users.create({ id: userId, email, phone: null, name, passwordHash }, by(request));
    history.start(user.id, passwordHash, policies().passwordHistory);
    return reply.code(201).send(userModel(user));
  });

  app.get('/account', async (request) => userModel(me(request)));

  app.delete('/account', async (request, reply) => {
    users.delete(me(request).id, { event: null });
    clearSessionCookies(request, reply, project.projectId);
    return reply.code(204).send();
  });

  app.patch('/account/status', async (request, reply) => {
    const user = users.update(me(request).id, { status: false }, as(request, 'update.status'));
    clearSessionCookies(request, reply, project.projectId);
    return userModel(user);
  });

  app.post('/account/sessions/email', abuse(EMAIL_SESSION_LIMIT), async (request, reply) => {
    requireScope(request, 'sessions.write');
    refuseIfSignedIn(request);
    requireAuthMethod(request, project.settings, 'email-password');
    const email = requiredEmail(request.body, 'email');
    const password = requiredString(request.body, 'password', 1, 256);
    const user = users.getByEmail(email);
    // The same answer for an unknown email and a wrong password, so sign-in does not reveal accounts.
    if (!user?.passwordHash || !(await verifyPassword(password, user.passwordHash))) {
      throw new AppwriteError('user_invalid_credentials', 'Wrong email or password.');
    }
    return openSession(request, reply, user, { name: 'email', uid: user.email }, 'password');
  });

  const anonymousLimit = abuse({ limit: 50, key: 'ip:{ip}' });
  app.post('/account/sessions/anonymous', anonymousLimit, async (request, reply) => {
    requireScope(request, 'sessions.write');
    refuseIfSignedIn(request);
    requireAuthMethod(request, project.settings, 'anonymous');
    refuseOverUserLimit(project.settings, users);
    const user = users.create(
      { id: uniqueId(), email: null, phone: null, name: '', passwordHash: null },
      by(request),
    );
    return openSession(request, reply, user, { name: 'anonymous', uid: '' }, 'anonymous');
  });

  /**
   * A session from any sign-in token: one an admin made (`POST /users/{id}/tokens`), an emailed code
   * or a magic link's secret. The code and the link prove the address, so the email is verified with
   * the token's use, in its transaction (no event of its own, as in Appwrite).
   */
  const createTokenSession = async (request: FastifyRequest, reply: FastifyReply) => {
    requireScope(request, 'sessions.write');
    refuseIfSignedIn(request);
    const userId = requiredString(request.body, 'userId', 1, 36);
    const secret = requiredString(request.body, 'secret', 1, 256);
    const user = users.get(userId);
    const token = user
      ? tokens.consumeSignIn(userId, secret, {
          apply: (used) => {
            if (used.kind === 'session' || user.emailVerification) return;
            users.update(userId, { emailVerification: true }, { event: null });
          },
        })
      : null;
    if (!user || !token) {
      throw new AppwriteError('user_invalid_token', 'The token is invalid or has expired.');
    }
    const { provider, factor } = TOKEN_SESSION[token.kind];
    const signedIn = users.get(userId) ?? user;
    return openSession(request, reply, signedIn, { name: provider, uid: '' }, factor);
  };
  const tokenSessionLimit = abuse({
    limit: 10,
    key: 'ip:{ip},userId:{param-userId}',
    reset: [201],
  });
  app.post('/account/sessions/token', tokenSessionLimit, createTokenSession);
  // The older magic-URL path (updateMagicURLSession), the same route in Appwrite 1.9.5.
  app.put('/account/sessions/magic-url', tokenSessionLimit, createTokenSession);

  app.get('/account/sessions', async (request) => {
    const { userId, sessionId } = requireUser(request);
    const list = sessions.list(userId).map((s) => sessionModel(s, s.id === sessionId));
    return { total: list.length, sessions: list };
  });

  app.delete('/account/sessions', abuse({ limit: 100 }), async (request, reply) => {
    const { userId } = requireUser(request);
    sessions.deleteAll(userId, { event: 'sessions.[sessionId].delete', ...by(request) });
    clearSessionCookies(request, reply, project.projectId);
    return reply.code(204).send();
  });

  app.get('/account/sessions/:sessionId', async (request) => {
    const { userId, sessionId: current } = requireUser(request);
    const session = sessions.get(userId, sessionIdParam(request, current));
    if (!session) throw new AppwriteError('user_session_not_found', 'Session not found.');
    return sessionModel(session, session.id === current);
  });

  app.patch('/account/sessions/:sessionId', abuse({ limit: 10 }), async (request) => {
    const { userId, sessionId: current } = requireUser(request);
    const session = sessions.get(userId, sessionIdParam(request, current));
    if (!session) throw new AppwriteError('user_session_not_found', 'Session not found.');
    // Only OAuth sessions have provider tokens to refresh; an email session is returned unchanged.
    return sessionModel(session, session.id === current);
  });

  app.delete('/account/sessions/:sessionId', abuse({ limit: 100 }), async (request, reply) => {
    const { userId, sessionId: current } = requireUser(request);
    const target = sessionIdParam(request, current);
    const session = sessions.get(userId, target);
    if (!session || !sessions.delete(userId, target, by(request))) {
      throw new AppwriteError('user_session_not_found', 'Session not found.');
    }
    if (target === current) clearSessionCookies(request, reply, project.projectId);
    return reply.code(204).send();
  });

  const createJwt = async (request: FastifyRequest, reply: FastifyReply) => {
    const { userId, sessionId } = requireUser(request);
    requireAuthMethod(request, project.settings, 'jwt');
    if (usesJwt(request)) {
      throw new AppwriteError('user_jwt_creation_denied', 'A JWT cannot be used to create a JWT.');
    }
    if (!sessionId) throw new AppwriteError('user_session_not_found', 'No current session.');
    const duration = optionalInteger(request.body, 'duration', 900, 0, 3600);
    return reply.code(201).send({ jwt: jwt.issue(userId, sessionId, duration) });
  };
  // APP_LIMIT_WRITE_RATE_DEFAULT * 2 a minute; the alias is counted as the route.
  const jwtLimit = abuse({
    limit: 120,
    time: 60,
    key: 'url:{url},userId:{userId}',
    path: '/v1/account/jwts',
  });
  app.post('/account/jwts', jwtLimit, createJwt);
  app.post('/account/jwt', jwtLimit, createJwt);

  app.get('/account/prefs', async (request) => me(request).prefs);

  app.patch('/account/prefs', async (request) => {
    const prefs = checkPrefs(requiredObject(request.body, 'prefs'));
    return userModel(users.update(me(request).id, { prefs }, as(request, 'update.prefs')));
  });

  app.patch('/account/name', async (request) => {
    const name = requiredString(request.body, 'name', 0, 128);
    return userModel(users.update(me(request).id, { name }, as(request, 'update.name')));
  });

  app.patch('/account/password', abuse({ limit: 10 }), async (request) => {
    const user = me(request);
    const password = requiredPassword(request.body, 'password');
    await checkDictionary(policies(), password);
    const oldPassword = optionalString(request.body, 'oldPassword', '', 256);
    if (user.passwordHash && !(await verifyPassword(oldPassword, user.passwordHash))) {
      throw new AppwriteError('user_invalid_credentials', 'The current password is wrong.');
    }
    await history.refuseRecent(user.id, password, policies().passwordHistory);
    checkPersonalData(policies(), password, {
      userId: user.id,
      email: user.email,
      name: user.name,
      phone: user.phone,
    });
    const passwordHash = await hashPassword(password);
    history.record(user.id, passwordHash, policies().passwordHistory);
    // A new password signs out every other device (Appwrite's "invalidate sessions" option, on
    // here), before the update, whose event tells of the whole change.
    sessions.deleteAll(user.id, { event: null, except: requireUser(request).sessionId });
    const updated = users.update(user.id, { passwordHash }, as(request, 'update.password'));
    return userModel(updated);
  });

  app.patch('/account/email', async (request) => {
    const user = me(request);
    const email = requiredEmail(request.body, 'email');
    const password = requiredPassword(request.body, 'password');
    if (user.passwordHash && !(await verifyPassword(password, user.passwordHash))) {
      throw new AppwriteError('user_invalid_credentials', 'The password is wrong.');
    }
    const other = users.getByEmail(email);
    if (other && other.id !== user.id) {
      throw new AppwriteError(
        'user_target_already_exists',
        'This email address is already in use.',
      );
    }
    const passwordHash = user.passwordHash ? undefined : await hashPassword(password);
    const updated = users.update(
      user.id,
      { email, emailVerification: false, passwordHash },
      as(request, 'update.email'),
    );
    return userModel(updated);
  });

  const recoveryLimit = abuse({
    limit: 10,
    key: ['url:{url},email:{param-email}', 'url:{url},ip:{ip}'],
  });
  app.post('/account/recovery', recoveryLimit, async (request, reply) => {
    requireScope(request, 'sessions.write');
    const email = requiredEmail(request.body, 'email');
    const url = requiredUrl(request.body, 'url');
    const user = users.getByEmail(email);
    if (!user) throw new AppwriteError('user_not_found', 'No user has this email address.');
    if (!user.status) throw new AppwriteError('user_blocked', 'This user is blocked.');
    const { token, secret } = tokens.create(user.id, 'recovery');
    const link = linkWith(url, { userId: user.id, secret, expire: token.expire });
    outbox.send({
      kind: 'recovery',
      to: user.email,
      userId: user.id,
      subject: 'Reset your password',
      text: `Follow this link to choose a new password: ${link}`,
      url: link,
      secret,
    });
    return reply.code(201).send(tokenModel(token, isKey(request) ? secret : ''));
  });

  const resetLimit = abuse({ limit: 10, key: 'url:{url},userId:{param-userId}' });
  app.put('/account/recovery', resetLimit, async (request) => {
    requireScope(request, 'sessions.write');
    const userId = requiredString(request.body, 'userId', 1, 36);
    const secret = requiredString(request.body, 'secret', 1, 256);
    const password = requiredPassword(request.body, 'password');
    await checkDictionary(policies(), password);
    if (!users.get(userId)) throw new AppwriteError('user_not_found', 'User not found.');
    const invalid = () =>
      new AppwriteError('user_invalid_token', 'The recovery link is invalid or expired.');
    if (!tokens.isLive(userId, 'recovery', secret)) throw invalid();
    // A recently used password is refused before the link is used up, so it can be tried again.
    await history.refuseRecent(userId, password, policies().passwordHistory);
    const passwordHash = await hashPassword(password);
    // The link is used up with the change it allows, in one transaction; the core then announces
    // the recovery.
    const token = tokens.consume(userId, 'recovery', secret, {
      ...by(request),
      apply: () => {
        history.record(userId, passwordHash, policies().passwordHistory);
        users.update(userId, { passwordHash, emailVerification: true }, { event: null });
        sessions.deleteAll(userId, { event: null });
      },
    });
    if (!token) throw invalid();
    return tokenModel(token);
  });

  const createVerification = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = me(request);
    const url = requiredUrl(request.body, 'url');
    if (!user.email)
      throw new AppwriteError('user_email_not_found', 'This user has no email address.');
    if (user.emailVerification) {
      throw new AppwriteError(
        'user_email_already_verified',
        'This email address is already verified.',
      );
    }
    const { token, secret } = tokens.create(user.id, 'verification');
    const link = linkWith(url, { userId: user.id, secret, expire: token.expire });
    outbox.send({
      kind: 'verification',
      to: user.email,
      userId: user.id,
      subject: 'Verify your email address',
      text: `Follow this link to verify your email address: ${link}`,
      url: link,
      secret,
    });
    return reply.code(201).send(tokenModel(token, isKey(request) ? secret : ''));
  };
  const verifyLimit = abuse({
    limit: 10,
    key: 'url:{url},userId:{userId}',
    path: '/v1/account/verifications/email',
  });
  app.post('/account/verifications/email', verifyLimit, createVerification);
  app.post('/account/verification', verifyLimit, createVerification);

  const confirmVerification = async (request: FastifyRequest) => {
    requireScope(request, 'public');
    const userId = requiredString(request.body, 'userId', 1, 36);
    const secret = requiredString(request.body, 'secret', 1, 256);
    if (!users.get(userId)) throw new AppwriteError('user_not_found', 'User not found.');
    const token = tokens.consume(userId, 'verification', secret, {
      ...by(request),
      apply: () => users.update(userId, { emailVerification: true }, { event: null }),
    });
    if (!token) {
      throw new AppwriteError('user_invalid_token', 'The verification link is invalid or expired.');
    }
    return tokenModel(token);
  };
  const confirmLimit = abuse({
    limit: 10,
    key: 'url:{url},userId:{param-userId}',
    path: '/v1/account/verifications/email',
  });
  app.put('/account/verifications/email', confirmLimit, confirmVerification);
  app.put('/account/verification', confirmLimit, confirmVerification);
}
