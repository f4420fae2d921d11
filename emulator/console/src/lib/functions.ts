/** Appwrite's Function model, the fields the console shows. */
export interface AppwriteFunction {
  $id: string;
  name: string;
  runtime: string;
  enabled: boolean;
  logging: boolean;
  entrypoint: string;
  commands: string;
  execute: string[];
  events: string[];
  schedule: string;
  timeout: number;
  scopes: string[];
  deploymentId: string;
  latestDeploymentId?: string;
}

/** Appwrite's Execution model. */
export interface Execution {
  $id: string;
  $createdAt: string;
  functionId: string;
  trigger: string;
  status: string;
  requestMethod: string;
  requestPath: string;
  requestHeaders: { name: string; value: string }[];
  responseStatusCode: number;
  responseBody: string;
  responseHeaders: { name: string; value: string }[];
  logs: string;
  errors: string;
  duration: number;
}

/** Headers typed one per line (`Name: value`) as the object Appwrite's createExecution takes. */
export function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}
