import { IconSets } from './icon-sets.ts';
import { type InitialsOptions, renderInitials } from './initials.ts';
import { renderQrCode } from './qr-code.ts';

/**
 * The Avatars service's images, built once per project (core/project.ts): the icon sets (flags,
 * browsers, credit cards), initials and QR codes, all drawn locally. `getImage`, `getFavicon` and
 * `getScreenshot` fetch the internet, which this server does not; their routes refuse.
 */
export class Avatars {
  readonly icons = new IconSets();

  /** An initials avatar (initials.ts). */
  initials(options: InitialsOptions): Promise<Buffer> {
    return renderInitials(options);
  }

  /** A QR code (qr-code.ts). */
  qrCode(text: string, size: number, margin: number): Promise<Buffer> {
    return renderQrCode(text, size, margin);
  }
}
