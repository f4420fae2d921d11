// @ts-check
/**
 * One execution's `context.log` / `context.error` / captured `console.*`, as the open-runtimes
 * Node logger writes them (OPR runtimes/node/versions/latest/src/logger.js): each call becomes one
 * line, its arguments joined by a space, Errors as their stack, other non-strings as JSON, the line
 * cut at 8000 characters. Lines are handed to `emit` as they are written, so a function that is
 * killed (timeout, crash) still leaves the lines it wrote before, as the runtime's log file does.
 */

import { toJsonSafe } from './json-safe.mjs';

/** The runtime cuts each call's text at this many characters. */
export const LOG_LINE_LIMIT = 8000;

const TRUNCATED_SUFFIX = `... [line cut at ${LOG_LINE_LIMIT} characters]`;
const NATIVE_HINT =
  'console.* output was captured into this log; context.log() and context.error() are the intended way to log.';

/** @typedef {'log' | 'error'} LogStream */

export class ExecutionLogger {
  /** @param {(stream: LogStream, line: string) => void} emit */
  constructor(emit) {
    this.emit = emit;
    this.open = true;
    this.nativeHintWritten = false;
  }

  /**
   * @param {unknown[]} messages
   * @param {LogStream} stream
   * @param {boolean} native true for console.* calls: the runtime files all of them under logs
   *   (console.error included) and precedes the first one with a hint.
   */
  write(messages, stream = 'log', native = false) {
    // After the response the runtime closes its log files; later writes (a leaked timer) vanish.
    if (!this.open) return;
    if (native && !this.nativeHintWritten) {
      this.nativeHintWritten = true;
      this.write([NATIVE_HINT], 'log');
    }
    let line = messages.map(stringify).join(' ');
    if (line.length > LOG_LINE_LIMIT) line = line.substring(0, LOG_LINE_LIMIT) + TRUNCATED_SUFFIX;
    this.emit(stream, line);
  }

  /** Stops accepting lines; called once the execution has answered. */
  close() {
    this.open = false;
  }
}

/** @param {unknown} message */
function stringify(message) {
  if (message instanceof Error) return message.stack || String(message);
  if (typeof message === 'string') return message;
  try {
    // `JSON.stringify` may return undefined (a function); `join` then renders it as ''.
    return /** @type {string} */ (JSON.stringify(toJsonSafe(message)));
  } catch {
    return String(message);
  }
}
