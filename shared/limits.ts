/**
 * Agora's content limits, in one place so the schemas, appwrite.json (column sizes) and the UI (counters
 * beside inputs) agree. Lengths count UTF-16 code units, as JavaScript's `length` and Appwrite's string
 * `size` both do.
 */
export const Limits = {
  /** Display names: what a person calls themselves. */
  name: { min: 1, max: 128 },
  /** Password policy (registration, admin-created users, password changes). */
  password: { min: 8, max: 128 },
  /** Emails: Appwrite accepts up to 254 characters. */
  email: { max: 254 },
  /** A post's title: one line that fits a feed card. */
  title: { min: 1, max: 120 },
  /** A post's body: a few screens, not a document. */
  body: { min: 1, max: 5000 },
  /** Tags: up to 5 per post, each 1–24 characters of `a-z`, `0-9` and inner `-`. */
  tags: { max: 5 },
  tag: { min: 1, max: 24 },
  /** A comment: a paragraph. */
  comment: { min: 1, max: 1000 },
  /** A profile's bio: a sentence or two. */
  bio: { max: 280 },
  /** Search text for posts and users. */
  search: { max: 128 },
  /** Page sizes for lists: Appwrite's default is 25. */
  page: { default: 25, max: 100 },
  /** Appwrite ids: custom ids are at most 36 characters. */
  id: { max: 36 },
  /** A failed job's reason. */
  jobError: { max: 500 },
  /** Why a member reports a post or comment, and why an admin hid it (shown to its author). */
  reason: { min: 1, max: 500 },
  /** A member's handle (`@ada_l`): 3–20 of `a-z`, `0-9`, `_`, unique. */
  handle: { min: 3, max: 20 },
  /** At most this many distinct `@handle`s in one text notify anyone. */
  mentions: { max: 10 },
  /** What a notification quotes: the start of a comment, or a post's title. */
  excerpt: { max: 140 },
} as const;

/**
 * How far Appwrite counts a list's `total` (APP_LIMIT_COUNT): a list of more rows says 5,000, so a
 * total at the cap means "at least this many".
 */
export const APPWRITE_COUNT_CAP = 5000;

/**
 * Per-user rate limits: at most `limit` actions of a kind per fixed window of `windowSeconds`,
 * counted in the `ratelimits` table so they hold across concurrent executions and runtimes. Liking
 * and unliking share `like`. The `AGORA_RATE_LIMITS` function variable can switch them off or
 * scale them for tests and the bench (functions/_lib/rate-limit.ts).
 */
export const RateLimits = {
  post: { limit: 10, windowSeconds: 60 },
  comment: { limit: 30, windowSeconds: 60 },
  like: { limit: 120, windowSeconds: 60 },
  export: { limit: 3, windowSeconds: 3600 },
  /** Reports of posts and comments (each target once per member anyway). */
  report: { limit: 20, windowSeconds: 3600 },
  /** Sign-ups through `accounts`, per client address (Appwrite's own limit exempts the function's key). */
  register: { limit: 5, windowSeconds: 3600 },
} as const satisfies Record<string, { limit: number; windowSeconds: number }>;
export type RateLimitAction = keyof typeof RateLimits;
