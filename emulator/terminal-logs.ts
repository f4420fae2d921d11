import type { EventBus } from './core/platform/events.ts';

/**
 * Prints each finished execution to the terminal, every line prefixed with its function's id, so a
 * developer watching `npm start` sees what their functions log as they run (`--function-logs`).
 * Appwrite shows the same in the console's execution view; locally the terminal is that view.
 */
export function printExecutionLogs(events: EventBus, write: (line: string) => void): () => void {
  const printed = new Set<string>();
  return events.subscribe((event) => {
    if (!/^functions\.\[functionId\]\.executions\.\[executionId\]\./.test(event.pattern)) return;
    const execution = event.payload;
    const status = String(execution.status);
    const id = String(execution.$id);
    if ((status !== 'completed' && status !== 'failed') || printed.has(id)) return;
    printed.add(id);
    if (printed.size > 10_000) printed.clear();

    const prefix = `[${String(execution.functionId)}]`;
    const ms = Math.round(Number(execution.duration) * 1000);
    write(
      `${prefix} ${execution.trigger} ${execution.requestMethod} ${execution.requestPath} → ${execution.responseStatusCode} in ${ms} ms`,
    );
    for (const line of lines(execution.logs)) write(`${prefix}   ${line}`);
    for (const line of lines(execution.errors)) write(`${prefix} ! ${line}`);
  });
}

function lines(text: unknown): string[] {
  return typeof text === 'string' && text !== '' ? text.replace(/\n$/, '').split('\n') : [];
}
