/**
 * Appwrite's event names: one change is announced under many names, from the most specific
 * (`tablesdb.main.tables.tasks.rows.r1.create`) to the broadest (`databases.*`), so that a function,
 * webhook or listener subscribed to any of them hears it. Mirrors `Event::generateEvents` and
 * `Event::mirrorCollectionEvents` in Appwrite 1.9.5 (src/Appwrite/Event/Event.php); the exact lists it
 * yields are checked against ../../tests/unit/event-names.test.ts.
 *
 * How to use it (functions triggers, webhooks, anything matching `events` against a change):
 *
 * ```ts
 * project.events.subscribe((event) => {        // project: Project; event: AppwriteEvent
 *   const names = eventNames(event);           // all names, most specific first
 *   const first = names[0];                    // what Appwrite sends as `x-appwrite-event`
 *   if (fn.events.some((e) => names.includes(e))) run(fn, event.payload);
 * });
 * ```
 *
 * `generateEvents(pattern, params, { databaseType })` is the same on raw values. Row events must pass
 * the database's type: a `tablesdb` database is announced as `tablesdb.…` plus the `databases.…`
 * collection and table forms (64 names for a row create), a `legacy` one as `databases.…` only (42).
 */
import type { AppwriteEvent } from './events.ts';

/** The database types whose row/table events Appwrite renames and mirrors. */
export type DatabaseType = 'tablesdb' | 'legacy';

/** Options for `generateEvents`. */
export interface GenerateOptions {
  /** The type of the database a `databases.…` pattern belongs to; omit for non-database events. */
  databaseType?: DatabaseType;
}

/** The pattern's parts, as Appwrite's `parseEventPattern` names them. */
interface ParsedPattern {
  type: string;
  resource: string | null;
  subType: string | null;
  subResource: string | null;
  subSubType: string | null;
  subSubResource: string | null;
  action: string | null;
  attribute: string | null;
}

/** Whether a pattern part is a `[placeholder]`. */
const isPlaceholder = (part: string | undefined): boolean => part?.startsWith('[') ?? false;

/**
 * Splits `type.[resource].subType.[subResource].subSubType.[subSubResource].action.attribute` into its
 * parts; shorter patterns (`users.[userId].update.status`) fill fewer of them.
 */
function parsePattern(pattern: string): ParsedPattern {
  const parts = pattern.split('.');
  const count = parts.length;
  const hasSub = count > 3 && isPlaceholder(parts[3]);
  const hasSubSub = hasSub && count > 5 && isPlaceholder(parts[5]);
  let attribute: string | null = null;
  if (hasSubSub && count === 8) attribute = parts[7] ?? null;
  if (hasSub && !hasSubSub && count === 6) attribute = parts[5] ?? null;
  if (!hasSub && count === 4) attribute = parts[3] ?? null;
  let action: string | null = null;
  if (!hasSub && count > 2) action = parts[2] ?? null;
  else if (hasSubSub) action = parts[6] ?? null;
  else if (hasSub && count > 4) action = parts[4] ?? null;
  return {
    type: parts[0] ?? '',
    resource: parts[1] ?? null,
    subType: hasSub ? (parts[2] ?? null) : null,
    subResource: hasSub ? (parts[3] ?? null) : null,
    subSubType: hasSubSub ? (parts[4] ?? null) : null,
    subSubResource: hasSubSub ? (parts[5] ?? null) : null,
    action,
    attribute,
  };
}

/** A TablesDB database announces its resources with TablesDB words (`getDatabaseTypeEvents`). */
const TABLESDB_WORDS: Readonly<Record<string, string>> = {
  databases: 'tablesdb',
  documents: 'rows',
  collections: 'tables',
  attributes: 'columns',
};

function renameForTablesDB(parsed: ParsedPattern): ParsedPattern {
  const rename = (value: string | null) =>
    value === null ? null : (TABLESDB_WORDS[value] ?? value);
  return {
    type: rename(parsed.type) ?? parsed.type,
    resource: rename(parsed.resource),
    subType: rename(parsed.subType),
    subResource: rename(parsed.subResource),
    subSubType: rename(parsed.subSubType),
    subSubResource: rename(parsed.subSubResource),
    action: rename(parsed.action),
    attribute: rename(parsed.attribute),
  };
}

/** The distinct placeholder patterns, most specific first (with action, then without, then parents). */
function placeholderPatterns(p: ParsedPattern): string[] {
  const join = (...parts: (string | null)[]) => parts.join('.');
  const patterns: string[] = [];
  if (p.action) {
    if (p.subSubResource) {
      const base = [p.type, p.resource, p.subType, p.subResource, p.subSubType, p.subSubResource];
      if (p.attribute) patterns.push(join(...base, p.action, p.attribute));
      patterns.push(join(...base, p.action), join(...base));
    } else if (p.subResource) {
      const base = [p.type, p.resource, p.subType, p.subResource];
      if (p.attribute) patterns.push(join(...base, p.action, p.attribute));
      patterns.push(join(...base, p.action), join(...base));
    } else {
      patterns.push(join(p.type, p.resource, p.action));
    }
    if (p.attribute) patterns.push(join(p.type, p.resource, p.action, p.attribute));
  }
  if (p.subSubResource) {
    patterns.push(
      join(p.type, p.resource, p.subType, p.subResource, p.subSubType, p.subSubResource),
    );
  }
  if (p.subResource) patterns.push(join(p.type, p.resource, p.subType, p.subResource));
  patterns.push(join(p.type, p.resource));
  return [...new Set(patterns)];
}

