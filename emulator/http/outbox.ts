import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from './context.ts';

/** The local outbox: filled in next. */
export function registerOutbox(_app: FastifyInstance, _ctx: ServiceContext): void {}
