/**
 * The frames of one event: a head every socket gets and a tail of its own (its `subscriptions`),
 * written into one buffer and sent as slices of it. A buffer per socket cost an allocation (and,
 * past 4 KiB, an ArrayBuffer of its own) for each of hundreds of sockets on every event.
 */
export class FrameBatch {
  readonly #head: Buffer;
  readonly #tails: { connectionId: number; tail: string; bytes: number }[] = [];
  #bytes = 0;

  constructor(head: string) {
    this.#head = Buffer.from(head);
  }

  /** Queues the frame `head + tail` for a connection. */
  add(connectionId: number, tail: string): void {
    const bytes = Buffer.byteLength(tail);
    this.#tails.push({ connectionId, tail, bytes });
    this.#bytes += this.#head.length + bytes;
  }

  /** Hands every queued frame to `send`, in the order they were added. */
  send(send: (connectionId: number, frame: Buffer) => void): void {
    const all = Buffer.allocUnsafe(this.#bytes);
    let at = 0;
    for (const { connectionId, tail, bytes } of this.#tails) {
      const start = at;
      at += this.#head.copy(all, at);
      at += all.write(tail, at, bytes);
      send(connectionId, all.subarray(start, at));
    }
  }
}
