/**
 * Agora's Appwrite Functions: their ids (as in appwrite.json) and the routes each one serves. A route is
 * `"METHOD /path"` with `:name` parameters — the same string keys the function's route table uses, so
 * the caller and the callee cannot drift apart.
 */
export const FunctionId = {
  accounts: 'accounts',
  posts: 'posts',
  profiles: 'profiles',
  onUserCreated: 'on-user-created',
  onUserDeleted: 'on-user-deleted',
  admin: 'admin',
  exportUsers: 'export-users',
  stats: 'stats',
  health: 'health',
  webhooks: 'webhooks',
  maintenance: 'maintenance',
  moderation: 'moderation',
} as const;
export type FunctionId = (typeof FunctionId)[keyof typeof FunctionId];

/** HTTP methods an Appwrite execution may carry (createExecution's `method`). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD';

/** A route key: `"POST /posts/:id/comments"`. */
export type RouteKey = `${HttpMethod} /${string}`;

/** The routes each HTTP-triggered function serves. Event and schedule functions answer at `POST /`. */
export const Route = {
  accounts: {
    register: 'POST /register',
    /** Finish a password recovery with the policy checked (the link's userId + secret + new password). */
    completeRecovery: 'PUT /recovery',
    /** Delete the caller's own account (their content goes as `on-user-deleted` documents). */
    deleteAccount: 'DELETE /account',
  },
  posts: {
    create: 'POST /posts',
    update: 'PATCH /posts/:postId',
    remove: 'DELETE /posts/:postId',
    like: 'PUT /posts/:postId/like',
    unlike: 'DELETE /posts/:postId/like',
    comment: 'POST /posts/:postId/comments',
    removeComment: 'DELETE /comments/:commentId',
    /** Mark one of the caller's notifications read. */
    readNotification: 'PUT /notifications/:notificationId/read',
    /** Mark all of the caller's notifications read. */
    readAllNotifications: 'PUT /notifications/read',
  },
  profiles: {
    update: 'PATCH /profile',
    setAvatar: 'PUT /profile/avatar',
    removeAvatar: 'DELETE /profile/avatar',
  },
  admin: {
    listUsers: 'GET /users',
    createUser: 'POST /users',
    removeUser: 'DELETE /users/:userId',
    setAdmin: 'PUT /users/:userId/admin',
    setBlocked: 'PUT /users/:userId/blocked',
    startExport: 'POST /exports',
  },
  moderation: {
    /** A verified member reports a post or comment (once: again answers the same report). */
    report: 'POST /reports',
    /** An admin dismisses a report, or hides what it reports (`ReportResolve`). */
    resolve: 'PATCH /reports/:reportId',
    /** An admin shows a hidden post again. */
    restorePost: 'DELETE /posts/:postId/hidden',
    /** An admin shows a hidden comment again. */
    restoreComment: 'DELETE /comments/:commentId/hidden',
  },
  stats: {
    /** The dashboard: totals, average likes per post, top posts, daily activity (`DashboardStats`). */
    get: 'GET /',
  },
  health: {
    check: 'GET /',
  },
  webhooks: {
    receive: 'POST /',
  },
} as const satisfies Partial<Record<keyof typeof FunctionId, Record<string, RouteKey>>>;

/** Splits a route key into the method and path an execution carries, filling in `:params`. */
export function routeRequest(
  route: RouteKey,
  params: Record<string, string> = {},
): { method: HttpMethod; path: string } {
  const space = route.indexOf(' ');
  const method = route.slice(0, space) as HttpMethod;
  const path = route.slice(space + 1).replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route} needs :${name}`);
    return encodeURIComponent(value);
  });
  return { method, path };
}
