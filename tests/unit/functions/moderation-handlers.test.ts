import { describe, test } from 'vitest';
import { runScenario } from '../../support/scenarios.ts';
import { inProcessModeration, MODERATION_SCENARIOS } from './moderation-scenarios.ts';

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
