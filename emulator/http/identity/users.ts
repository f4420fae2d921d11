import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UserUpdate } from '../../core/identity/events.ts';
import { sessionModel, tokenModel, userModel } from '../../core/identity/models.ts';
import { checkDictionary, checkPersonalData } from '../../core/identity/password-policy.ts';
import { hashPassword } from '../../core/identity/passwords.ts';
import type { UserRecord } from '../../core/identity/records.ts';
import { encodeSessionValue } from '../../core/identity/sessions.ts';
import { compileUserList } from '../../core/identity/user-queries.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { resolveId } from '../../core/platform/ids.ts';
import { userIdOf } from '../../core/platform/principal.ts';
import type { Project } from '../../core/project.ts';
import { requireScope } from '../platform/context.ts';
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredBoolean,
  requiredEmail,
  requiredObject,
  requiredPassword,
  requiredString,
  stringArray,
} from '../platform/params.ts';
import { checkPrefs } from './prefs.ts';

/** Appwrite counts list totals only up to this many (`APP_LIMIT_COUNT`). */
const COUNT_CAP = 5000;

/** E.164, as Appwrite's Phone validator: a plus, then up to 15 digits. */
const PHONE = /^\+[1-9]\d{1,14}$/;

/** Labels: letters and digits only, at most 36 characters, at most 1,000 (SRV Users/Labels/Update). */
const LABEL = /^[A-Za-z0-9]{1,36}$/;

/**
 * Users: the server-side user admin routes node-appwrite's `Users` calls (SRV
 * app/controllers/api/users.php), for API keys with `users.read` / `users.write`.
 */
