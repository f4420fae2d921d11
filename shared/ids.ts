/** The ids of Agora's database, tables and buckets, exactly as appwrite.json declares them. */
export const DATABASE_ID = 'agora';

export const TableId = {
  profiles: 'profiles',
  posts: 'posts',
  comments: 'comments',
  likes: 'likes',
  stats: 'stats',
  jobs: 'jobs',
  /** Per-user fixed-window counters for rate limits (functions only). */
  ratelimits: 'ratelimits',
  /** One row per UTC day (`d20261129`): what was created that day, for the dashboard's chart. */
  activity: 'activity',
  /** Webhook deliveries the `webhooks` function accepted (no public read). */
  webhookDeliveries: 'webhook_deliveries',
  /**
   * One row per user id Agora issued and no user has taken yet (functions only): `on-user-created`
   * consumes it, so an id becomes a user once (a deleted user's id cannot be signed up again).
   */
  registrations: 'registrations',
  /** Members' reports of posts and comments: the admins' moderation queue (read: `label:admin`). */
  reports: 'reports',
  /** Per-member notifications, written by functions, readable by their recipient only. */
  notifications: 'notifications',
} as const;
export type TableId = (typeof TableId)[keyof typeof TableId];

export const BucketId = {
  avatars: 'avatars',
  exports: 'exports',
} as const;
export type BucketId = (typeof BucketId)[keyof typeof BucketId];

/** The one row of the `stats` table holding the global counters. */
export const STATS_ROW_ID = 'global';

/** The label that makes a user an admin (role `label:admin`). */
export const ADMIN_LABEL = 'admin';

/**
 * The label `on-user-created` gives a user it vetted (role `label:member`): an id Agora issued, taken
 * for the first time. Functions that write on a user's behalf refuse a caller without it, so a user the
 * gate blocked, never reached (a crash, a timeout) or could not decide about can do nothing.
 */
export const MEMBER_LABEL = 'member';
