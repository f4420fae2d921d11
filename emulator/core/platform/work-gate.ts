import { AppwriteError } from './errors.ts';

/** How many jobs a gate runs at once, and how many more may wait for a turn. */
export interface WorkGateLimits {
  running: number;
  waiting: number;
}

/**
 * A bounded queue in front of expensive work: at most `running` jobs at once, then up to `waiting`
 * more, first come first served; past that, 429 `general_rate_limit_exceeded` at once, before any
 * work is done. A job's slot is freed whether it succeeds or throws.
 */
export class WorkGate {
  #running = 0;
  readonly #queue: Array<() => void> = [];

  constructor(readonly limits: WorkGateLimits) {}

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Jobs waiting for a turn. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Runs `job` when a slot is free; refuses it when the queue is full. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limits.running) {
      if (this.#queue.length >= this.limits.waiting) {
        throw new AppwriteError(
          'general_rate_limit_exceeded',
          'The server is busy drawing other images; try again in a moment.',
        );
      }
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await job();
    } finally {
      // The slot passes straight to the next waiting job, so `running` never goes over the limit.
      const next = this.#queue.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

/**
 * The gate every image drawn with sharp goes through: avatars (initials, QR codes, icons) and file
 * previews. sharp runs on libuv's thread pool — four threads per process by default — which file
 * reads and writes, scrypt (every sign-in and sign-up) and zlib share. Without a bound, a guest
 * asking for forty 2000×2000 initials at once queued a sign-up behind them for 3.7 s; two drawing at
 * a time leaves the other threads free, and the queue behind them is bounded. One per process, as
 * the thread pool is.
 */
export const imageWork = new WorkGate({ running: 2, waiting: 128 });
