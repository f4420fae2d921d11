/**
 * The Realtime WebSocket endpoint, `/v1/realtime?project=<id>`, on the HTTP server's `upgrade` event
 * (the `ws` package; no Fastify plugin). It speaks Appwrite 1.9.5's frames (app/realtime.php and
 * src/Appwrite/Realtime/Message/Handlers/*): `connected` on open, then `ping`/`pong`,
 * `authentication`, `subscribe`/`unsubscribe` with subscription ids, `event` frames that list the
 * matching `subscriptions`, and `error` frames with Appwrite's realtime codes. Channels given in the
 * URL (`channels[]=…`, the pre-1.9.5 mode) work too.
 *
 * Who may hear what is the broker's business (broker.ts); this file turns frames into broker calls
 * and events into frames. Events come from `project.events`, after their change has committed.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { resolveCredentials } from '../core/identity/credentials.ts';
import { userModel } from '../core/identity/models.ts';
import { decodeSessionValue } from '../core/identity/sessions.ts';
import { parseCookies } from '../core/platform/cookies.ts';
import { errorBody, writeRawError } from '../core/platform/error-body.ts';
import { AppwriteError } from '../core/platform/errors.ts';
import type { AppwriteEvent } from '../core/platform/events.ts';
import { uniqueId } from '../core/platform/ids.ts';
import { isOwnOrigin } from '../core/platform/origins.ts';
import { parseQueryString } from '../core/platform/query-string.ts';
import { rolesForUser } from '../core/platform/roles.ts';
import type { Project } from '../core/project.ts';
import {
  Broker,
  type ConnectionIdentity,
  GUEST,
  REALTIME_LIMITS,
  SubscriptionLimitError,
} from './broker.ts';
import { FrameBatch } from './frame-batch.ts';
import {
  checkSubscribeItems,
  formatError,
  parseFrame,
  REALTIME_CODES,
  RealtimeError,
  urlSubscriptions,
} from './frames.ts';
import { compileRealtimeQueries, RealtimeQueryError } from './queries.ts';

/** Settings for `attachRealtime`. */
export interface RealtimeOptions {
  /**
   * Messages a connection may send per minute before they are answered with 1013 and dropped:
   * Appwrite's own limit (32 per minute per connection, app/realtime.php). A client that keeps going
   * to twice the limit is disconnected with close code 1013 (Appwrite keeps such a socket open; we
   * close it so a runaway loop in a page cannot pin the server).
   */
  messagesPerMinute?: number;
}

/**
 * What Realtime needs of the project: its id (the `project` query parameter), identity, teams and
 * the console accounts (who a socket is, with which roles, and whether that still holds) and the
 * event bus it hangs off.
 */
export type RealtimeProject = Pick<
  Project,
  'projectId' | 'identity' | 'teams' | 'events' | 'consoleAccounts'
>;

/** The attached endpoint; `close()` disconnects every socket (code 1001, "going away"). */
export interface RealtimeServer {
  broker: Broker;
  /** How many sockets are open. */
  connectionCount(): number;
  /** How many subscriptions all sockets hold (tests wait on it instead of sleeping). */
  subscriptionCount(): number;
  close(): Promise<void>;
}

/** The path the SDKs connect to: the endpoint (`…/v1`) plus `/realtime`. */
const PATH = '/v1/realtime';

interface Live {
  socket: WebSocket;
  /**
   * The TCP socket under `socket`, as the upgrade handed it to ws: event frames, built whole by
   * `FrameBatch`, are written straight to it (see `sendFrame`).
   */
  wire: Duplex;
  /**
   * The end of the last event frame it got (`["<subscription id>",…]}}`), encoded, and the
   * subscription ids it names: the next event that matches the same subscriptions reuses it.
   */
  tail: { subscriptionIds: readonly string[]; bytes: Buffer } | null;
  /** Start of the current one-minute window and the messages received in it. */
  windowStart: number;
  messages: number;
  /** Admitted frames waiting their turn (at most the per-minute limit: see `onFrame`). */
  queue: ({ raw: RawData; isBinary: boolean } | { close: number })[];
  draining: boolean;
}

