/**
 * The frames of one event: a head every socket gets and a tail of its own (its `subscriptions`),
 * written into one buffer and sent as slices of it. A buffer per socket cost an allocation (and,
 * past 4 KiB, an ArrayBuffer of its own) for each of hundreds of sockets on every event.
 *
 * Each slice is a whole WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked as a server's
 * are), header included, so a socket gets it in one write. Through `ws.send` each frame cost a
 * header buffer, a corked two-chunk `writev` and ws's bookkeeping per socket — two thirds of the
 * fan-out's own time with 500 listeners.
 */
export class FrameBatch {
  readonly #head: Buffer;
  readonly #tails: { connectionId: number; tail: Uint8Array }[] = [];
  #bytes = 0;

  constructor(head: string) {
    this.#head = Buffer.from(head);
  }

  /** Queues the frame `head + tail` (the tail already UTF-8) for a connection. */
  add(connectionId: number, tail: Uint8Array): void {
    this.#tails.push({ connectionId, tail });
    const length = this.#head.length + tail.length;
    this.#bytes += headerLength(length) + length;
  }

  /**
   * Hands every queued frame, header and all, to `send`, in the order they were added. They are
   * written into `spare` when it is large enough (a buffer no socket still holds a slice of), else
   * into a new buffer; returns the buffer used.
   */
  send(send: (connectionId: number, frame: Buffer) => void, spare?: Buffer): Buffer {
    const all =
      spare !== undefined && spare.length >= this.#bytes ? spare : Buffer.allocUnsafe(this.#bytes);
    const head = this.#head;
    let at = 0;
    for (const { connectionId, tail } of this.#tails) {
      const start = at;
      at = writeTextHeader(all, at, head.length + tail.length);
      // TypedArray `set` copies without the view Buffer#copy makes each time.
      all.set(head, at);
      at += head.length;
      all.set(tail, at);
      at += tail.length;
      send(connectionId, all.subarray(start, at));
    }
    return all;
  }
}

/** Bytes of a server frame's header for a payload of `length` bytes (7-, 16- or 64-bit length). */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes a final, unmasked text frame's header at `at`; returns where the payload starts. */
function writeTextHeader(target: Buffer, at: number, length: number): number {
  target[at] = 0x81;
  if (length < 126) {
    target[at + 1] = length;
    return at + 2;
  }
  if (length < 65536) {
    target[at + 1] = 126;
    target.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  target[at + 1] = 127;
  target.writeUInt16BE(0, at + 2);
  target.writeUIntBE(length, at + 4, 6);
  return at + 10;
}
