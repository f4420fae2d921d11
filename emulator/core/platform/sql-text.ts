/* Small helpers for writing SQL text safely. */

/** Quotes an identifier; keys are validated (no `"`), so this cannot be escaped from. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Whether a better-sqlite3 error is a constraint violation (unique, primary key). */
export function isConstraint(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof (error as { code: unknown }).code === 'string' &&
    (error as { code: string }).code.startsWith('SQLITE_CONSTRAINT')
  );
}
