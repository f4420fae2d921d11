import type { FastifyInstance } from 'fastify';
import type { Project } from '../../core/project.ts';
import { registerMemberships } from './memberships.ts';
import { registerTeams } from './teams.ts';
import { registerUserMemberships } from './user-memberships.ts';

/**
 * The Teams service (SRV src/Appwrite/Platform/Modules/Teams): teams and their prefs (teams.ts),
 * memberships and invitations (memberships.ts), and the Users route that lists a user's memberships
 * (user-memberships.ts).
 */
export function registerTeamsService(app: FastifyInstance, project: Project): void {
  registerTeams(app, project);
  registerMemberships(app, project);
  registerUserMemberships(app, project);
}
