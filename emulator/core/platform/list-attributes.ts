/**
 * What each in-memory list lets `queries` filter and sort on, as Appwrite 1.9.5 does: the
 * attributes its validator allows (SRV Utopia/Database/Validator/Queries/<List>.php) that its
 * collection really has (app/config/collections/*.php; Base.php keeps only those), plus `$id`,
 * `$createdAt`, `$updatedAt` and `$sequence` for every list. Anything else is refused while the
 * `queries` param is validated: 400 `general_argument_invalid`.
 */

/** How a value is checked and compared (utopia-php/database's Filter validator, by type). */
export type AttributeKind = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'strings';

/** One attribute: its kind, and the model field it reads when the names differ. */
export type AttributeSpec = AttributeKind | { kind: AttributeKind; field: string };

/** The attributes of one list, by the name a query uses. */
export interface ListAttributes {
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  /** Whether `select` is accepted (only Deployments.php says so); the full model is returned. */
  readonly select?: boolean;
}

const list = (attributes: Record<string, AttributeSpec>, select = false): ListAttributes => ({
  attributes,
  select,
});

/** The lists that run over models in memory (metadata-list.ts), by Appwrite's validator name. */
export const LIST_ATTRIBUTES = {
  databases: list({ name: 'string' }),
  // Tables.php allows `rowSecurity`, which the `collections` collection spells `documentSecurity`;
  // Collections.php (legacy) allows `documentSecurity`. Both read the model's `rowSecurity`.
  tables: list({
    name: 'string',
    enabled: 'boolean',
    documentSecurity: { kind: 'boolean', field: 'rowSecurity' },
  }),
  columns: list({
    key: 'string',
    type: 'string',
    size: 'integer',
    required: 'boolean',
    array: 'boolean',
    status: 'string',
    error: 'string',
  }),
  indexes: list({
    key: 'string',
    type: 'string',
    status: 'string',
    attributes: { kind: 'strings', field: 'columns' },
    error: 'string',
  }),
  functions: list({
    name: 'string',
    enabled: 'boolean',
    runtime: 'string',
    deploymentId: 'string',
    schedule: 'string',
    timeout: 'integer',
    entrypoint: 'string',
    commands: 'string',
    installationId: 'string',
  }),
  sites: list({
    name: 'string',
    enabled: 'boolean',
    framework: 'string',
    deploymentId: 'string',
    buildCommand: 'string',
    installCommand: 'string',
    outputDirectory: 'string',
    installationId: 'string',
  }),
  executions: list({
    trigger: 'string',
    status: 'string',
    responseStatusCode: 'integer',
    duration: 'float',
    requestMethod: 'string',
    requestPath: 'string',
    deploymentId: 'string',
  }),
  variables: list({
    key: 'string',
    resourceType: 'string',
    resourceId: 'string',
    secret: 'boolean',
  }),
  deployments: list(
    {
      buildSize: 'integer',
      sourceSize: 'integer',
      totalSize: 'integer',
      buildDuration: 'integer',
      status: 'string',
      activate: 'boolean',
      type: 'string',
    },
    true,
  ),
  buckets: list({
    enabled: 'boolean',
    name: 'string',
    fileSecurity: 'boolean',
    maximumFileSize: 'integer',
    encryption: 'boolean',
    antivirus: 'boolean',
    transformations: 'boolean',
  }),
  // FileTokens.php allows `expire` on the `files` collection, which has no such attribute.
  fileTokens: list({}),
  webhooks: list({
    name: 'string',
    url: 'string',
    authUsername: 'string',
    tls: 'boolean',
    events: 'strings',
    enabled: 'boolean',
    logs: 'string',
    attempts: 'integer',
  }),
  rules: list({
    domain: 'string',
    type: 'string',
    trigger: 'string',
    deploymentResourceType: 'string',
    deploymentResourceId: 'string',
    deploymentId: 'string',
    deploymentVcsProviderBranch: 'string',
  }),
} as const satisfies Record<string, ListAttributes>;

/** The attributes every list has (Base.php's internal attributes). */
export const INTERNAL_ATTRIBUTES: Readonly<Record<string, AttributeSpec>> = {
  $id: 'string',
  $createdAt: 'datetime',
  $updatedAt: 'datetime',
  $sequence: 'integer',
};
