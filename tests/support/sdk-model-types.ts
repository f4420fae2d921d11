import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The model types an Appwrite SDK declares, read from its own `.d.ts` at test time (never copied by
 * hand), so a format test checks the server against what that SDK reads: node-appwrite 27.1.0
 * (format 1.9.5) and web SDK 26.2.0 / 27.0.0 / 28.0.0 (formats 1.9.5 / 2.0.0 / 2.3.0), installed side
 * by side as `appwrite26|27|28`.
 *
 * Each SDK declares `export declare namespace Models { … export type File = { /** doc *\/ name: type; … }; }`:
 * one field a line, `?` when optional. Intersections (`DefaultRow = Row & {…}`) and generics'
 * defaults are not followed: a model is the fields written in its own braces.
 */

export interface FieldType {
  /** The TypeScript type as written (`string`, `number`, `string[]`, `ExecutionResourceType`…). */
  type: string;
  optional: boolean;
}

export type ModelType = Map<string, FieldType>;

const ROOT = resolve(import.meta.dirname, '../../node_modules');

/** Where each SDK keeps its models. */
export const SDK_MODEL_FILES = {
  'node-appwrite': 'node-appwrite/dist/models.d.ts',
  appwrite26: 'appwrite26/types/models.d.ts',
  appwrite27: 'appwrite27/types/models.d.ts',
  appwrite28: 'appwrite28/types/models.d.ts',
} as const;

export type Sdk = keyof typeof SDK_MODEL_FILES;

const cache = new Map<Sdk, Map<string, ModelType>>();

/** Parses the `Models` namespace of one `.d.ts` text. */
export function parseModelTypes(text: string): Map<string, ModelType> {
  const models = new Map<string, ModelType>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^ {4}export type (\w+)(?:<.*>)? = \{\s*$/.exec(lines[i] ?? '');
    if (!head) continue;
    const fields: ModelType = new Map();
    for (i++; i < lines.length && !/^ {4}\};/.test(lines[i] ?? ''); i++) {
      const field = /^ {8}('?[$\w]+'?)(\?)?: (.+);$/.exec(lines[i] ?? '');
      if (field) {
        fields.set((field[1] ?? '').replace(/'/g, ''), {
          type: field[3] ?? '',
          optional: field[2] === '?',
        });
      }
    }
    models.set(head[1] ?? '', fields);
  }
  return models;
}

/** The model `name` as `sdk` declares it; throws when the SDK has no such model. */
export function sdkModel(sdk: Sdk, name: string): ModelType {
  let models = cache.get(sdk);
  if (!models) {
    models = parseModelTypes(readFileSync(resolve(ROOT, SDK_MODEL_FILES[sdk]), 'utf8'));
    cache.set(sdk, models);
  }
  const model = models.get(name);
  if (!model || model.size === 0) throw new Error(`${sdk} declares no model ${name}`);
  return new Map(model);
}

/** Whether `value` has the TypeScript type `type`, for the types a model field can be checked by. */
function matches(value: unknown, type: string): boolean | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    default:
      return undefined; // enums, other models, records: the field's presence is what is checked
  }
}

/**
 * What is wrong with `model` as an instance of `type`: a required field missing, a field the type
 * does not declare (other than `extra`, e.g. a row's own columns), or a primitive of the wrong kind.
 * Empty when it fits.
 */
export function misfits(
  model: Record<string, unknown>,
  type: ModelType,
  extra: readonly string[] = [],
): string[] {
  const problems: string[] = [];
  for (const [name, field] of type) {
    if (!(name in model)) {
      if (!field.optional) problems.push(`missing ${name}`);
      continue;
    }
    if (matches(model[name], field.type) === false) {
      problems.push(`${name} is ${JSON.stringify(model[name])}, not ${field.type}`);
    }
  }
  for (const name of Object.keys(model)) {
    if (!type.has(name) && !extra.includes(name)) problems.push(`undeclared ${name}`);
  }
  return problems;
}
