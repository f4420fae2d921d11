import type { FastifyInstance } from 'fastify';
import type { Project } from '../../core/project.ts';
import { membershipModel } from '../../core/teams/models.ts';
import { compileMembershipList } from '../../core/teams/queries.ts';
import { requireScope } from '../platform/context.ts';
import { asModel } from '../platform/formats/models.ts';
import { optionalBoolean, optionalString, stringArray } from '../platform/params.ts';

/**
 * `GET /users/:userId/memberships` (node-appwrite `users.listMemberships`, API keys with
 * `users.read`; SRV app/controllers/api/users.php). A Users route, kept beside the other
 * membership routes because it reads them. As upstream, `total` is the number of memberships on the
 * page (0 with `total=false`), and each shows its team's and user's names but not the phone or MFA.
 * The account has no such route in 1.9.5: a signed-in user lists their teams with `teams.list`.
 */
export function registerUserMemberships(app: FastifyInstance, project: Project): void {
  app.get('/users/:userId/memberships', async (request) => {
    requireScope(request, 'users.read');
    const { userId } = request.params as { userId: string };
    const query = request.query as Record<string, unknown>;
    const queries = query.queries === undefined ? [] : stringArray(query, 'queries');
    const search = optionalString(query, 'search', '', 256);
    const withTotal = optionalBoolean(query, 'total', true);
    const entries = project.teams.membershipsOf(userId, compileMembershipList(queries, search));
    const memberships = entries.map(({ membership, user, team }) =>
      asModel(
        'membership',
        membershipModel(membership, {
          teamName: team?.name ?? '',
          user,
          details: false,
          accessedAt: false,
        }),
      ),
    );
    return asModel('membershipList', { total: withTotal ? memberships.length : 0, memberships });
  });
}