/**
 * Fills a pattern's `[key]` placeholders: keys in `wild` become `*`, the others their values.
 * (Appwrite substitutes the bare key names with PHP's sequential `str_replace`, which also rewrites an
 * id that happens to contain a key name; replacing whole placeholders gives the same names otherwise.)
 */
function fill(
  pattern: string,
  params: Readonly<Record<string, string>>,
  wild: Set<string>,
): string {
  return pattern.replace(/\[([^\]]*)\]/g, (whole, key: string) => {
    if (wild.has(key)) return '*';
    return Object.hasOwn(params, key) ? (params[key] ?? whole) : whole;
  });
}

/** Every name for one placeholder pattern, in Appwrite's order (see generateEvents' nested loops). */
function namesFor(
  pattern: string,
  params: Readonly<Record<string, string>>,
  deep: boolean,
): string[] {
  const keys = Object.keys(params);
  const names = [fill(pattern, params, new Set()), fill(pattern, params, new Set(keys))];
  for (const key of keys) {
    for (const current of keys) {
      if (deep) {
        for (const sub of keys) {
          if (sub === current || sub === key) continue;
          names.push(fill(pattern, params, new Set([sub])));
          names.push(fill(pattern, params, new Set([current, sub])));
          names.push(fill(pattern, params, new Set([current])));
        }
      } else if (current !== key) {
        names.push(fill(pattern, params, new Set([current])));
      }
    }
  }
  return names;
}

const COLLECTIONS_TO_TABLES: Readonly<Record<string, string>> = {
  documents: 'rows',
  collections: 'tables',
  attributes: 'columns',
};
const TABLES_TO_COLLECTIONS: Readonly<Record<string, string>> = {
  rows: 'documents',
  tables: 'collections',
  columns: 'attributes',
};
const TABLESDB_TO_DATABASES: Readonly<Record<string, string>> = {
  tablesdb: 'databases',
  tables: 'collections',
  rows: 'documents',
  columns: 'attributes',
};

/** Replaces whole dot-separated segments only (`tables` → `collections`, never `mytables`). */
function replaceSegments(name: string, map: Readonly<Record<string, string>>): string {
  return name
    .split('.')
    .map((part) => map[part] ?? part)
    .join('.');
}

/**
 * Appwrite announces every database event under both vocabularies, so a listener written for
 * collections/documents hears a TablesDB change and the other way round (`mirrorCollectionEvents`).
 * Its tests are substring checks, as upstream's are.
 */
function mirrorCollectionEvents(pattern: string, names: string[]): string[] {
  const first = names[0] ?? '';
  const mirrored =
    (pattern.includes('databases.') &&
      (first.includes('collections') || first.includes('tables'))) ||
    first.includes('tablesdb.');
  if (!mirrored) return names;
  const paired: string[] = [];
  for (const name of names) {
    paired.push(name);
    if (name.includes('tablesdb')) {
      const databasesSide = replaceSegments(name, TABLESDB_TO_DATABASES);
      paired.push(databasesSide, replaceSegments(databasesSide, COLLECTIONS_TO_TABLES));
    } else if (name.includes('collections')) {
      paired.push(replaceSegments(name, COLLECTIONS_TO_TABLES));
    } else if (name.includes('tables')) {
      paired.push(replaceSegments(name, TABLES_TO_COLLECTIONS));
    }
  }
  return [...new Set(paired)];
}

/**
 * All event names Appwrite generates for a change, most specific first, without duplicates.
 * `pattern` is the route's label (`databases.[databaseId].tables.[tableId].rows.[rowId].create`,
 * `users.[userId].update.status`, `buckets.[bucketId].files.[fileId].delete`...); `params` gives each
 * placeholder's value. Throws when a placeholder has no value (Appwrite does the same).
 */
export function generateEvents(
  pattern: string,
  params: Readonly<Record<string, string>>,
  options: GenerateOptions = {},
): string[] {
  let parsed = parsePattern(pattern);
  if (pattern.includes('databases.') && options.databaseType === 'tablesdb') {
    parsed = renameForTablesDB(parsed);
  }
  for (const placeholder of [parsed.resource, parsed.subResource, parsed.subSubResource]) {
    if (placeholder && isPlaceholder(placeholder)) {
      const key = placeholder.slice(1, -1);
      if (!Object.hasOwn(params, key))
        throw new Error(`${placeholder} is missing from the params.`);
    }
  }
  const deep = parsed.subSubResource !== null;
  const names = placeholderPatterns(parsed).flatMap((p) => namesFor(p, params, deep));
  return mirrorCollectionEvents(pattern, [...new Set(names)]);
}

/** All names of a published event (its pattern, params and database type). */
export function eventNames(event: AppwriteEvent): string[] {
  return generateEvents(event.pattern, event.params, { databaseType: event.databaseType });
}
