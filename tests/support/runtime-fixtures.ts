/**
 * Tiny function deployments for the runner's tests: each is a folder in a temp dir with a
 * package.json (ES module or CommonJS) and its entry file, as an unpacked Appwrite deployment.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionRequest } from '../../emulator/runtime/types.ts';

/** A temp folder that holds one deployment folder per fixture function. */
export class FixtureDir {
  private constructor(readonly root: string) {}

  static async create(): Promise<FixtureDir> {
    return new FixtureDir(await mkdtemp(join(tmpdir(), 'agora-runtime-')));
  }

  /**
   * Writes `source` as the deployment's `main.js` (or `entrypoint`) and returns the request base
   * for it. `type` decides how Node reads .js files, as the deployment's package.json does.
   */
  async deploy(
    id: string,
    source: string,
    options: { type?: 'module' | 'commonjs'; entrypoint?: string } = {},
  ): Promise<ExecutionRequest> {
    const entrypoint = options.entrypoint ?? 'main.js';
    const deploymentPath = join(this.root, id);
    await mkdir(join(deploymentPath, entrypoint, '..'), { recursive: true });
    await writeFile(
      join(deploymentPath, 'package.json'),
      JSON.stringify({ type: options.type ?? 'module' }),
    );
    await writeFile(join(deploymentPath, entrypoint), source);
    return request({ functionId: id, deploymentId: `${id}-1`, deploymentPath, entrypoint });
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** A GET / with no body, 5 s timeout, overridable field by field. */
export function request(
  fields: Pick<ExecutionRequest, 'functionId' | 'deploymentId' | 'deploymentPath' | 'entrypoint'> &
    Partial<ExecutionRequest>,
): ExecutionRequest {
  return { env: {}, timeoutSeconds: 5, method: 'GET', path: '/', headers: {}, ...fields };
}

/** True while a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
