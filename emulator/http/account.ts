import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from './context.ts';

/** Account (the web SDK's `Account`): filled in next. */
export function registerAccount(_app: FastifyInstance, _ctx: ServiceContext): void {}
