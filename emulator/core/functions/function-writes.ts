import type { AppwriteEvent } from '../platform/events.ts';
import { isoDate } from '../platform/time.ts';
import type { DeploymentDoc, DeploymentStore, DeploymentUpload } from './deployments.ts';
import type { ExecutionStore } from './executions.ts';
import {
  type FunctionDoc,
  type FunctionSettings,
  type FunctionStore,
  type VariableDoc,
  variableModel,
} from './functions.ts';
import type { ProxyRuleStore } from './proxy-rules.ts';

/**
 * The writes of the Functions API that Appwrite announces — functions, their variables and
 * deployments — each publishing its event once it has written, as Appwrite's routes label them
 * (`functions.[functionId].create`, `….variables.[variableId].update`,
 * `….deployments.[deploymentId].create`...). Only the console may read these, so they carry no read
 * roles. The stores below stay silent: start-up (appwrite.json) and internal moves (a build marking a
 * deployment ready) write through them without announcing, as Appwrite's workers do.
 */
export class FunctionWrites {
  readonly #functions: FunctionStore;
  readonly #deployments: DeploymentStore;
  readonly #executions: ExecutionStore;
  readonly #rules: ProxyRuleStore;
  readonly #publish: (event: AppwriteEvent) => void;

  constructor(stores: {
    functions: FunctionStore;
    deployments: DeploymentStore;
    executions: ExecutionStore;
    rules: ProxyRuleStore;
    publish: (event: AppwriteEvent) => void;
  }) {
    this.#functions = stores.functions;
    this.#deployments = stores.deployments;
    this.#executions = stores.executions;
    this.#rules = stores.rules;
    this.#publish = stores.publish;
  }

  /** `POST /functions`. */
  createFunction(functionId: string, settings: FunctionSettings): FunctionDoc {
    const fn = this.#functions.create(functionId, settings);
    this.#announce('functions.[functionId].create', { functionId }, this.#functions.model(fn));
    return fn;
  }

  /**
   * `PUT /functions/{functionId}`. Settings the deployment was built with changed (entrypoint,
   * commands, runtime): Appwrite reports the function as not live until it is deployed again.
   */
  updateFunction(functionId: string, settings: FunctionSettings): FunctionDoc {
    const current = this.#functions.get(functionId);
    const live =
      current.live &&
      settings.entrypoint === current.entrypoint &&
      settings.commands === current.commands &&
      settings.runtime === current.runtime;
    const fn = this.#functions.patch(functionId, { ...settings, live });
    this.#announce('functions.[functionId].update', { functionId }, this.#functions.model(fn));
    return fn;
  }

  /** `DELETE /functions/{functionId}`: the function with its deployments, executions and rules. */
  deleteFunction(functionId: string): void {
    const gone = this.#functions.model(this.#functions.get(functionId));
    this.#functions.delete(functionId);
    this.#deployments.deleteAll(functionId);
    this.#executions.deleteAll(functionId);
    this.#rules.deleteForFunction(functionId);
    this.#announce('functions.[functionId].delete', { functionId }, gone);
  }

  /** A variable of a function (announced) or of the project (`owner` null: no event, as Appwrite). */
  createVariable(
    owner: string | null,
    variableId: string,
    fields: { key: string; value: string; secret: boolean },
  ): VariableDoc {
    const variable = this.#functions.createVariable(owner, variableId, fields);
    this.#announceVariable(owner, variable, 'create');
    return variable;
  }

  updateVariable(
    owner: string | null,
    variableId: string,
    fields: { key: string; value: string | undefined; secret: boolean | undefined },
  ): VariableDoc {
    const variable = this.#functions.updateVariable(owner, variableId, fields);
    this.#announceVariable(owner, variable, 'update');
    return variable;
  }

  deleteVariable(owner: string | null, variableId: string): void {
    const gone = this.#functions.variable(owner, variableId);
    this.#functions.deleteVariable(owner, variableId);
    this.#announceVariable(owner, gone, 'delete');
  }

  /**
   * `POST /functions/{functionId}/deployments`, one chunk at a time: announced once the code is
   * whole, as Appwrite does (not for each chunk).
   */
  async uploadDeployment(input: DeploymentUpload): Promise<DeploymentDoc> {
    const deployment = await this.#deployments.upload(input);
    if (deployment.sourceChunksUploaded >= deployment.sourceChunksTotal) {
      this.#announceDeployment(input.functionId, deployment.$id, 'create');
    }
    return deployment;
  }

  /** `DELETE /functions/{functionId}/deployments/{deploymentId}`. */
  deleteDeployment(functionId: string, deploymentId: string): void {
    const gone = this.#deployments.model(this.#deployments.get(functionId, deploymentId));
    this.#deployments.delete(functionId, deploymentId);
    this.#announce(
      'functions.[functionId].deployments.[deploymentId].delete',
      { functionId, deploymentId },
      gone,
    );
  }

  /** `PATCH /functions/{functionId}/deployment`: the function now runs this deployment. */
  activateDeployment(functionId: string, deploymentId: string): FunctionDoc {
    const fn = this.#deployments.activate(functionId, deploymentId);
    this.#announceDeployment(functionId, deploymentId, 'update');
    return fn;
  }

  #announceVariable(owner: string | null, variable: VariableDoc, action: string): void {
    if (owner === null) return;
    this.#announce(
      `functions.[functionId].variables.[variableId].${action}`,
      { functionId: owner, variableId: variable.$id },
      { ...variableModel(variable) },
    );
  }

  #announceDeployment(functionId: string, deploymentId: string, action: string): void {
    this.#announce(
      `functions.[functionId].deployments.[deploymentId].${action}`,
      { functionId, deploymentId },
      this.#deployments.model(this.#deployments.get(functionId, deploymentId)),
    );
  }

  #announce(pattern: string, params: Record<string, string>, payload: Record<string, unknown>) {
    this.#publish({ pattern, params, payload, readRoles: [], timestamp: isoDate() });
  }
}
