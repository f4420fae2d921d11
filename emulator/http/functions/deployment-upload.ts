import type { FastifyRequest } from 'fastify';
import type { UploadedCode } from '../../core/functions/deployment-upload.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { metadataPage } from '../platform/metadata-page.ts';
import type { FormBody } from '../platform/multipart.ts';
import { optionalBoolean } from '../platform/params.ts';

/**
 * What `POST /functions/{id}/deployments` and `POST /sites/{id}/deployments` read alike (SRV
 * Modules/Functions|Sites/Http/Deployments/Create.php): the code, single or chunked with
 * `Content-Range` + `X-Appwrite-ID` as appwrite-cli and the SDKs send it, and `activate`; and how
 * both list deployments.
 */

/** A request header's first value. */
export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A text field of the form, `null` when absent; not text or over `maxLength` is 400 naming it. */
export function formText(form: FormBody, name: string, maxLength = Infinity): string | null {
  const value = form.fields[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param.`);
  }
  return value;
}

/** The code part of an upload request, and who sent it (`cli` is recorded as Appwrite does). */
export function uploadedCode(
  request: FastifyRequest,
  form: FormBody,
): UploadedCode & { activate: boolean; type: 'cli' | 'manual' } {
  return {
    activate: optionalBoolean(form.fields, 'activate', false),
    file: form.files.get('code') ?? form.files.values().next().value ?? null,
    contentRange: header(request, 'content-range'),
    appwriteId: header(request, 'x-appwrite-id'),
    type: header(request, 'x-sdk-language') === 'cli' ? 'cli' : 'manual',
  };
}

/** The DeploymentList model of a function's or site's deployments, filtered by the request query. */
export function deploymentList(
  models: Record<string, unknown>[],
  query: Record<string, unknown>,
): { total: number; deployments: Record<string, unknown>[] } {
  const { total, items } = metadataPage(models, query, LIST_ATTRIBUTES.deployments, query.search);
  return { total, deployments: items };
}
