/**
 * Scenario tables for function routes, run the same way in-process and end to end.
 *
 * A scenario is data: who asks (`as`, a role), what they send (`route`, `params`, `body`), and what
 * must follow — the `status`, the error `type` and `fields`, strings the answer must (not) contain,
 * and `effects`: exactly how the observable state moves. A target says how to build a world, execute
 * a request as a role and read the state; `runScenario` does the rest, so one table runs against the
 * fake runtime with a fake repository and against the local Appwrite with real sessions, and where
 * the two disagree one of them is wrong about Appwrite.
 *
 * State is flat: `{ 'stats.posts': 3, 'post.title': 'Hello', 'profile.owner.postsCount': 1 }`.
 * `effects` names every key that must change — a number is a delta, anything else the value it must
 * end at — and every key it does not name must stay as it was, so "nothing was written" is simply no
 * `effects`. A key that is missing on one side counts as 0 (numbers) or `null` (anything else).
 *
 * Adopting it for another function: list the roles your routes care about, write a target for the
 * fake (tests/unit/functions/posts-scenarios.ts has `inProcessTarget`) and one for the local
 * Appwrite (tests/contract/functions-posts-scenarios.test.ts), then
 * `test.each(table)('$name', (s) => runScenario(target, s))` in both test files.
 */
import { expect } from 'vitest';
import { type RouteKey, routeRequest } from '../../shared/functions.ts';

/**
 * Who asks. `user`: signed in, no relation to the world's rows; `other`: signed in, not the owner.
 * `unvetted`: signed in but never vetted by the sign-up gate (no `member` label: an anonymous session,
 * a user `account.create` made, a user whose gate run crashed); `unverified`: a member whose email
 * address is not verified yet.
 */
export type Role = 'guest' | 'user' | 'owner' | 'other' | 'admin' | 'unvetted' | 'unverified';
export const ROLES: readonly Role[] = [
  'guest',
  'user',
  'owner',
  'other',
  'admin',
  'unvetted',
  'unverified',
];

/** One execution as a route sees it. */
export interface ScenarioRequest {
  method: string;
  path: string;
  body: string;
}

/** What came back from an execution. */
export interface ScenarioAnswer {
  status: number;
  text: string;
  headers: Record<string, string>;
}

export type StateValue = number | string | boolean | null;
export type State = Record<string, StateValue>;

/** How a scenario moves the state: a number is a delta; anything else is the value a key ends at. */
export type Effects = Record<string, StateValue>;

/** The worlds a scenario runs in carry the ids its routes' `:params` default to. */
export interface ScenarioWorld {
  params: Record<string, string>;
}

export interface Scenario<W extends ScenarioWorld = ScenarioWorld> {
  name: string;
  as: Role;
  /** A route of shared/functions.ts (`:params` from `params`, else the world's), or a raw request. */
  route: RouteKey | { method: string; path: string };
  params?: Record<string, string>;
  /** A string is sent as is (malformed JSON included); anything else as JSON. */
  body?: unknown;
  status: number;
  type?: string;
  /** `field → code` of the answer's `fields`, exactly; absent means the answer has no `fields`. */
  fields?: Record<string, string>;
  contains?: string[];
  lacks?: string[];
  effects?: Effects;
  /** More checks of the answer's parsed body. */
  check?: (body: Record<string, unknown>, world: W) => void;
}

/** Where scenarios run: the fake runtime with a fake repository, or the local Appwrite. */
export interface ScenarioTarget<W extends ScenarioWorld> {
  /** A world for one scenario: fresh, or a fresh part of a shared one. */
  world(): Promise<W>;
  execute(world: W, as: Role, request: ScenarioRequest): Promise<ScenarioAnswer>;
  /** The observable state, flattened; read before and after each scenario. */
  state(world: W): Promise<State>;
  /** Writes the world saw (in-process only): must be none when a scenario is refused (≥ 400). */
  writes?(world: W): readonly string[];
}

/** Strings no answer may contain: a stack, a path into node_modules. */
export const NO_LEAK = ['    at ', 'node_modules', '"stack"'];

/**
 * A string `":name"` in a scenario's `params` or in its body's top-level values stands for the
 * world's `params.name` (`{ targetId: ':postId' }`): ids a world makes fresh can be sent in a body.
 */
function filled(value: unknown, world: ScenarioWorld): unknown {
  if (typeof value !== 'string' || !value.startsWith(':')) return value;
  return world.params[value.slice(1)] ?? value;
}

/** The request a scenario sends in `world`. */
export function requestOf<W extends ScenarioWorld>(
  scenario: Scenario<W>,
  world: W,
): ScenarioRequest {
  const params = Object.fromEntries(
    Object.entries(scenario.params ?? {}).map(([key, value]) => [
      key,
      String(filled(value, world)),
    ]),
  );
  const route =
    typeof scenario.route === 'string'
      ? routeRequest(scenario.route, { ...world.params, ...params })
      : scenario.route;
  const sent =
    typeof scenario.body === 'object' && scenario.body !== null && !Array.isArray(scenario.body)
      ? Object.fromEntries(
          Object.entries(scenario.body).map(([key, value]) => [key, filled(value, world)]),
        )
      : scenario.body;
  const body = sent === undefined ? '' : typeof sent === 'string' ? sent : JSON.stringify(sent);
  return { method: route.method, path: route.path, body };
}

/** How `before` became `after`, in `Effects` terms: only the keys that changed. */
export function stateChanges(before: State, after: State): Effects {
  const changes: Effects = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const from = before[key];
    const to = after[key];
    const numeric =
      (typeof from === 'number' || from === undefined) &&
      (typeof to === 'number' || to === undefined);
    if (numeric) {
      const delta = (to ?? 0) - (from ?? 0);
      if (delta !== 0) changes[key] = delta;
    } else if ((from ?? null) !== (to ?? null)) {
      changes[key] = to ?? null;
    }
  }
  return changes;
}

/** `{ fields: { title: { code } } }` → `{ title: code }`. */
export function fieldCodes(body: Record<string, unknown>): Record<string, string> | undefined {
  const fields = body.fields as Record<string, { code: string }> | undefined;
  if (fields === undefined) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value.code]));
}

/** Parses an answer's body; `{}` for an empty one, `{ text }` for one that is not JSON. */
export function bodyOf(answer: ScenarioAnswer): Record<string, unknown> {
  if (answer.text === '') return {};
  try {
    return JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return { text: answer.text };
  }
}

/** Runs one scenario against a target and checks everything it promises. */
export async function runScenario<W extends ScenarioWorld>(
  target: ScenarioTarget<W>,
  scenario: Scenario<W>,
): Promise<void> {
  const world = await target.world();
  const before = await target.state(world);
  const answer = await target.execute(world, scenario.as, requestOf(scenario, world));
  const after = await target.state(world);

  expect(answer.status, answer.text).toBe(scenario.status);
  const body = bodyOf(answer);
  if (scenario.type) expect(body.type).toBe(scenario.type);
  if (scenario.status >= 400) expect(body.code).toBe(scenario.status);
  expect(fieldCodes(body)).toEqual(scenario.fields);
  for (const text of scenario.contains ?? []) expect(answer.text).toContain(text);
  for (const text of [...NO_LEAK, ...(scenario.lacks ?? [])]) {
    expect(answer.text).not.toContain(text);
  }
  expect(stateChanges(before, after)).toEqual(scenario.effects ?? {});
  // A refusal writes nothing at all, not even a write that turned out a no-op.
  if (scenario.status >= 400 && target.writes) expect(target.writes(world)).toEqual([]);
  scenario.check?.(body, world);
}
