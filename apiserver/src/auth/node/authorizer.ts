// The Node authorizer (--authorization-mode=Node): kubelets (system:node:<name> in system:nodes) may read
// secrets, configmaps, PVCs, PVs and ResourceClaims, and request service account tokens, only for objects that
// pods bound to them reference; may only touch their own lease and CSINode; everything else is checked against
// the static node rules. It never denies: a request it does not allow gets no-opinion (with a reason) and the
// next authorizer in the union (RBAC) decides, as upstream plugin/pkg/auth/authorizer/node/node_authorizer.go.
//
// Matches upstream with the AuthorizeNodeWithSelectors gate off: Attributes carry no field selector, so nodes and
// pods are covered by the node rules (any node may read all nodes and pods) and NodeRestriction limits writes.
import type { Attributes, AuthorizationResult, Authorizer } from '../types';
import { Groups, nodeNameOf, nodeUserPrefix } from '../types';
import type { PolicyRule } from '@kubets/api';
import { rulesAllow } from '../rbac/rule-matching';
import type { NodeGraph, VertexType } from './graph';
import { nodeRules } from './rules';

export const NodeLeaseNamespace = 'kube-node-lease';

const allow: AuthorizationResult = { decision: 'allow', reason: '' };
const noOpinion = (reason = ''): AuthorizationResult => ({ decision: 'no-opinion', reason });
const noRelationship = (node: string): AuthorizationResult => noOpinion(`no relationship found between node '${node}' and this object`);

export class NodeAuthorizer implements Authorizer {
  constructor(
    private readonly graph: NodeGraph,
    private readonly rules: readonly PolicyRule[] = nodeRules,
  ) {}

  authorize(a: Attributes): AuthorizationResult {
    const node = nodeNameOf(a.user);
    if (node === undefined) {
      // a node user whose name we cannot read is rejected with a reason; anyone else is none of our business
      const unidentified = a.user.groups.includes(Groups.nodes) && a.user.name === nodeUserPrefix;
      return noOpinion(unidentified ? `unknown node for user "${a.user.name}"` : '');
    }
    if (a.resourceRequest) {
      const decided = this.subdivided(node, a);
      if (decided) return decided;
    }
    return rulesAllow(a, this.rules) ? allow : noOpinion();
  }

  /** Resources whose access is subdivided per node; undefined: fall through to the node rules. */
  private subdivided(node: string, a: Attributes): AuthorizationResult | undefined {
    switch (`${a.apiGroup}/${a.resource}`) {
      case '/secrets':
        return this.readNamespacedObject(node, 'secret', a);
      case '/configmaps':
        return this.readNamespacedObject(node, 'configmap', a);
      case '/persistentvolumeclaims':
        return a.subresource === 'status' ? this.statusUpdate(node, 'pvc', a) : this.get(node, 'pvc', a);
      case '/persistentvolumes':
        return this.get(node, 'pv', a);
      case 'resource.k8s.io/resourceclaims':
        return this.get(node, 'resourceclaim', a);
      case 'storage.k8s.io/volumeattachments':
        return this.get(node, 'volumeattachment', a);
      case '/serviceaccounts':
        return this.createToken(node, a);
      case 'coordination.k8s.io/leases':
        return this.lease(node, a);
      case 'storage.k8s.io/csinodes':
        return this.csiNode(node, a);
      default:
        return undefined;
    }
  }

  private statusUpdate(node: string, type: VertexType, a: Attributes): AuthorizationResult {
    if (a.verb !== 'update' && a.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    if (a.subresource !== 'status') return noOpinion('can only update status subresource');
    return this.related(node, type, a);
  }

  private get(node: string, type: VertexType, a: Attributes): AuthorizationResult {
    if (a.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (a.subresource) return noOpinion('cannot get subresource');
    return this.related(node, type, a);
  }

  /** get, and list/watch of a single object (a metadata.name field selector names it), as kubelets watch them */
  private readNamespacedObject(node: string, type: VertexType, a: Attributes): AuthorizationResult {
    if (a.verb !== 'get' && a.verb !== 'list' && a.verb !== 'watch') return noOpinion('can only read resources of this type');
    if (a.subresource) return noOpinion('cannot read subresource');
    if (!a.namespace) return noOpinion('can only read namespaced object of this type');
    return this.related(node, type, a);
  }

  private related(node: string, type: VertexType, a: Attributes): AuthorizationResult {
    if (!a.name) return noOpinion('No Object name found');
    return this.graph.hasPath(node, type, a.namespace, a.name) ? allow : noRelationship(node);
  }

  /** Tokens only for service accounts of pods on the node; NodeRestriction checks the pod binding. */
  private createToken(node: string, a: Attributes): AuthorizationResult {
    if (a.verb !== 'create' || !a.name) return noOpinion('can only create tokens for individual service accounts');
    if (a.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
    return this.graph.hasPath(node, 'serviceaccount', a.namespace, a.name) ? allow : noRelationship(node);
  }

  private lease(node: string, a: Attributes): AuthorizationResult {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
    if (a.namespace !== NodeLeaseNamespace) return noOpinion(`can only access leases in the "${NodeLeaseNamespace}" system namespace`);
    // a create names no object in the URL: NodeRestriction checks the lease's name
    if (a.verb !== 'create' && a.name !== node) return noOpinion('can only access node lease with the same name as the requesting node');
    return allow;
  }

  private csiNode(node: string, a: Attributes): AuthorizationResult {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return noOpinion('can only get, create, update, patch, or delete a CSINode');
    if (a.subresource) return noOpinion('cannot authorize CSINode subresources');
    if (a.verb !== 'create' && a.name !== node) return noOpinion('can only access CSINode with the same name as the requesting node');
    return allow;
  }
}