export function registerUsers(app: FastifyInstance, project: Project): void {
  const { users, sessions, tokens, jwt } = project.identity;
  /** The project's auth policies: the password checks and the session length apply here too. */
  const policies = () => project.settings.get().policies;
  const history = project.identity.passwordHistory;

  const target = (request: FastifyRequest): UserRecord => {
    const { userId } = request.params as { userId: string };
    const user = users.get(userId);
    if (!user) throw new AppwriteError('user_not_found', `User '${userId}' not found.`);
    return user;
  };

  // Each change is announced by the core with the event Appwrite labels the route with
  // (users.php), after it is written; the route says which, and who asked.
  const by = (request: FastifyRequest) => ({ by: userIdOf(request.principal) });
  const as = (request: FastifyRequest, event: UserUpdate) => ({ event, ...by(request) });

  const read = (request: FastifyRequest) => requireScope(request, 'users.read');
  const write = (request: FastifyRequest) => requireScope(request, 'users.write');

  app.get('/users', async (request) => {
    read(request);
    const query = request.query as Record<string, unknown>;
    const queries = query.queries === undefined ? [] : stringArray(query, 'queries');
    const search = optionalString(query, 'search', '', 256);
    const withTotal = optionalBoolean(query, 'total', true);
    const { total, users: list } = users.list(
      compileUserList(queries, search),
      withTotal,
      COUNT_CAP,
    );
    return { total, users: list.map(userModel) };
  });

  app.post('/users', async (request, reply) => {
    write(request);
    const body = request.body as Record<string, unknown>;
    const userId = resolveId(requiredString(body, 'userId', 1, 36));
    if (!userId) throw new AppwriteError('general_argument_invalid', 'Invalid `userId` param.');
    const email = body?.email == null ? null : requiredEmail(body, 'email');
    const phone = body?.phone == null ? null : requiredString(body, 'phone', 2, 16);
    if (phone !== null && !PHONE.test(phone)) {
      throw new AppwriteError('general_invalid_phone', 'Invalid `phone` param.');
    }
    const password =
      body?.password == null || body.password === '' ? null : requiredPassword(body, 'password');
    if (password) await checkDictionary(policies(), password);
    const name = optionalString(body, 'name', '', 128);
    if (password) {
      const owner = { userId, email: email ?? '', name, phone: phone ?? '' };
      checkPersonalData(policies(), password, owner);
    }
    const passwordHash = password ? await hashPassword(password) : null;
    const user = users.create({ id: userId, email, phone, name, passwordHash }, by(request));
    history.start(user.id, passwordHash, policies().passwordHistory);
    return reply.code(201).send(userModel(user));
  });

  app.get('/users/:userId', async (request) => {
    read(request);
    return userModel(target(request));
  });

  app.delete('/users/:userId', async (request, reply) => {
    write(request);
    users.delete(target(request).id, { event: 'delete', ...by(request) });
    return reply.code(204).send();
  });

  app.patch('/users/:userId/name', async (request) => {
    write(request);
    const name = requiredString(request.body, 'name', 0, 128);
    return userModel(users.update(target(request).id, { name }, as(request, 'update.name')));
  });

  app.patch('/users/:userId/email', async (request) => {
    write(request);
    const email = requiredEmail(request.body, 'email');
    const user = users.update(
      target(request).id,
      { email, emailVerification: false },
      as(request, 'update.email'),
    );
    return userModel(user);
  });

  app.patch('/users/:userId/password', async (request) => {
    write(request);
    const password = requiredPassword(request.body, 'password');
    await checkDictionary(policies(), password);
    const user = target(request);
    checkPersonalData(policies(), password, {
      userId: user.id,
      email: user.email,
      name: user.name,
      phone: user.phone,
    });
    await history.refuseRecent(user.id, password, policies().passwordHistory);
    const passwordHash = await hashPassword(password);
    history.record(user.id, passwordHash, policies().passwordHistory);
    const updated = users.update(user.id, { passwordHash }, as(request, 'update.password'));
    return userModel(updated);
  });

  app.patch('/users/:userId/phone', async (request) => {
    write(request);
    const number = requiredString(request.body, 'number', 0, 16);
    if (number !== '' && !PHONE.test(number)) {
      throw new AppwriteError('general_invalid_phone', 'Invalid `number` param.');
    }
    const user = users.update(
      target(request).id,
      { phone: number, phoneVerification: false },
      as(request, 'update.phone'),
    );
    return userModel(user);
  });

  app.patch('/users/:userId/verification/phone', async (request) => {
    write(request);
    const phoneVerification = requiredBoolean(request.body, 'phoneVerification');
    const user = users.update(
      target(request).id,
      { phoneVerification },
      as(request, 'update.verification'),
    );
    return userModel(user);
  });

  app.post('/users/:userId/tokens', async (request, reply) => {
    write(request);
    const user = target(request);
    const length = optionalInteger(request.body, 'length', 6, 4, 128);
    const seconds = optionalInteger(request.body, 'expire', 900, 60, 31_536_000);
    const { token, secret } = tokens.create(user.id, 'session', { length, seconds });
    return reply.code(201).send(tokenModel(token, secret));
  });

  app.patch('/users/:userId/status', async (request) => {
    write(request);
    const status = requiredBoolean(request.body, 'status');
    return userModel(users.update(target(request).id, { status }, as(request, 'update.status')));
  });

  app.patch('/users/:userId/verification', async (request) => {
    write(request);
    const emailVerification = requiredBoolean(request.body, 'emailVerification');
    const user = users.update(
      target(request).id,
      { emailVerification },
      as(request, 'update.verification'),
    );
    return userModel(user);
  });

  app.put('/users/:userId/labels', async (request) => {
    write(request);
    const labels = stringArray(request.body, 'labels');
    if (labels.length > 1000 || labels.some((label) => !LABEL.test(label))) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `labels` param: each label is 1-36 letters or digits, at most 1000 labels.',
      );
    }
    const user = users.update(
      target(request).id,
      { labels: [...new Set(labels)] },
      as(request, 'update.labels'),
    );
    return userModel(user);
  });

  app.get('/users/:userId/prefs', async (request) => {
    read(request);
    return target(request).prefs;
  });

  app.patch('/users/:userId/prefs', async (request) => {
    write(request);
    const prefs = checkPrefs(requiredObject(request.body, 'prefs'));
    return users.update(target(request).id, { prefs }, as(request, 'update.prefs')).prefs;
  });

  app.get('/users/:userId/sessions', async (request) => {
    read(request);
    const list = sessions.list(target(request).id).map((s) => sessionModel(s, false));
    return { total: list.length, sessions: list };
  });

  app.post('/users/:userId/sessions', async (request, reply) => {
    requireScope(request, 'users.write', 'sessions.write');
    const user = target(request);
    const { session, secret } = sessions.create(
      user.id,
      { name: 'server', uid: '' },
      request.ip,
      String(request.headers['user-agent'] ?? 'UNKNOWN'),
      ['server'],
      policies().duration,
      by(request),
    );
    return reply.code(201).send(sessionModel(session, false, encodeSessionValue(user.id, secret)));
  });

  app.delete('/users/:userId/sessions', async (request, reply) => {
    write(request);
    sessions.deleteAll(target(request).id, { event: 'sessions.delete', ...by(request) });
    return reply.code(204).send();
  });

  app.delete('/users/:userId/sessions/:sessionId', async (request, reply) => {
    write(request);
    const { sessionId } = request.params as { sessionId: string };
    const session = sessions.get(target(request).id, sessionId);
    if (!session || !sessions.delete(session.userId, sessionId, by(request))) {
      throw new AppwriteError('user_session_not_found', 'Session not found.');
    }
    return reply.code(204).send();
  });

  app.post('/users/:userId/jwts', async (request, reply) => {
    write(request);
    const user = target(request);
    const requested = optionalString(request.body, 'sessionId', 'recent', 36);
    const duration = optionalInteger(request.body, 'duration', 900, 0, 3600);
    const list = sessions.list(user.id);
    // 'recent' (the default) is the newest session; an unknown id gives a JWT without a session,
    // as Appwrite does.
    const session = requested === 'recent' ? list.at(-1) : list.find((s) => s.id === requested);
    return reply.code(201).send({ jwt: jwt.issue(user.id, session?.id ?? '', duration) });
  });
}
