import { ApiError, toApiError } from './api-error.ts';
import { messageFor } from './error-messages.ts';

/**
 * Toasts: short messages in plain words, announced by a live region (<Toasts /> in App.svelte).
 * Errors stay 7 s, others 4 s; each can be dismissed.
 *
 *   import { toasts } from './lib/toasts.svelte.ts';
 *   toasts.success('Saved.');  toasts.info('Link sent.');  toasts.error(caught);  // any thrown value
 */
export type ToastKind = 'success' | 'info' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

class Toasts {
  items = $state.raw<Toast[]>([]);
  #next = 1;

  show(message: string, kind: ToastKind = 'info', ms = kind === 'error' ? 7000 : 4000): number {
    const id = this.#next++;
    // The same message twice in a row (a retried click) shows once.
    this.items = [
      ...this.items.filter((toast) => toast.message !== message),
      { id, kind, message },
    ];
    if (ms > 0) setTimeout(() => this.dismiss(id), ms);
    return id;
  }

  success(message: string): number {
    return this.show(message, 'success');
  }

  info(message: string): number {
    return this.show(message, 'info');
  }

  /**
   * Shows the plain-words message for any thrown value (see error-messages.ts); nothing for an
   * error already handled (an expired session, which has its own message).
   */
  error(error: unknown): number {
    if (error instanceof ApiError && error.handled) return -1;
    const message = typeof error === 'string' ? error : messageFor(toApiError(error));
    return this.show(message, 'error');
  }

  dismiss(id: number): void {
    this.items = this.items.filter((toast) => toast.id !== id);
  }
}

/** The app's toasts. */
export const toasts = new Toasts();
