import type { TableId } from './ids.ts';
import { ActivityFields } from './schemas/activity.ts';
import { CommentFields } from './schemas/comment.ts';
import { JobFields } from './schemas/job.ts';
import { LikeFields } from './schemas/like.ts';
import { NotificationFields } from './schemas/notification.ts';
import { PostFields } from './schemas/post.ts';
import { ProfileFields } from './schemas/profile.ts';
import { RateLimitFields } from './schemas/rate-limit.ts';
import { RegistrationFields } from './schemas/registration.ts';
import { ReportFields } from './schemas/report.ts';
import { StatsFields } from './schemas/stats.ts';
import { WebhookDeliveryFields } from './schemas/webhook.ts';

/**
 * The stored fields of each table. appwrite.json's columns must agree with these (the drift test holds
 * them together), and functions validate what they write against them.
 */
export const TableFields = {
  profiles: ProfileFields,
  posts: PostFields,
  comments: CommentFields,
  likes: LikeFields,
  stats: StatsFields,
  jobs: JobFields,
  ratelimits: RateLimitFields,
  activity: ActivityFields,
  webhook_deliveries: WebhookDeliveryFields,
  registrations: RegistrationFields,
  reports: ReportFields,
  notifications: NotificationFields,
} as const satisfies Record<TableId, unknown>;
