import { imageWork } from '../platform/work-gate.ts';
import { type IconSetName, IconSets } from './icon-sets.ts';
import { type InitialsOptions, renderInitials } from './initials.ts';
import { renderQrCode } from './qr-code.ts';

/**
 * The Avatars service's images, built once per project (core/project.ts): the icon sets (flags,
 * browsers, credit cards), initials and QR codes, all drawn locally. `getImage`, `getFavicon` and
 * `getScreenshot` fetch the internet, which this server does not; their routes refuse.
 *
 * Every drawing waits its turn at the process's image gate (core/platform/work-gate.ts), so a flood of
 * the largest images holds at most two of libuv's threads, and one past the queue is 429.
 */
export class Avatars {
  readonly icons = new IconSets();

  /** A flag, browser or credit-card icon (icon-sets.ts); the caller checks the code first. */
  icon(set: IconSetName, code: string, width: number, height: number): Promise<Buffer> {
    return imageWork.run(() => this.icons.render(set, code, width, height));
  }

  /** An initials avatar (initials.ts). */
  initials(options: InitialsOptions): Promise<Buffer> {
    return imageWork.run(() => renderInitials(options));
  }

  /** A QR code (qr-code.ts). */
  qrCode(text: string, size: number, margin: number): Promise<Buffer> {
    return imageWork.run(() => renderQrCode(text, size, margin));
  }
}
