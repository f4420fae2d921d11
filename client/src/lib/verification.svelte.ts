/**
 * Whether a verification mail was just sent, and to which address — remembered for this tab
 * (sessionStorage) — so the notice where posting is says "we sent you a link" rather than offering
 * to send one moments after sign-up did.
 */
const KEY = 'agora:verification-sent-to';

class VerificationMail {
  #sentTo = $state<string | null>(read());

  /** The address the last mail went to, or null. */
  get sentTo(): string | null {
    return this.#sentTo;
  }

  /** Whether a mail went to this address in this tab. */
  wasSentTo(email: string | undefined): boolean {
    return !!email && this.#sentTo?.toLowerCase() === email.toLowerCase();
  }

  sent(email: string): void {
    this.#sentTo = email;
    try {
      sessionStorage.setItem(KEY, email);
    } catch {
      // Remembered for this page only.
    }
  }
}

function read(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

/** The tab's record of the verification mail. */
export const verificationMail = new VerificationMail();
