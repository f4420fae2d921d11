import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { resolveId } from '../../core/platform/ids.ts';
import { userIdOf } from '../../core/platform/principal.ts';
import type { Project } from '../../core/project.ts';
import { teamModel } from '../../core/teams/models.ts';
import { compileTeamList } from '../../core/teams/queries.ts';
import { checkPrefs } from '../identity/prefs.ts';
import { requireScope } from '../platform/context.ts';
import {
  optionalBoolean,
  optionalString,
  requiredObject,
  requiredString,
  stringArray,
} from '../platform/params.ts';
import { checkRoles } from './roles.ts';

/**
 * Teams: the routes of web SDK's and node-appwrite's `Teams` for teams themselves (SRV
 * src/Appwrite/Platform/Modules/Teams/Http/Teams/*, Preferences/*). Who may read or change a team
 * is the core's (core/teams/service.ts).
 *
 *   GET    /teams                    teams.read    list (the caller's teams; a key: all)
 *   POST   /teams                    teams.write   create → 201 Team
 *   GET    /teams/:teamId            teams.read    get
 *   PUT    /teams/:teamId            teams.write   updateName (owners)
 *   DELETE /teams/:teamId            teams.write   delete (owners) → 204
 *   GET    /teams/:teamId/prefs      teams.read    getPrefs
 *   PUT    /teams/:teamId/prefs      teams.write   updatePrefs (owners)
 */
export function registerTeams(app: FastifyInstance, project: Project): void {
  const { teams } = project;
  const by = (request: FastifyRequest) => ({ by: userIdOf(request.principal) });
  const teamIdOf = (request: FastifyRequest) => (request.params as { teamId: string }).teamId;

  app.get('/teams', async (request) => {
    requireScope(request, 'teams.read');
    const query = request.query as Record<string, unknown>;
    const queries = query.queries === undefined ? [] : stringArray(query, 'queries');
    const search = optionalString(query, 'search', '', 256);
    const withTotal = optionalBoolean(query, 'total', true);
    const page = teams.list(request.principal, compileTeamList(queries, search), withTotal);
    return { total: page.total, teams: page.teams.map(teamModel) };
  });

  app.post('/teams', async (request, reply) => {
    requireScope(request, 'teams.write');
    const body = request.body;
    const teamId = resolveId(requiredString(body, 'teamId', 1, 36));
    if (!teamId) throw new AppwriteError('general_argument_invalid', 'Invalid `teamId` param.');
    const name = requiredString(body, 'name', 0, 128);
    const roles = checkRoles(body, 36, ['owner']);
    const team = teams.create(request.principal, { teamId, name, roles }, by(request));
    return reply.code(201).send(teamModel(team));
  });

  app.get('/teams/:teamId', async (request) => {
    requireScope(request, 'teams.read');
    return teamModel(teams.get(request.principal, teamIdOf(request)));
  });

  app.put('/teams/:teamId', async (request) => {
    requireScope(request, 'teams.write');
    const name = requiredString(request.body, 'name', 0, 128);
    return teamModel(teams.rename(request.principal, teamIdOf(request), name, by(request)));
  });

  app.delete('/teams/:teamId', async (request, reply) => {
    requireScope(request, 'teams.write');
    teams.delete(request.principal, teamIdOf(request), by(request));
    return reply.code(204).send();
  });

  app.get('/teams/:teamId/prefs', async (request) => {
    requireScope(request, 'teams.read');
    return teams.get(request.principal, teamIdOf(request)).prefs;
  });

  app.put('/teams/:teamId/prefs', async (request) => {
    requireScope(request, 'teams.write');
    const prefs = checkPrefs(requiredObject(request.body, 'prefs'));
    return teams.updatePrefs(request.principal, teamIdOf(request), prefs, by(request));
  });
}
