import sharp from 'sharp';

/**
 * The pictures a preview falls back to, as Appwrite's do (app/config/storage/logos.php): a file that
 * is not an image gets a generic file icon (a video gets a video icon), and an image too large to
 * transform gets an image icon. Appwrite ships 1200×800 transparent PNGs; ours are drawn here, the
 * same size, and then go through the same resizing and background (`eceff1` by default) as an image.
 */

/** Which fallback picture. */
export type IconKind = 'file' | 'image' | 'video';

const INK = '#90a4ae';

const GLYPHS: Readonly<Record<IconKind, string>> = {
  file: `<path d="M510 250 h130 l70 70 v230 h-200 z" fill="none" stroke="${INK}" stroke-width="18" stroke-linejoin="round"/>
    <path d="M640 250 v70 h70" fill="none" stroke="${INK}" stroke-width="18" stroke-linejoin="round"/>`,
  image: `<rect x="470" y="270" width="260" height="200" rx="16" fill="none" stroke="${INK}" stroke-width="18"/>
    <circle cx="530" cy="330" r="22" fill="${INK}"/>
    <path d="M480 460 l80 -80 l50 50 l40 -40 l70 70 z" fill="${INK}"/>`,
  video: `<rect x="460" y="280" width="280" height="190" rx="20" fill="none" stroke="${INK}" stroke-width="18"/>
    <path d="M570 325 v100 l85 -50 z" fill="${INK}"/>`,
};

const cache = new Map<IconKind, Promise<Buffer>>();

/** The fallback picture as a PNG (rendered once per process). */
export function previewIcon(kind: IconKind): Promise<Buffer> {
  let icon = cache.get(kind);
  if (!icon) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800">${GLYPHS[kind]}</svg>`;
    icon = sharp(Buffer.from(svg)).png().toBuffer();
    cache.set(kind, icon);
  }
  return icon;
}

/** The fallback for a media type that cannot be previewed (Appwrite maps video types to a video icon). */
export function iconFor(mimeType: string): IconKind {
  return mimeType.startsWith('video/') || mimeType === 'application/x-mpegURL' ? 'video' : 'file';
}
