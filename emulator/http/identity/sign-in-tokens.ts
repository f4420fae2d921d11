import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tokenModel } from '../../core/identity/models.ts';
import { linkWith } from '../../core/identity/outbox.ts';
import { securityPhrase } from '../../core/identity/phrase.ts';
import type { UserRecord } from '../../core/identity/records.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { resolveId } from '../../core/platform/ids.ts';
import { userIdOf } from '../../core/platform/principal.ts';
import type { Project } from '../../core/project.ts';
import { type AbuseLabel, abuse } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { optionalBoolean, requiredEmail, requiredString, requiredUrl } from '../platform/params.ts';
import { refuseOverUserLimit, requireAuthMethod } from '../project/access.ts';

/**
 * Passwordless sign-in, first half: the routes that mail a sign-in token (SRV
 * app/controllers/api/account.php). The second half is `POST /account/sessions/token` (account.ts),
 * which takes the code or the link's secret like any other token.
 *
 *   POST /account/tokens/email       createEmailToken      a 6-digit code, 15 minutes
 *   POST /account/tokens/magic-url   createMagicURLToken   a link, an hour
 *   POST /account/sessions/magic-url (the older path of the same route)
 *
 * Both make the account when the email is new (its `userId` is then used; else it is ignored), both
 * honour the project's auth-method switch (501 `user_auth_method_unsupported` for sessions and
 * guests) and may be called signed in. The mail lands in the local outbox (GET /v1/local/outbox);
 * Appwrite's SMTP check (503 `general_smtp_disabled`) does not apply. Neither route announces an
 * event of its own (Appwrite labels none): a new account announces `users.[userId].create`, and the
 * session the token opens announces itself.
 */
export function registerSignInTokens(app: FastifyInstance, project: Project): void {
  const { users, tokens, outbox } = project.identity;

  /** The `userId` param: required and checked even when the email has an account already. */
  const requestedId = (request: FastifyRequest): string => {
    const id = resolveId(requiredString(request.body, 'userId', 1, 36));
    if (!id) throw new AppwriteError('general_argument_invalid', 'Invalid `userId` param.');
    return id;
  };

  /** The account the email belongs to, or a new one with the requested id. */
  const accountFor = (request: FastifyRequest, id: string, email: string): UserRecord => {
    const existing = users.getByEmail(email);
    if (existing) return existing;
    refuseOverUserLimit(project.settings, users);
    return users.create(
      { id, email, phone: null, name: '', passwordHash: null },
      { by: userIdOf(request.principal) },
    );
  };

  /** 201 with the Token: its secret for API keys only, and the phrase when one was asked for. */
  const answer = (
    request: FastifyRequest,
    reply: FastifyReply,
    issued: ReturnType<typeof tokens.create>,
    phrase: string,
  ) => {
    const secret = request.principal.kind === 'key' ? issued.secret : '';
    return reply.code(201).send(tokenModel(issued.token, secret, phrase));
  };

  const phraseLine = (phrase: string) =>
    phrase
      ? `\n\nSecurity phrase: ${phrase}. Sign in only if it matches the one you were shown.`
      : '';

  // Per hour, by email and by IP (account.php); keys are exempt, as from every abuse limit.
  const emailTokenLimit: AbuseLabel = {
    limit: 10,
    key: ['url:{url},email:{param-email}', 'url:{url},ip:{ip}'],
  };
  app.post('/account/tokens/email', abuse(emailTokenLimit), async (request, reply) => {
    requireScope(request, 'sessions.write');
    requireAuthMethod(request, project.settings, 'email-otp');
    const id = requestedId(request);
    const email = requiredEmail(request.body, 'email');
    const phrase = optionalBoolean(request.body, 'phrase', false) ? securityPhrase() : '';
    const user = accountFor(request, id, email);
    const issued = tokens.create(user.id, 'email-otp');
    outbox.send({
      kind: 'email-otp',
      to: user.email,
      userId: user.id,
      subject: 'Your sign-in code',
      text: `Your code to sign in is ${issued.secret}. It expires in 15 minutes.${phraseLine(phrase)}`,
      url: '',
      secret: issued.secret,
    });
    return answer(request, reply, issued, phrase);
  });

  const createMagicUrlToken = async (request: FastifyRequest, reply: FastifyReply) => {
    requireScope(request, 'sessions.write');
    requireAuthMethod(request, project.settings, 'magic-url');
    const id = requestedId(request);
    const email = requiredEmail(request.body, 'email');
    const given = (request.body as Record<string, unknown> | null)?.url;
    // Without a `url`, Appwrite links to its console's magic-URL page on the host that was asked.
    const url =
      given === undefined || given === null || given === ''
        ? `${request.protocol}://${request.host}/console/auth/magic-url`
        : requiredUrl(request.body, 'url');
    const phrase = optionalBoolean(request.body, 'phrase', false) ? securityPhrase() : '';
    const user = accountFor(request, id, email);
    const issued = tokens.create(user.id, 'magic-url');
    const link = linkWith(url, {
      userId: user.id,
      secret: issued.secret,
      expire: issued.token.expire,
      project: project.projectId,
    });
    outbox.send({
      kind: 'magic-url',
      to: user.email,
      userId: user.id,
      subject: 'Your sign-in link',
      text: `Follow this link to sign in: ${link}${phraseLine(phrase)}`,
      url: link,
      secret: issued.secret,
    });
    return answer(request, reply, issued, phrase);
  };
  // The older path is counted as the route.
  const magicUrlLimit = abuse({
    limit: 60,
    key: ['url:{url},email:{param-email}', 'url:{url},ip:{ip}'],
    path: '/v1/account/tokens/magic-url',
  });
  app.post('/account/tokens/magic-url', magicUrlLimit, createMagicUrlToken);
  app.post('/account/sessions/magic-url', magicUrlLimit, createMagicUrlToken);
}
