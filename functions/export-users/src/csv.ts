/**
 * CSV as RFC 4180 writes it, made safe to open in a spreadsheet.
 *
 * - A cell holding `"`, `,`, CR or LF is quoted, with each `"` doubled; records end in CRLF.
 * - A cell a spreadsheet would read as a formula — starting with `=`, `+`, `-`, `@`, a tab or a CR
 *   (OWASP's list) — gets a leading `'`, so `=HYPERLINK(…)` in a user's name shows as text instead of
 *   running. The `'` is part of the value: a program reading the CSV sees it too.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: formula-escaped, then quoted if it must be. */
export function csvCell(value: string | number | boolean): string {
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRecord(cells: readonly (string | number | boolean)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** The export's columns, in order. */
export const USER_CSV_HEADER = [
  'id',
  'name',
  'email',
  'emailVerified',
  'blocked',
  'admin',
  'createdAt',
] as const;

/** What a row of the users CSV is made from. */
export interface CsvUser {
  $id: string;
  name: string;
  email: string;
  emailVerification: boolean;
  status: boolean;
  labels: readonly string[];
  $createdAt: string;
}

/** A user as one CSV record, in `USER_CSV_HEADER` order. */
export function userRecord(user: CsvUser, adminLabel: string): string {
  return csvRecord([
    user.$id,
    user.name,
    user.email,
    user.emailVerification,
    !user.status,
    user.labels.includes(adminLabel),
    user.$createdAt,
  ]);
}
