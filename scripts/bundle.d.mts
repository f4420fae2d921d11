/** Types of scripts/bundle.mjs (plain JavaScript: it runs before anything compiles TypeScript). */

/** Where the bundles and build records go (git-ignored with node_modules/). */
export declare const BUNDLE_CACHE: string;
export declare function bundleFiles(
  entry: string,
  cache?: string,
): { bundle: string; manifest: string };
export declare function buildIsStale(
  recordFile: string,
  outputs: readonly string[],
  expected?: Record<string, unknown>,
): boolean;
export declare function writeBuildRecord(
  recordFile: string,
  builtAt: number,
  inputs: readonly string[],
  extra?: Record<string, unknown>,
): void;
export declare function bundleIsStale(entry: string, cache?: string): boolean;
export declare function buildBundle(entry: string, cache?: string): Promise<string>;
export declare function ensureBundle(
  entry: string,
  cache?: string,
): Promise<{ bundle: string; built: boolean }>;
