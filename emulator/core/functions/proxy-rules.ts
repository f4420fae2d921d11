import type { Sql } from '../platform/db.ts';
import { DocTable } from '../platform/doc-table.ts';
import { AppwriteError } from '../platform/errors.ts';
import { isoDate } from '../platform/time.ts';

/**
 * Proxy rules (`/v1/proxy/rules`), kept only as far as appwrite-cli 12 needs them: after creating a
 * function or a site it adds a rule `<unique>.<_APP_DOMAIN_FUNCTIONS|SITES>` and, after each
 * deployment, lists the resource's `manual` rule to print its URL (facts §5.5). A function rule's
 * domain routes to the function (`<domain>:<port>`, http/functions/domains.ts), a site rule's to the
 * site's active deployment (http/sites/serve.ts); `*.localhost` names are this machine.
 */
export interface ProxyRuleDoc {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  domain: string;
  type: 'deployment';
  /** `manual` (a domain someone added), `deployment` (the one Appwrite gives each site deployment). */
  trigger: 'manual' | 'deployment';
  redirectUrl: string;
  redirectStatusCode: number;
  deploymentId: string;
  deploymentResourceType: 'function' | 'site';
  deploymentResourceId: string;
  deploymentVcsProviderBranch: string;
  status: 'verified';
  logs: string;
  renewAt: string;
}

/** The project's proxy rules. */
export class ProxyRuleStore {
  readonly #docs: DocTable<ProxyRuleDoc>;

  constructor(db: Sql) {
    this.#docs = new DocTable(db, 'proxy_rules');
  }

  /** Every rule, oldest first. */
  list(): ProxyRuleDoc[] {
    return this.#docs.all();
  }

  /** Adds a function rule; a domain already in use is 409 `rule_already_exists`. */
  createFunctionRule(id: string, domain: string, functionId: string): ProxyRuleDoc {
    return this.#create(id, domain, 'function', functionId);
  }

  /** Adds a site rule (`POST /proxy/rules/site`); a domain in use is 409 `rule_already_exists`. */
  createSiteRule(id: string, domain: string, siteId: string): ProxyRuleDoc {
    return this.#create(id, domain, 'site', siteId);
  }

  /**
   * Adds the rule Appwrite gives each new site deployment (Sites/Deployments/Create.php: trigger
   * `deployment`, the deployment's own preview domain).
   */
  createDeploymentRule(id: string, domain: string, siteId: string, deploymentId: string) {
    return this.#create(id, domain, 'site', siteId, deploymentId);
  }

  /** The site rule of a domain, or `null`. */
  siteRuleOf(domain: string): ProxyRuleDoc | null {
    return (
      this.list().find((r) => r.domain === domain && r.deploymentResourceType === 'site') ?? null
    );
  }

  /** Deletes the rules of one site deployment (it is being deleted). */
  deleteForDeployment(siteId: string, deploymentId: string): void {
    for (const rule of this.#docs.byParent(`site:${siteId}`)) {
      if (rule.deploymentId === deploymentId) this.#docs.delete(rule.$id);
    }
  }

  #create(
    id: string,
    domain: string,
    kind: ProxyRuleDoc['deploymentResourceType'],
    resourceId: string,
    deploymentId = '',
  ): ProxyRuleDoc {
    if (this.list().some((r) => r.domain === domain)) {
      throw new AppwriteError('rule_already_exists', `The domain '${domain}' already has a rule.`);
    }
    const now = isoDate();
    return this.#docs.put(
      {
        $id: id,
        $createdAt: now,
        $updatedAt: now,
        domain,
        type: 'deployment',
        trigger: deploymentId === '' ? 'manual' : 'deployment',
        redirectUrl: '',
        redirectStatusCode: 301,
        deploymentId,
        deploymentResourceType: kind,
        deploymentResourceId: resourceId,
        deploymentVcsProviderBranch: '',
        status: 'verified',
        logs: '',
        renewAt: '',
      },
      kind === 'function' ? resourceId : `site:${resourceId}`,
    );
  }

  /** The rule, or 404 `rule_not_found`. */
  get(id: string): ProxyRuleDoc {
    const doc = this.#docs.get(id);
    if (!doc) throw new AppwriteError('rule_not_found', `No rule has the id '${id}'.`);
    return doc;
  }

  /** Deletes a rule. */
  delete(id: string): void {
    this.get(id);
    this.#docs.delete(id);
  }

  /** Deletes a site's rules (the site is being deleted). */
  deleteForSite(siteId: string): void {
    this.#docs.deleteByParent(`site:${siteId}`);
  }

  /** Deletes a function's rules (the function is being deleted). */
  deleteForFunction(functionId: string): void {
    this.#docs.deleteByParent(functionId);
  }
}
