import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from './context.ts';

/** Users (server): filled in next. */
export function registerUsers(_app: FastifyInstance, _ctx: ServiceContext): void {}
