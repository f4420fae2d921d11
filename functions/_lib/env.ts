import * as z from 'zod/mini';

/** The variables Appwrite injects into every execution that our functions depend on. */
const FunctionEnv = z.object({
  APPWRITE_FUNCTION_API_ENDPOINT: z.url({ protocol: /^https?$/, error: 'not an http(s) URL' }),
  APPWRITE_FUNCTION_PROJECT_ID: z.string().check(z.minLength(1, 'empty')),
});
export type FunctionEnv = z.infer<typeof FunctionEnv>;

/**
 * Checks `source` against what functions need, with a message naming each missing or broken variable
 * (never its value). Exported for tests; functions call `functionEnv()`.
 */
export function readEnv(source: Record<string, string | undefined>): FunctionEnv {
  const result = FunctionEnv.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return `${name} ${source[name] === undefined ? 'missing' : issue.message}`;
  });
  throw new Error(
    `Function environment is incomplete: ${problems.join(', ')}. Appwrite sets these for every execution; when running the function yourself, set them.`,
  );
}

let cached: FunctionEnv | undefined;

/**
 * The environment, read once per process on first use rather than at import: a module that throws
 * while loading makes the runtime answer 503 with no body, a thrown error here becomes our 500.
 */
export function functionEnv(): FunctionEnv {
  cached ??= readEnv(process.env);
  return cached;
}
