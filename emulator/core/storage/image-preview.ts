import sharp, { type Sharp } from 'sharp';
import { AppwriteError } from '../platform/errors.ts';

/**
 * Image transformations for `/preview`, with sharp, in the order Appwrite applies them (SRV
 * Storage/Http/Buckets/Files/Preview/Get.php over utopia-php/image): crop, opacity, background,
 * border, border radius, rotation, then encode. Each step runs on the previous step's output,
 * because sharp would otherwise reorder them inside one pipeline.
 */

/** Output formats and their content types (SRV app/config/storage/outputs.php). */
export const PREVIEW_OUTPUTS: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  avif: 'image/avif',
  gif: 'image/gif',
};

/** Types a preview is made from (SRV app/config/storage/inputs.php); others get an icon. */
export const PREVIEW_INPUTS: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/heic',
  'image/webp',
  'image/gif',
]);

/** Crop anchors (utopia-php/image `Image::getGravityTypes`). */
export const GRAVITIES: readonly string[] = [
  'center',
  'top-left',
  'top',
  'top-right',
  'left',
  'right',
  'bottom-left',
  'bottom',
  'bottom-right',
];

const POSITION: Readonly<Record<string, string>> = {
  center: 'centre',
  'top-left': 'northwest',
  top: 'north',
  'top-right': 'northeast',
  left: 'west',
  right: 'east',
  'bottom-left': 'southwest',
  bottom: 'south',
  'bottom-right': 'southeast',
};

/** The preview parameters, already validated. Colours are hex without `#` (`''` for none). */
export interface PreviewOptions {
  width: number;
  height: number;
  gravity: string;
  quality: number;
  borderWidth: number;
  borderColor: string;
  borderRadius: number;
  opacity: number;
  rotation: number;
  background: string;
  output: string;
}

async function step(image: Sharp): Promise<Sharp> {
  return sharp(await image.png().toBuffer());
}

/** Renders a preview; a source sharp cannot decode is 400 `storage_file_type_unsupported`. */
export async function renderPreview(source: Buffer, o: PreviewOptions): Promise<Buffer> {
  try {
    let image = sharp(source);
    const meta = await image.metadata();
    const width0 = meta.width ?? 1;
    const height0 = meta.height ?? 1;

    if (o.width > 0 || o.height > 0 || o.gravity !== 'center') {
      // Like utopia-php/image crop(): a missing side keeps the aspect ratio, then cover and cut.
      const aspect = width0 / height0;
      let width = o.width || Math.trunc(o.height * aspect);
      let height = o.height || Math.trunc(o.width / aspect);
      if (!width || !height) {
        width = width0;
        height = height0;
      }
      image = await step(
        image.resize(width, height, { fit: 'cover', position: POSITION[o.gravity] ?? 'centre' }),
      );
    }
    if (o.opacity !== 1) {
      const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      for (let i = 3; i < data.length; i += 4)
        data[i] = Math.round((data[i] as number) * o.opacity);
      image = sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } });
      image = await step(image);
    }
    if (o.background) image = await step(image.flatten({ background: `#${o.background}` }));
    if (o.borderWidth > 0) {
      const w = o.borderWidth;
      const background = `#${o.borderColor || '000000'}`;
      image = await step(image.extend({ top: w, bottom: w, left: w, right: w, background }));
    }
    if (o.borderRadius > 0) {
      const { width = 1, height = 1 } = await image.metadata();
      const r = o.borderRadius;
      const mask = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect x="0" y="0" width="${width}" height="${height}" rx="${r}" ry="${r}"/></svg>`,
      );
      image = await step(image.ensureAlpha().composite([{ input: mask, blend: 'dest-in' }]));
    }
    if (o.rotation !== 0) {
      image = await step(
        image.rotate((o.rotation + 360) % 360, { background: { r: 0, g: 0, b: 0, alpha: 0 } }),
      );
    }
    return await encode(image, o.output, o.quality);
  } catch (error) {
    if (error instanceof AppwriteError) throw error;
    throw new AppwriteError(
      'storage_file_type_unsupported',
      'The file could not be read as an image.',
    );
  }
}

function encode(image: Sharp, output: string, quality: number): Promise<Buffer> {
  const q = quality >= 0 ? { quality: Math.max(1, quality) } : {};
  switch (output) {
    case 'png':
      return image.png().toBuffer();
    case 'webp':
      return image.webp(q).toBuffer();
    case 'avif':
      return image.avif(q).toBuffer();
    case 'heic':
      return image.heif({ ...q, compression: 'hevc' }).toBuffer();
    case 'gif':
      return image.gif().toBuffer();
    default:
      return image.jpeg(q).toBuffer();
  }
}
