/**
 * A file's media type, as Appwrite records it in `mimeType`. Appwrite asks libmagic (PHP's finfo) about
 * the stored bytes; locally the common formats are recognised by their magic bytes, then by the name's
 * extension, then text versus binary — enough for previews, `/view` and the SDK's `mimeType`.
 */

/** Magic-byte signatures: offset, bytes, type. Checked in order. */
const SIGNATURES: ReadonlyArray<{ at: number; bytes: number[]; type: string }> = [
  { at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: 'image/png' },
  { at: 0, bytes: [0xff, 0xd8, 0xff], type: 'image/jpeg' },
  { at: 0, bytes: [0x47, 0x49, 0x46, 0x38], type: 'image/gif' },
  { at: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], type: 'application/pdf' },
  { at: 0, bytes: [0x42, 0x4d], type: 'image/bmp' },
  { at: 0, bytes: [0x1f, 0x8b], type: 'application/gzip' },
  { at: 0, bytes: [0x50, 0x4b, 0x03, 0x04], type: 'application/zip' },
  { at: 0, bytes: [0x49, 0x44, 0x33], type: 'audio/mpeg' },
  { at: 0, bytes: [0x4f, 0x67, 0x67, 0x53], type: 'audio/ogg' },
  { at: 0, bytes: [0x1a, 0x45, 0xdf, 0xa3], type: 'video/webm' },
  { at: 0, bytes: [0x49, 0x49, 0x2a, 0x00], type: 'image/tiff' },
  { at: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a], type: 'image/tiff' },
];

/** ISO media (`....ftyp<brand>`): the brand says which kind. */
const FTYP_BRANDS: Readonly<Record<string, string>> = {
  avif: 'image/avif',
  avis: 'image/avif',
  heic: 'image/heic',
  heix: 'image/heic',
  mif1: 'image/heic',
  msf1: 'image/heic-sequence',
  hevc: 'image/heic-sequence',
  qt: 'video/quicktime',
  M4A: 'audio/mp4',
  '3gp4': 'video/3gpp',
  '3gp5': 'video/3gpp',
};

/** By extension, for what magic bytes cannot tell (text formats, mostly). */
const BY_EXTENSION: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  xml: 'text/xml',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  wav: 'audio/x-wav',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

function startsWith(head: Buffer, at: number, bytes: number[]): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((b, i) => head[at + i] === b);
}

/** The lower-case extension of a file name, without the dot (`''` when there is none). */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * Detects the media type from the first bytes of the content (`head`, a few KiB is plenty) and the
 * original file name.
 */
export function detectMimeType(head: Buffer, name: string): string {
  for (const s of SIGNATURES) if (startsWith(head, s.at, s.bytes)) return s.type;
  if (startsWith(head, 0, [0x52, 0x49, 0x46, 0x46]) && head.length >= 12) {
    const kind = head.subarray(8, 12).toString('latin1');
    if (kind === 'WEBP') return 'image/webp';
    if (kind === 'WAVE') return 'audio/x-wav';
    if (kind === 'AVI ') return 'video/x-msvideo';
  }
  if (head.length >= 12 && head.subarray(4, 8).toString('latin1') === 'ftyp') {
    const brand = head.subarray(8, 12).toString('latin1').trim();
    return FTYP_BRANDS[brand] ?? 'video/mp4';
  }
  const text = looksLikeText(head);
  if (text) {
    const start = head.subarray(0, 512).toString('utf8').trimStart().toLowerCase();
    if (start.startsWith('<svg') || (start.startsWith('<?xml') && start.includes('<svg'))) {
      return 'image/svg+xml';
    }
    if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'text/html';
  }
  const byName = BY_EXTENSION[extensionOf(name)];
  if (byName) return byName;
  return text ? 'text/plain' : 'application/octet-stream';
}

/** Text has no NUL bytes and decodes as UTF-8 (an empty file counts as text, as libmagic says). */
function looksLikeText(head: Buffer): boolean {
  const sample = head.subarray(0, 4096);
  if (sample.includes(0)) return false;
  // A multi-byte character cut at the sample's end is not a reason to call it binary.
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(sample);
  const bad = decoded.slice(0, -1).includes('\uFFFD');
  return !bad;
}

/**
 * The types `/view` serves as themselves (Appwrite's app/config/storage/mimes.php: images, audio,
 * video, office documents, PDF). Anything else — SVG, HTML, JSON, text — is served as `text/plain`,
 * so an uploaded page or SVG never runs as a document of the API's origin.
 */
export const VIEWABLE_MIME_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/gif',
  'image/png',
  'image/webp',
  'image/heic',
  'image/heic-sequence',
  'image/avif',
  'video/mp4',
  'video/x-flv',
  'video/webm',
  'application/x-mpegURL',
  'video/MP2T',
  'video/3gpp',
  'video/quicktime',
  'video/x-msvideo',
  'video/x-ms-wmv',
  'audio/basic',
  'auido/L24',
  'audio/mid',
  'audio/mpeg',
  'audio/mp4',
  'audio/x-aiff',
  'audio/x-mpegurl',
  'audio/vnd.rn-realaudio',
  'audio/ogg',
  'audio/vorbis',
  'audio/vnd.wav',
  'audio/x-wav',
  'audio/aac',
  'audio/x-hx-aac-adts',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  'application/vnd.ms-word.document.macroEnabled.12',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  'application/vnd.ms-excel.sheet.macroEnabled.12',
  'application/vnd.ms-excel.template.macroEnabled.12',
  'application/vnd.ms-excel.addin.macroEnabled.12',
  'application/vnd.ms-excel.sheet.binary.macroEnabled.12',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.template',
  'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  'application/vnd.ms-powerpoint.addin.macroEnabled.12',
  'application/vnd.ms-powerpoint.presentation.macroEnabled.12',
  'application/vnd.ms-powerpoint.template.macroEnabled.12',
  'application/vnd.ms-powerpoint.slideshow.macroEnabled.12',
  'application/vnd.ms-access',
  'application/pdf',
]);
