import type { FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';

/** A request's parameters and uploaded files, whichever way the body came. */
export interface FormBody {
  /** Text fields; `name[]` fields (how the SDKs send arrays) are gathered under `name` as arrays. */
  fields: Record<string, unknown>;
  /** File parts by field name. */
  files: Map<string, { name: string; data: Buffer }>;
}

/**
 * Reads a multipart/form-data body (the SDKs' upload format) with the platform's own parser (undici's
 * `Response.formData()`, which Node ships), so no multipart dependency is needed. The body arrives as
 * a Buffer (http/platform/body.ts leaves unknown types raw; the app's body limit bounds it). A JSON or form body
 * is accepted too, without files. A body that does not parse is 400 `general_argument_invalid`.
 */
export async function readFormBody(request: FastifyRequest): Promise<FormBody> {
  const type = request.headers['content-type'] ?? '';
  const body = request.body;
  if (!type.toLowerCase().startsWith('multipart/form-data') || !Buffer.isBuffer(body)) {
    const fields = body && typeof body === 'object' && !Buffer.isBuffer(body) ? body : {};
    return { fields: fields as Record<string, unknown>, files: new Map() };
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new AppwriteError('general_argument_invalid', 'The multipart body could not be read.');
  }
  const fields: Record<string, unknown> = {};
  const files = new Map<string, { name: string; data: Buffer }>();
  for (const [key, value] of form.entries()) {
    if (typeof value !== 'string') {
      files.set(key, { name: value.name, data: Buffer.from(await value.arrayBuffer()) });
    } else if (key.endsWith('[]')) {
      const name = key.slice(0, -2);
      const list = Array.isArray(fields[name]) ? (fields[name] as unknown[]) : [];
      list.push(value);
      fields[name] = list;
    } else {
      fields[key] = value;
    }
  }
  return { fields, files };
}
