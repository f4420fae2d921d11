/**
 * One execution's logs or errors as the executor returns them: the lines the function wrote, cut
 * at the executor's 5 MB per file (open-runtimes/executor app/init.php MAX_LOG_SIZE, read back in
 * src/Executor/Runner/Docker.php) with a note saying so. Bounding it here also keeps a function that
 * logs in a loop from filling the runner's memory.
 */

/** The executor reads at most this many bytes of each log file. */
export const LOG_FILE_LIMIT_BYTES = 5 * 1024 * 1024;

/** Collects lines up to the executor's limit; the runner's own notes always fit. */
export class LogBuffer {
  private readonly lines: string[] = [];
  private readonly notes: string[] = [];
  private bytes = 0;

  /** A line the function wrote (without its newline). */
  push(line: string): void {
    if (this.bytes > LOG_FILE_LIMIT_BYTES) return;
    const text = `${line}\n`;
    this.lines.push(text);
    this.bytes += Buffer.byteLength(text);
  }

  /** A line of the runner's own (a timeout, a crash): kept even past the limit. */
  note(line: string): void {
    this.notes.push(`${line}\n`);
  }

  /** The text the executor would report. */
  text(): string {
    let text = this.lines.join('');
    if (this.bytes > LOG_FILE_LIMIT_BYTES) {
      const cut = Buffer.from(text).subarray(0, LOG_FILE_LIMIT_BYTES).toString();
      text = `${cut}\n[cut at the runtime's ${LOG_FILE_LIMIT_BYTES / 1024 / 1024} MB log limit]\n`;
    }
    return text + this.notes.join('');
  }
}
