/**
 * How a route tells the response-format layer which model it answers: it wraps the value it returns,
 *
 *   return asModel('execution', executionModel(doc, request.principal));
 *   return reply.code(201).send(asModel('fileList', { total, files: files.map((f) => asModel('file', fileModel(f), f)) }));
 *
 * The names are Appwrite's (`Response::MODEL_*`). A model that a filter needs more than the model to
 * convert (Appwrite's "raw content": the stored document) is given as `source`, e.g. the stored file
 * (its `folder`) or the project's settings (the policies format 1.9.4 shows flat). The tag is a
 * non-enumerable symbol, so it never reaches the wire, and a spread copy (`{ ...model }`) drops it:
 * wrap the value the route actually sends. Only the models some format converts are named
 * (formats/response-filters.ts); any other answer passes through as the route built it.
 */

/** The item models some response format converts. */
export type ItemModel =
  | 'execution'
  | 'row'
  | 'document'
  | 'function'
  | 'site'
  | 'file'
  | 'webhook'
  | 'project'
  | 'mockNumber'
  | 'membership';

/** Their list envelopes (`{ total, <key>: [...] }`): the key the items are under, and their model. */
export const LISTS = {
  executionList: { key: 'executions', item: 'execution' },
  rowList: { key: 'rows', item: 'row' },
  documentList: { key: 'documents', item: 'document' },
  functionList: { key: 'functions', item: 'function' },
  siteList: { key: 'sites', item: 'site' },
  fileList: { key: 'files', item: 'file' },
  webhookList: { key: 'webhooks', item: 'webhook' },
  membershipList: { key: 'memberships', item: 'membership' },
} as const satisfies Record<string, { key: string; item: ItemModel }>;

export type ListModel = keyof typeof LISTS;
export type ModelName = ItemModel | ListModel;

/** What a route attached to its answer. */
export interface ModelTag {
  model: ModelName;
  source?: unknown;
}

const TAG = Symbol('appwrite.model');

/** Marks `value` as Appwrite model `model` (with its stored `source` when a filter needs it) and returns it. */
export function asModel<T extends object>(model: ModelName, value: T, source?: unknown): T {
  Object.defineProperty(value, TAG, {
    value: source === undefined ? { model } : { model, source },
    enumerable: false,
    configurable: true,
  });
  return value;
}

/** The tag `asModel` attached, or `undefined` for an untagged value. */
export function tagOf(value: unknown): ModelTag | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as { [TAG]?: ModelTag })[TAG];
}

/** Whether a model name is a list envelope. */
export function isListModel(model: ModelName): model is ListModel {
  return Object.hasOwn(LISTS, model);
}
