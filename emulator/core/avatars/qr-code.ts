import { encodeQR } from '@paulmillr/qr';
import sharp from 'sharp';

/**
 * `/avatars/qr` as Appwrite 1.9.5 renders it (SRV src/Appwrite/Platform/Modules/Avatars/Http/QR/
 * Get.php with chillerlan/php-qrcode's defaults): the lowest error-correction level, a quiet zone of
 * `margin` modules, 15 pixels a module, then scaled to `size`×`size` and sent as a PNG. The code
 * itself comes from `@paulmillr/qr` (MIT or Apache-2.0).
 */

/** Pixels per module before the final scaling (the `scale` Appwrite gives chillerlan). */
const MODULE_PIXELS = 15;

/** A QR code of `text` as a `size`×`size` PNG with a quiet zone of `margin` modules. */
export async function renderQrCode(text: string, size: number, margin: number): Promise<Buffer> {
  const modules = encodeQR(text, 'raw', { ecc: 'low', border: margin });
  const side = modules.length * MODULE_PIXELS;
  const pixels = Buffer.alloc(side * side, 255);
  for (const [y, row] of modules.entries()) {
    for (const [x, dark] of row.entries()) {
      if (!dark) continue;
      for (let dy = 0; dy < MODULE_PIXELS; dy++) {
        const start = (y * MODULE_PIXELS + dy) * side + x * MODULE_PIXELS;
        pixels.fill(0, start, start + MODULE_PIXELS);
      }
    }
  }
  return sharp(pixels, { raw: { width: side, height: side, channels: 1 } })
    .resize(size, size)
    .png()
    .toBuffer();
}
