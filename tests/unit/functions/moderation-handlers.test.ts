import fc from 'fast-check';
import { describe, test } from 'vitest';
import { runScenario } from '../../support/scenarios.ts';
import {
  anyModerationCall,
  checkModerationAnswer,
  fakeModerationWorld,
  inProcessModeration,
  MODERATION_BODY_KEYS,
  MODERATION_SCENARIOS,
  moderationRequest,
} from './moderation-scenarios.ts';

/**
 * The `moderation` scenario table (moderation-scenarios.ts) in-process: the fake runtime,
 * `FakeModerationRepo` and a counting limiter. The same table runs end to end in
 * tests/contract/functions-moderation-scenarios.test.ts.
 */
describe('moderation routes in-process', () => {
  test.each(MODERATION_SCENARIOS)('$name', (scenario) =>
    runScenario(inProcessModeration, scenario),
  );
});

describe('any input to any moderation route (fast-check)', () => {
  test.each(Object.keys(MODERATION_BODY_KEYS) as (keyof typeof MODERATION_BODY_KEYS)[])(
    '%s: no 5xx; a refusal changes nothing; fields names the bad field',
    async (route) => {
      await fc.assert(
        fc.asyncProperty(anyModerationCall(route as never), async (call) => {
          const w = await fakeModerationWorld();
          const before = await inProcessModeration.state(w);
          const answer = await inProcessModeration.execute(w, call.as, moderationRequest(call, w));
          checkModerationAnswer(call, answer, before, await inProcessModeration.state(w));
        }),
        { numRuns: 300 },
      );
    },
    30_000,
  );
});
