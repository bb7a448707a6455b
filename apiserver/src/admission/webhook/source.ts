// The webhook configurations admission sees: read from local informers over the watch caches and compiled
// (selectors parsed, matchConditions compiled, configurations sorted by name as upstream) once per change, not
// per request.
import type { KubeObject, LabelSelector, MutatingWebhook, ValidatingWebhook } from '@kubets/api';
import { compileRequirements, labelSelectorFromObject, type CompiledLabelMatcher } from '@kubets/api';
import { compileMatchConditions, type CompiledConditions } from './conditions';

/** What the source needs of an informer (LocalInformer has it). */
export interface ConfigInformer {
  readonly revision: number;
  readonly synced: Promise<void>;
  list(): Iterable<KubeObject>;
}

export type WebhookKind = 'mutating' | 'validating';

/** One webhook of one configuration, ready to match. */
export interface CompiledWebhook {
  /** configuration name + index: identifies the webhook across reinvocation */
  readonly uid: string;
  readonly configurationName: string;
  readonly hook: MutatingWebhook & ValidatingWebhook;
  /** undefined: the selector is empty and selects everything */
  readonly namespaceSelector: CompiledLabelMatcher | undefined;
  readonly objectSelector: CompiledLabelMatcher | undefined;
  readonly matchConditions: CompiledConditions;
}

function compileSelector(sel: LabelSelector | undefined): CompiledLabelMatcher | undefined {
  if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) return undefined;
  return compileRequirements(labelSelectorFromObject(sel));
}

/** Compiles the webhooks of configurations (already validated by the API) in upstream's order. */
export function compileWebhooks(configs: Iterable<KubeObject>): CompiledWebhook[] {
  const sorted = [...configs].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const out: CompiledWebhook[] = [];
  for (const c of sorted) {
    const hooks = (c as { webhooks?: (MutatingWebhook & ValidatingWebhook)[] }).webhooks ?? [];
    hooks.forEach((hook, i) => {
      const configurationName = c.metadata.name ?? '';
      out.push({ uid: `${configurationName}/${i}`, configurationName, hook, namespaceSelector: compileSelector(hook.namespaceSelector), objectSelector: compileSelector(hook.objectSelector), matchConditions: compileMatchConditions(hook.matchConditions, `webhooks[${i}]`) });
    });
  }
  return out;
}

/** Both kinds of configuration; the API server attaches its informers once they exist. */
export class WebhookConfigurationSource {
  private readonly informers = new Map<WebhookKind, ConfigInformer>();
  private readonly compiled = new Map<WebhookKind, { revision: number; hooks: CompiledWebhook[] }>();

  watch(kind: WebhookKind, informer: ConfigInformer): void {
    this.informers.set(kind, informer);
    this.compiled.delete(kind);
  }

  /** The compiled webhooks of one kind; waits for the first list so that no request slips past at startup. */
  async webhooks(kind: WebhookKind): Promise<CompiledWebhook[]> {
    const inf = this.informers.get(kind);
    if (!inf) return [];
    await inf.synced;
    const have = this.compiled.get(kind);
    if (have && have.revision === inf.revision) return have.hooks;
    const hooks = compileWebhooks(inf.list());
    this.compiled.set(kind, { revision: inf.revision, hooks });
    return hooks;
  }
}
