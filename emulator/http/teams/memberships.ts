import type { FastifyInstance, FastifyRequest } from 'fastify';
import { linkWith } from '../../core/identity/outbox.ts';
import { encodeSessionValue } from '../../core/identity/sessions.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Principal } from '../../core/platform/principal.ts';
import { userIdOf } from '../../core/platform/principal.ts';
import type { Project } from '../../core/project.ts';
import { type MembershipView, membershipModel } from '../../core/teams/models.ts';
import { compileMembershipList } from '../../core/teams/queries.ts';
import type { MembershipInTeam } from '../../core/teams/service.ts';
import { setSessionCookies } from '../identity/session-cookies.ts';
import { abuse } from '../platform/abuse.ts';
import { requireScope } from '../platform/context.ts';
import { asModel } from '../platform/formats/models.ts';
import {
  optionalBoolean,
  optionalString,
  requiredEmail,
  requiredString,
  requiredUrl,
  stringArray,
} from '../platform/params.ts';
import { refuseOverUserLimit, requireAuthMethod } from '../project/access.ts';
import { checkRoles } from './roles.ts';

/** E.164, as Appwrite's Phone validator: a plus, then up to 15 digits. */
const PHONE = /^\+[1-9]\d{1,14}$/;

/**
 * Team memberships: the `Teams` routes of web SDK and node-appwrite for members (SRV
 * src/Appwrite/Platform/Modules/Teams/Http/Memberships/*). Invitations go to the local outbox
 * (kind `invitation`), with the link Appwrite mails: the `url` given plus `membershipId`, `userId`,
 * `secret`, `teamId` and `teamName`.
 *
 *   GET    /teams/:teamId/memberships                       teams.read   listMemberships
 *   POST   /teams/:teamId/memberships                       teams.write  createMembership → 201
 *   GET    /teams/:teamId/memberships/:membershipId         teams.read   getMembership
 *   PATCH  /teams/:teamId/memberships/:membershipId         teams.write  updateMembership (owners)
 *   DELETE /teams/:teamId/memberships/:membershipId         teams.write  deleteMembership → 204
 *   PATCH  /teams/:teamId/memberships/:membershipId/status  public       updateMembershipStatus
 */
export function registerMemberships(app: FastifyInstance, project: Project): void {
  const { teams } = project;
  const by = (request: FastifyRequest) => ({ by: userIdOf(request.principal) });
  const paramsOf = (request: FastifyRequest) =>
    request.params as { teamId: string; membershipId: string };

  /** The model as the create, update and status routes set it (names, no phone or MFA). */
  const brief = ({ team, membership, user }: MembershipInTeam) =>
    asModel(
      'membership',
      membershipModel(membership, { teamName: team.name, user, details: false, accessedAt: false }),
    );
  /** The model as list and get show it: the project's (default) membership privacy. */
  const detailed = (principal: Principal) => (entry: MembershipInTeam) => {
    const view: MembershipView = {
      teamName: entry.team.name,
      user: entry.user,
      details: true,
      accessedAt: principal.kind === 'key',
    };
    return asModel('membership', membershipModel(entry.membership, view));
  };

  app.get('/teams/:teamId/memberships', async (request) => {
    requireScope(request, 'teams.read');
    const query = request.query as Record<string, unknown>;
    const queries = query.queries === undefined ? [] : stringArray(query, 'queries');
    const search = optionalString(query, 'search', '', 256);
    const withTotal = optionalBoolean(query, 'total', true);
    const plan = compileMembershipList(queries, search);
    const page = teams.listMemberships(
      request.principal,
      paramsOf(request).teamId,
      plan,
      withTotal,
    );
    const show = detailed(request.principal);
    const memberships = page.memberships.map((membership) =>
      show({ team: page.team, membership, user: project.identity.users.get(membership.userId) }),
    );
    return asModel('membershipList', { total: page.total, memberships });
  });

  app.post('/teams/:teamId/memberships', abuse({ limit: 10 }), async (request, reply) => {
    requireScope(request, 'teams.write');
    requireAuthMethod(request, project.settings, 'invites');
    const body = request.body as Record<string, unknown>;
    const byKey = request.principal.kind === 'key';
    const given = (name: string) =>
      body?.[name] !== undefined && body[name] !== null && body[name] !== '';
    const email = given('email') ? requiredEmail(body, 'email') : '';
    const userId = given('userId') ? requiredString(body, 'userId', 1, 36) : '';
    const phone = given('phone') ? requiredString(body, 'phone', 2, 16) : '';
    if (phone && !PHONE.test(phone)) {
      throw new AppwriteError('general_argument_invalid', 'Invalid `phone` param.');
    }
    const roles = checkRoles(body, 81, null);
    const url = given('url') ? requiredUrl(body, 'url') : '';
    const name = optionalString(body, 'name', '', 128);
    if (!url && !byKey) throw new AppwriteError('general_argument_invalid', 'URL is required');
    if (!userId && !email && !phone) {
      throw new AppwriteError(
        'general_argument_invalid',
        'At least one of userId, email, or phone is required',
      );
    }
    const invited = teams.invite(
      request.principal,
      {
        teamId: paramsOf(request).teamId,
        email,
        userId,
        phone,
        roles,
        name,
        beforeNewUser: () => refuseOverUserLimit(project.settings, project.identity.users),
      },
      by(request),
    );
    if (invited.secret !== null) {
      const { team, membership, user } = invited;
      const link = linkWith(url, {
        membershipId: membership.id,
        userId: user.id,
        secret: invited.secret,
        teamId: team.id,
        teamName: team.name,
      });
      project.identity.outbox.send({
        kind: 'invitation',
        to: user.email,
        userId: user.id,
        subject: `Invitation to join ${team.name}`,
        text: `You have been invited to join the team ${team.name}. Follow this link to accept: ${link}`,
        url: link,
        secret: invited.secret,
      });
    }
    return reply.code(201).send(brief(invited));
  });

  app.get('/teams/:teamId/memberships/:membershipId', async (request) => {
    requireScope(request, 'teams.read');
    const { teamId, membershipId } = paramsOf(request);
    const found = teams.getMembership(request.principal, teamId, membershipId);
    return detailed(request.principal)(found);
  });

  app.patch('/teams/:teamId/memberships/:membershipId', async (request) => {
    requireScope(request, 'teams.write');
    const { teamId, membershipId } = paramsOf(request);
    const roles = checkRoles(request.body, 81, null);
    return brief(teams.updateRoles(request.principal, teamId, membershipId, roles, by(request)));
  });

  app.delete('/teams/:teamId/memberships/:membershipId', async (request, reply) => {
    requireScope(request, 'teams.write');
    const { teamId, membershipId } = paramsOf(request);
    teams.deleteMembership(request.principal, teamId, membershipId, by(request));
    return reply.code(204).send();
  });

  app.patch('/teams/:teamId/memberships/:membershipId/status', async (request, reply) => {
    requireScope(request, 'public');
    const { teamId, membershipId } = paramsOf(request);
    const userId = requiredString(request.body, 'userId', 1, 36);
    const secret = requiredString(request.body, 'secret', 1, 256);
    const accepted = teams.accept(
      request.principal,
      { teamId, membershipId, userId, secret },
      {
        ip: request.ip,
        userAgent: String(request.headers['user-agent'] ?? 'UNKNOWN'),
        seconds: project.settings.get().policies.duration,
      },
      by(request),
    );
    if (accepted.session) {
      const value = encodeSessionValue(accepted.user.id, accepted.session.secret);
      setSessionCookies(request, reply, project.projectId, value, accepted.session.session.expire);
    }
    return brief(accepted);
  });
}
