import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { resolveId } from '../../core/platform/ids.ts';
import { LIST_ATTRIBUTES } from '../../core/platform/list-attributes.ts';
import { parsePermissions, TABLE_ACTIONS } from '../../core/platform/permissions.ts';
import {
  type Bucket,
  type BucketInput,
  bucketModel,
  COMPRESSIONS,
  STORAGE_LIMIT,
} from '../../core/storage/buckets.ts';
import type { Storage } from '../../core/storage/service.ts';
import { requireScope } from '../platform/context.ts';
import { metadataPage } from '../platform/metadata-page.ts';
import {
  optionalBoolean,
  optionalInteger,
  optionalString,
  requiredString,
  stringArray,
} from '../platform/params.ts';

type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest): Body {
  const body = request.body;
  return body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Body) : {};
}

/**
 * Reads a bucket's settings as Appwrite's create and update routes do (SRV Storage/Http/Buckets/
 * Create.php, Update.php). Update is a PUT: `fileSecurity`, `enabled`, `allowedFileExtensions`,
 * `antivirus` and `transformations` fall back to Appwrite's defaults, not to the current values;
 * `permissions`, `maximumFileSize`, `compression` and `encryption` keep the current ones.
 */
export function readBucketInput(body: Body, current: Bucket | null): BucketInput {
  const name = requiredString(body, 'name', 1, 128);
  const permissions =
    parsePermissions(body.permissions, TABLE_ACTIONS) ?? current?.permissions ?? [];
  const extensions = stringArray(body, 'allowedFileExtensions', []);
  if (extensions.length > 100 || extensions.some((e) => e.length > 64)) {
    throw new AppwriteError(
      'general_argument_invalid',
      'Invalid `allowedFileExtensions` param: at most 100 extensions of at most 64 characters.',
    );
  }
  const compression = optionalString(body, 'compression', current?.compression ?? 'none');
  if (!COMPRESSIONS.includes(compression)) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Invalid \`compression\` param: must be one of ${COMPRESSIONS.join(', ')}.`,
    );
  }
  return {
    name,
    permissions,
    fileSecurity: optionalBoolean(body, 'fileSecurity', false),
    enabled: optionalBoolean(body, 'enabled', true),
    maximumFileSize: optionalInteger(
      body,
      'maximumFileSize',
      current?.maximumFileSize ?? STORAGE_LIMIT,
      1,
      STORAGE_LIMIT,
    ),
    allowedFileExtensions: extensions,
    compression,
    encryption: optionalBoolean(body, 'encryption', current?.encryption ?? true),
    antivirus: optionalBoolean(body, 'antivirus', true),
    transformations: optionalBoolean(body, 'transformations', true),
  };
}

/** Buckets: `GET|POST /storage/buckets`, `GET|PUT|DELETE /storage/buckets/{bucketId}` (keys only). */
export function registerBucketRoutes(app: FastifyInstance, storage: Storage): void {
  const model = (bucket: Bucket) => bucketModel(bucket, storage.files.totalSize(bucket.seq));

  app.get('/storage/buckets', async (request) => {
    requireScope(request, 'buckets.read');
    const query = request.query as Body;
    const search = optionalString(query, 'search', '', 256);
    const all = storage.buckets.all().map(model);
    const { total, items } = metadataPage(all, query, LIST_ATTRIBUTES.buckets, search);
    return { total: Math.min(total, 5000), buckets: items };
  });

  app.post('/storage/buckets', async (request, reply) => {
    requireScope(request, 'buckets.write');
    const body = bodyOf(request);
    const id = resolveId(requiredString(body, 'bucketId', 1, 36));
    if (!id) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `bucketId` param: use unique() or up to 36 letters, digits, ".", "-" and "_", not starting with a special character.',
      );
    }
    const bucket = storage.buckets.create(id, readBucketInput(body, null));
    return reply.code(201).send(model(bucket));
  });

  app.get('/storage/buckets/:bucketId', async (request) => {
    requireScope(request, 'buckets.read');
    const { bucketId } = request.params as { bucketId: string };
    return model(storage.buckets.require(bucketId));
  });

  app.put('/storage/buckets/:bucketId', async (request) => {
    requireScope(request, 'buckets.write');
    const { bucketId } = request.params as { bucketId: string };
    const current = storage.buckets.require(bucketId);
    return model(storage.buckets.update(bucketId, readBucketInput(bodyOf(request), current)));
  });

  app.delete('/storage/buckets/:bucketId', async (request, reply) => {
    requireScope(request, 'buckets.write');
    const { bucketId } = request.params as { bucketId: string };
    storage.deleteBucket(bucketId);
    return reply.code(204).send();
  });
}