/**
 * Serves Realtime on `server`'s upgrade requests for `/v1/realtime`. Call it once the HTTP server
 * exists (buildApp does, on Fastify's server, without listening, and keeps what it returns as
 * `app.realtime`).
 */
export function attachRealtime(
  server: Server,
  project: RealtimeProject,
  options: RealtimeOptions = {},
): RealtimeServer {
  const limit = options.messagesPerMinute ?? REALTIME_LIMITS.messagesPerMinute;
  const broker = new Broker();
  const live = new Map<number, Live>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: REALTIME_LIMITS.maxFrameBytes,
    // No compression (ws's default, said here because `sendFrame` relies on it): ws then writes each
    // frame to the socket at once and holds none back, so a frame written beside it stays in order.
    perMessageDeflate: false,
  });
  // A handshake ws refuses (no key, wrong version, not GET) is answered in Appwrite's error shape
  // rather than ws's plain-text 400.
  wss.on('wsClientError', (error, socket) =>
    writeRawError(socket, errorBody('general_bad_request', `${error.message}.`)),
  );
  let nextId = 0;
  let closed = false;

  const send = (id: number, frame: unknown) => {
    const socket = live.get(id)?.socket;
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };
  /**
   * Writes a whole frame (header included, from `FrameBatch`) to an open socket in one write, as
   * ws's own `send` would put it on the wire but without its per-socket header buffer and two-chunk
   * write: an event to hundreds of sockets spent most of its own time there.
   */
  const sendFrame = (id: number, frame: Buffer) => {
    const connection = live.get(id);
    if (connection?.socket.readyState === WebSocket.OPEN) connection.wire.write(frame);
  };
  /**
   * The buffer the last event's frames were written into, when every socket took its frame at once:
   * the next event writes into it. A new 1.5 MB buffer per event (500 sockets, 3 KB frames) is memory
   * outside V8's heap that it counts towards a full collection: on a busy machine, where the young
   * buffers were not freed fast enough, one bench run had 13 full GCs in 200 events (pauses up to
   * 10 ms, in the middle of fan-outs).
   */
  let spare: Buffer | undefined;
  const SPARE_MAX_BYTES = 8 * 1024 * 1024;
  const sendError = (id: number, code: number, message: string) =>
    send(id, { type: 'error', data: { code, message } });

  /**
   * Who a still-valid session or user makes a connection now: a guest once the user or session is
   * gone. Blocking deletes no session (as in Appwrite), so a blocked user's socket keeps who it is
   * and holds only the guest role; an unblock gives the roles back on the same socket.
   */
  const currentIdentity = (identity: ConnectionIdentity): ConnectionIdentity => {
    if (!identity.userId) return identity;
    const user = project.identity.users.get(identity.userId);
    if (!user) return GUEST;
    if (identity.sessionId && !sessionAlive(identity)) return GUEST;
    if (!user.status) return { ...identity, roles: GUEST.roles };
    return { ...identity, roles: rolesForUser(user, project.teams.grantsOf(user.id)) };
  };
  const sessionAlive = (identity: ConnectionIdentity) => {
    const session = project.identity.sessions.get(identity.userId, identity.sessionId);
    return session !== null && Date.parse(session.expire) > Date.now();
  };

  /**
   * A user's change (labels, verification, block, unblock, sign-out...) applies to their open
   * sockets; with `onlyBlocked`, only to those holding just the guest role while blocked.
   */
  const refreshUser = (userId: string, onlyBlocked = false) => {
    for (const id of broker.connectionsOf(userId)) {
      const identity = broker.identityOf(id);
      if (!identity || (onlyBlocked && identity.roles.includes(`user:${userId}`))) continue;
      broker.setIdentity(id, currentIdentity(identity));
    }
  };

  /**
   * A team or membership change gives or takes roles. The member's sockets (the creator's, for a new
   * team) get theirs recomputed before the event is delivered, as Appwrite's Realtime does for its
   * `permissionsChanged` events — so a removed member no longer hears the team, their own removal
   * included. A deleted team's members hear the deletion, then lose the team's roles (Appwrite
   * leaves them until the socket reconnects).
   */
  const deliverTeamEvent = (event: AppwriteEvent) => {
    const memberId = event.params.membershipId
      ? event.payload.userId
      : event.pattern === 'teams.[teamId].create'
        ? event.userId
        : undefined;
    if (typeof memberId === 'string' && memberId !== '') refreshUser(memberId);
    broadcast(event);
    if (event.pattern !== 'teams.[teamId].delete') return;
    for (const id of broker.connectionsWithRole(`team:${event.params.teamId}`)) {
      const identity = broker.identityOf(id);
      if (identity) broker.setIdentity(id, currentIdentity(identity));
    }
  };

  const deliver = (event: AppwriteEvent) => {
    if (event.pattern.startsWith('teams.')) return deliverTeamEvent(event);
    const userId = event.pattern.startsWith('users.') ? event.params.userId : undefined;
    // An unblocked user's sockets get their roles back before the event, so they hear their own
    // unblock, as in Appwrite (where a socket keeps its roles throughout).
    if (userId) refreshUser(userId, true);
    broadcast(event);
    // The rest after the user's own sockets heard about it (as in Appwrite, a signed-out or blocked
    // user's socket still gets that event).
    if (userId) refreshUser(userId);
  };

  /**
   * A connection's frame tail for these subscription ids: the one it got last when they are the same
   * (nearly always: a socket's subscriptions change far less often than events arrive), else a new one.
   */
  const tailOf = (id: number, subscriptionIds: readonly string[]): Buffer => {
    const connection = live.get(id);
    const last = connection?.tail;
    if (
      last &&
      last.subscriptionIds.length === subscriptionIds.length &&
      last.subscriptionIds.every((s, i) => s === subscriptionIds[i])
    ) {
      return last.bytes;
    }
    const bytes = Buffer.from(`${JSON.stringify(subscriptionIds)}}}`);
    if (connection) connection.tail = { subscriptionIds, bytes };
    return bytes;
  };

  /** Sends an event to every socket that may hear it, on the subscriptions that match. */
  const broadcast = (event: AppwriteEvent) => {
    const { names, channels, deliveries } = broker.route(event, project.projectId);
    if (deliveries.length === 0) return;
    const data = JSON.stringify({
      events: names,
      channels,
      timestamp: event.timestamp,
      payload: realtimePayload(event),
    });
    // The frame is the same for everyone but its `subscriptions`, so the rest is serialised once.
    // Encoded once: with hundreds of listeners, re-encoding the ~4 KB head per socket dominated.
    const frames = new FrameBatch(`{"type":"event","data":${data.slice(0, -1)},"subscriptions":`);
    // Many sockets often share a session (tabs, the bench): look each one up once per event. A
    // session id names one session of one user (it is the sessions' primary key), so it is the key.
    const alive = new Map<string, boolean>();
    const stillAlive = (identity: ConnectionIdentity) => {
      let known = alive.get(identity.sessionId);
      if (known === undefined) {
        known = sessionAlive(identity);
        alive.set(identity.sessionId, known);
      }
      return known;
    };
    for (const { connectionId, subscriptionIds } of deliveries) {
      const identity = broker.identityOf(connectionId);
      // A session can end without an event (DELETE /account has none upstream): check it is alive
      // before a signed-in socket hears anything, and deliver only what a guest could then read.
      if (identity?.sessionId && !stillAlive(identity)) {
        broker.setIdentity(connectionId, GUEST);
        const guestMayRead = event.readRoles.includes('any') || event.readRoles.includes('guests');
        if (!guestMayRead) continue;
      }
      frames.add(connectionId, tailOf(connectionId, subscriptionIds));
    }
    // A socket that could not take its frame at once (a slow reader) still holds a slice of the
    // buffer until it drains: the buffer is then left to it, and the next event takes a new one.
    let held = false;
    const used = frames.send((id, frame) => {
      sendFrame(id, frame);
      if ((live.get(id)?.wire.writableLength ?? 0) > 0) held = true;
    }, spare);
    spare = !held && used.length <= SPARE_MAX_BYTES ? used : undefined;
  };
  // Fan-out runs on the next turn of the event loop, in publish order, so the request that made the
  // change is answered first and never waits for hundreds of socket writes.
  const unsubscribeEvents = project.events.subscribe((event) => {
    setImmediate(() => {
      if (closed) return;
      try {
        deliver(event);
      } catch (error) {
        console.error('[local appwrite] realtime delivery failed:', error);
      }
    });
  });

  // ---- frames from the client ----------------------------------------------------------------

  const authenticate = (id: number, data: unknown) => {
    const session = (data as Record<string, unknown> | null)?.session;
    if (session === undefined) throw formatError('Payload is not valid. Session is required');
    if (typeof session !== 'string' || session.length > 2048) {
      throw formatError('session: Value must be a valid string and at most 2048 chars');
    }
    const stored = decodeSessionValue(session);
    const record = stored ? project.identity.sessions.verify(stored.id, stored.secret) : null;
    const user = record ? project.identity.users.get(record.userId) : null;
    if (!record || !user?.status) throw formatError('Session is not valid.');
    const roles = rolesForUser(user, project.teams.grantsOf(user.id));
    broker.setIdentity(id, { userId: user.id, sessionId: record.id, roles });
    return {
      type: 'response',
      data: { to: 'authentication', success: true, user: userModel(user) },
    };
  };

  const subscribe = (id: number, data: unknown) => {
    const items = checkSubscribeItems(data);
    // Check every item before applying any, so a bad query leaves the connection as it was.
    const parsed = items.map((item) => {
      let queries: ReturnType<typeof compileRealtimeQueries>;
      try {
        queries = compileRealtimeQueries(item.queries ?? []);
      } catch (error) {
        if (error instanceof RealtimeQueryError)
          throw formatError(`Invalid query: ${error.message}`);
        throw error;
      }
      return {
        subscriptionId: item.subscriptionId ?? uniqueId(),
        channels: item.channels,
        queries,
      };
    });
    try {
      broker.checkLimits(id, parsed);
    } catch (error) {
      if (error instanceof SubscriptionLimitError) throw formatError(error.message);
      throw error;
    }
    const subscriptions = parsed.map((p) => ({
      subscriptionId: p.subscriptionId,
      channels: broker.subscribe(id, p.subscriptionId, p.channels, p.queries),
      queries: p.queries.strings,
    }));
    return { type: 'response', data: { to: 'subscribe', success: true, subscriptions } };
  };

  const unsubscribe = (id: number, data: unknown) => {
    if (!Array.isArray(data)) throw formatError('Payload is not valid.');
    const ids = data.map((item) => {
      const subscriptionId = (item as Record<string, unknown> | null)?.subscriptionId;
      if (typeof subscriptionId !== 'string' || subscriptionId === '') {
        throw formatError('Each unsubscribe payload must include a non-empty subscriptionId.');
      }
      return subscriptionId;
    });
    const subscriptions = ids.map((subscriptionId) => ({
      subscriptionId,
      removed: broker.unsubscribe(id, subscriptionId),
    }));
    return { type: 'response', data: { to: 'unsubscribe', success: true, subscriptions } };
  };

  /**
   * A frame off the wire: counted against the message limit at once, then queued. Frames are handled
   * one per turn of the event loop (`drain`), so a burst of full frames — ws hands every frame of one
   * TCP read over in the same tick — costs other clients at most one frame's work at a time, not
   * the whole burst's. The queue holds only admitted frames, at most the per-minute limit.
   */
  const onFrame = (id: number, raw: RawData, isBinary: boolean) => {
    const connection = live.get(id);
    if (!connection) return;
    const now = Date.now();
    if (now - connection.windowStart >= 60_000) {
      connection.windowStart = now;
      connection.messages = 0;
    }
    connection.messages++;
    if (connection.messages > limit) {
      sendError(id, REALTIME_CODES.tooManyMessages, 'Too many messages.');
      // Closed after the frames admitted before it are answered, in order.
      if (connection.messages === 2 * limit) {
        connection.queue.push({ close: REALTIME_CODES.tooManyMessages });
      } else {
        return;
      }
    } else {
      connection.queue.push({ raw, isBinary });
    }
    if (connection.draining) return;
    connection.draining = true;
    setImmediate(drain, id);
  };

  const drain = (id: number) => {
    const connection = live.get(id);
    const next = connection?.queue.shift();
    if (!connection || !next) {
      if (connection) connection.draining = false;
      return;
    }
    if ('close' in next) {
      connection.queue.length = 0;
      connection.socket.close(next.close, 'Too many messages.');
      return;
    }
    onMessage(id, next.raw, next.isBinary);
    setImmediate(drain, id);
  };

  const onMessage = (id: number, raw: RawData, isBinary: boolean) => {
    const connection = live.get(id);
    if (!connection) return;
    try {
      const message = parseFrame(raw, isBinary);
      const data = message.data;
      let answer: unknown;
      switch (message.type) {
        case 'ping':
          answer = { type: 'pong' };
          break;
        case 'authentication':
          answer = authenticate(id, data);
          break;
        case 'subscribe':
          if (!Object.hasOwn(message, 'data'))
            throw formatError('Payload is not valid. Items is required');
          answer = subscribe(id, data);
          break;
        case 'unsubscribe':
          if (!Object.hasOwn(message, 'data'))
            throw formatError('Payload is not valid. Items is required');
          answer = unsubscribe(id, data);
          break;
        default:
          throw formatError('Message type is not valid.');
      }
      send(id, answer);
    } catch (error) {
      if (error instanceof RealtimeError) {
        sendError(id, error.code, error.message);
        if (error.code === REALTIME_CODES.policyViolation) connection.socket.close(error.code);
        return;
      }
      console.error('[local appwrite] realtime message failed:', error);
      sendError(id, 500, 'Error: Server Error');
    }
  };

  // ---- connections ---------------------------------------------------------------------------

  const onConnection = (socket: WebSocket, request: IncomingMessage, wire: Duplex) => {
    const id = ++nextId;
    live.set(id, {
      socket,
      wire,
      tail: null,
      windowStart: Date.now(),
      messages: 0,
      queue: [],
      draining: false,
    });
    socket.on('close', () => {
      live.delete(id);
      broker.disconnect(id);
    });
    socket.on('error', () => socket.terminate());
    socket.on('message', (raw, isBinary) => onFrame(id, raw, isBinary));
    const refuse = (code: number, message: string) => {
      sendError(id, code, message);
      socket.close(REALTIME_CODES.policyViolation, message.slice(0, 120));
    };

    const query = parseQueryString((request.url ?? '').split('?')[1] ?? '');
    if (query.project !== project.projectId) {
      return refuse(REALTIME_CODES.policyViolation, 'Missing or unknown project ID');
    }
    let identity: ConnectionIdentity = GUEST;
    try {
      identity = identityOfUpgrade(request, query, project);
    } catch (error) {
      if (error instanceof AppwriteError) return refuse(error.code, error.message);
      throw error;
    }
    broker.connect(id, identity);
    const user = identity.userId ? project.identity.users.get(identity.userId) : null;

    const channels = Array.isArray(query.channels)
      ? query.channels.filter((c): c is string => typeof c === 'string')
      : typeof query.channels === 'string'
        ? [query.channels]
        : [];
    if (channels.length === 0) {
      send(id, {
        type: 'connected',
        data: { channels: [], subscriptions: [], user: user ? userModel(user) : null },
      });
      return;
    }
    // Legacy URL mode: one subscription per query slot (Adapter/Realtime.php constructSubscriptions).
    let groups: ReturnType<typeof urlSubscriptions>;
    try {
      groups = urlSubscriptions(channels, query);
    } catch (error) {
      if (error instanceof RealtimeQueryError) {
        return refuse(REALTIME_CODES.policyViolation, error.message);
      }
      throw error;
    }
    const subscriptionIds = groups.map(() => uniqueId());
    try {
      broker.checkLimits(
        id,
        groups.map((group, index) => ({
          subscriptionId: subscriptionIds[index] as string,
          channels: group.channels,
        })),
      );
    } catch (error) {
      if (error instanceof SubscriptionLimitError) {
        return refuse(REALTIME_CODES.policyViolation, error.message);
      }
      throw error;
    }
    const mapping: Record<string, string> = {};
    const names = new Set<string>();
    groups.forEach((group, index) => {
      const subscriptionId = subscriptionIds[index] as string;
      for (const c of broker.subscribe(id, subscriptionId, group.channels, group.queries)) {
        names.add(c);
      }
      mapping[String(index)] = subscriptionId;
    });
    send(id, {
      type: 'connected',
      data: { channels: [...names], subscriptions: mapping, user: user ? userModel(user) : null },
    });
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0]?.replace(/\/+$/, '');
    if (path !== PATH) {
      // Nobody else answers upgrades on this server: refuse in Appwrite's shape rather than leave
      // the socket hanging (Node sends every Upgrade request here, even `Upgrade: h2c` on a route).
      if (server.listenerCount('upgrade') === 1) {
        writeRawError(
          socket,
          errorBody('general_bad_request', `Only ${PATH} accepts a protocol upgrade.`),
        );
      }
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, request, socket));
  };
  server.on('upgrade', onUpgrade);

  const endpoint: RealtimeServer = {
    broker,
    connectionCount: () => live.size,
    subscriptionCount: () =>
      [...live.keys()].reduce((n, id) => n + broker.subscriptionCount(id), 0),
    async close() {
      closed = true;
      unsubscribeEvents();
      server.off('upgrade', onUpgrade);
      const sockets = [...live.values()].map((l) => l.socket);
      for (const socket of sockets) socket.close(1001, 'Server shutting down');
      // Give the close frames a moment to leave, then drop whatever has not closed.
      await new Promise((resolve) => setTimeout(resolve, sockets.length > 0 ? 50 : 0));
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  return endpoint;
}

/**
 * Who the upgrade request is: its session (cookie, `X-Fallback-Cookies`, `X-Appwrite-Session`), a JWT
 * (`X-Appwrite-JWT`, as Appwrite reads it, or a `jwt` query parameter, since a browser cannot set a
 * WebSocket's headers), resolved exactly as for HTTP requests. An API key is not a Realtime identity:
 * it listens as a guest.
 *
 * In admin mode (`mode=admin` in the query or `X-Appwrite-Mode: admin`, as Appwrite's
 * app/init/realtime/connection.php reads it) a live `a_session_console` cookie makes the socket the
 * local console, which hears every event of the project (its lists update live; see
 * DIFFERENCES.md); without a valid cookie, a guest. Only from the server's own origin or none (a
 * console cookie is same-site for every local page): any other origin is refused with 1008, as
 * Appwrite refuses an unknown origin.
 */
function identityOfUpgrade(
  request: IncomingMessage,
  query: Record<string, unknown>,
  project: RealtimeProject,
): ConnectionIdentity {
  const mode = typeof query.mode === 'string' ? query.mode : request.headers['x-appwrite-mode'];
  if (mode === 'admin') return consoleIdentity(request, project);
  const headers: IncomingMessage['headers'] = { ...request.headers };
  delete headers['x-appwrite-key'];
  if (typeof query.jwt === 'string' && query.jwt !== '') headers['x-appwrite-jwt'] = query.jwt;
  const principal = resolveCredentials(headers, project.projectId, project.identity, project.teams);
  if (principal.kind === 'user') {
    return {
      userId: principal.userId,
      sessionId: principal.sessionId ?? '',
      roles: principal.roles,
    };
  }
  return GUEST;
}

/**
 * The console account as a socket's identity: no project user (nothing of the project's users
 * re-derives it), but the project's admin, who hears every event.
 */
function consoleIdentity(request: IncomingMessage, project: RealtimeProject): ConnectionIdentity {
  const origin = request.headers.origin;
  if (origin && !isOwnOrigin(origin, request.headers.host)) {
    throw new AppwriteError(
      'general_unknown_origin',
      `The local console answers only its own origin, not '${origin}'.`,
    );
  }
  const value = parseCookies(request.headers.cookie).get('a_session_console');
  const account = value ? project.consoleAccounts.verify(value) : null;
  return account ? { ...GUEST, admin: true } : GUEST;
}

/**
 * The payload a socket may see. An execution's `logs` and `errors` are for API keys only (Appwrite's
 * Execution model marks them sensitive); the bus carries them for webhooks and the terminal, but a
 * browser subscribed to its own executions gets them blank, as over HTTP.
 */
function realtimePayload(event: AppwriteEvent): Readonly<Record<string, unknown>> {
  if (!event.pattern.startsWith('functions.') || !('logs' in event.payload)) return event.payload;
  return { ...event.payload, logs: '', errors: '' };
}
