import { PROJECT_ID } from './api.ts';

/** One Realtime event as the server sends it (`type: "event"`). */
export interface RealtimeEvent {
  events: string[];
  channels: string[];
  timestamp: string;
  payload: Record<string, unknown>;
}

/** What `listen` reports besides events. */
export interface ListenOptions {
  /** A user's JWT (`users.createJWT`): listen as that user instead of as the console. */
  jwt?: string;
  onStatus?: (status: string) => void;
  /**
   * Called when a socket opens again after it was closed: events may have been missed meanwhile —
   * after an import or a reset (`/v1/local/…`) the server closes every socket (1001) and serves
   * another state — so what was loaded is to be loaded again.
   */
  onReconnect?: () => void;
}

/**
 * Listens on Appwrite Realtime channels from the console: a WebSocket to `/v1/realtime` on this
 * origin. As the console (`mode=admin` with the console cookie, the default) it hears every event of
 * those channels; with a JWT it hears what that user would. Answers a function that closes it.
 */
export function listen(
  channels: readonly string[],
  onEvent: (event: RealtimeEvent) => void,
  options: ListenOptions = {},
): () => void {
  const params = new URLSearchParams({ project: PROJECT_ID });
  for (const channel of channels) params.append('channels[]', channel);
  if (options.jwt) params.set('jwt', options.jwt);
  else params.set('mode', 'admin');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  let closed = false;
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let reconnecting = false;

  const open = () => {
    socket = new WebSocket(`${scheme}://${location.host}/v1/realtime?${params}`);
    socket.onopen = () => {
      options.onStatus?.('connected');
      if (reconnecting) options.onReconnect?.();
      reconnecting = false;
    };
    socket.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as { type: string; data: unknown };
      if (frame.type === 'event') onEvent(frame.data as RealtimeEvent);
      else if (frame.type === 'error') {
        options.onStatus?.(`error: ${(frame.data as { message?: string }).message ?? ''}`);
      }
    };
    socket.onclose = () => {
      if (closed) return;
      options.onStatus?.('reconnecting');
      reconnecting = true;
      retry = setTimeout(open, 2000);
    };
  };
  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    socket?.close();
  };
}
