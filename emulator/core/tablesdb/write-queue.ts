import { type Sql, type Transact, transactionRunner } from '../platform/db.ts';

interface Pending {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for row writes. Each write waits for the next turn of the event loop and then runs,
 * with every other write queued in the same turn, inside one SQLite transaction — each in its own
 * savepoint, so one failing write rolls back alone. A write is acknowledged only after the shared
 * COMMIT, so an answered create survives a crash; under many concurrent clients this turns hundreds
 * of commits (each a WAL append) into a few.
 */
export class WriteQueue {
  private readonly transact: Transact;
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(db: Sql) {
    this.transact = transactionRunner(db);
  }

  /** Runs `op` in the next batch; resolves with its result after the batch has committed. */
  run<T>(op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.transact(() => {
        for (const item of batch) {
          try {
            // A nested transaction is a SAVEPOINT: a throw undoes this op only.
            outcomes.push({ ok: true, value: this.transact(item.op) });
          } catch (error) {
            outcomes.push({ ok: false, value: error });
          }
        }
      });
    } catch (error) {
      // The COMMIT itself failed: nothing in this batch was written.
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome?.value);
    });
  }
}
