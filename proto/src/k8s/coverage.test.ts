// Every struct reachable from every served kind has a Kubernetes field number for each of its properties, so a
// new schema field cannot be forgotten by the protobuf codec. Known differences with Kubernetes are listed here:
// a change to either list is a decision to review.
import { coverage, protoMessage } from '@kubets/api';
import { servedKinds } from './served';

const report = coverage(servedKinds().map((k) => ({ schema: k.schema, message: k.message })));

describe('kind schemas against Kubernetes protobuf field numbers', () => {
  it('reaches every struct', () => {
    expect(report.messages.size).toBeGreaterThan(150);
  });

  it('every schema property has a field number (except these kubets-only fields, which protobuf cannot carry)', () => {
    expect(report.missingNumbers.sort()).toEqual([
      // NamespaceCondition has no observedGeneration in Kubernetes
      'io.k8s.api.core.v1.NamespaceCondition.observedGeneration',
      // dataSource (TypedLocalObjectReference) has no namespace in Kubernetes; dataSourceRef does
      'io.k8s.api.core.v1.TypedLocalObjectReference.namespace',
    ]);
  });

  it('schema shapes agree with the proto types', () => {
    expect(report.mismatches).toEqual([]);
  });

  it('lists the Kubernetes fields kubets does not model (a request setting one is refused)', () => {
    expect(report.kubetsLacks.sort()).toEqual([
      'io.k8s.api.authentication.v1.TokenRequestSpec.attestations',
      'io.k8s.api.authorization.v1.ResourceAttributes.fieldSelector',
      'io.k8s.api.authorization.v1.ResourceAttributes.labelSelector',
      'io.k8s.api.autoscaling.v2.HPAScalingRules.tolerance',
      'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerCondition.observedGeneration',
      'io.k8s.api.batch.v1.JobSpec.scheduling',
      'io.k8s.api.core.v1.ClusterTrustBundleProjection.user',
      'io.k8s.api.core.v1.ConfigMapVolumeSource.defaultUser',
      'io.k8s.api.core.v1.Container.restartPolicyRules',
      'io.k8s.api.core.v1.DownwardAPIVolumeFile.user',
      'io.k8s.api.core.v1.DownwardAPIVolumeSource.defaultUser',
      'io.k8s.api.core.v1.EmptyDirVolumeSource.mode',
      'io.k8s.api.core.v1.EnvVarSource.fileKeyRef',
      'io.k8s.api.core.v1.EphemeralContainer.restartPolicyRules',
      'io.k8s.api.core.v1.GRPCAction.mode',
      'io.k8s.api.core.v1.HTTPGetAction.protocol',
      'io.k8s.api.core.v1.KeyToPath.user',
      'io.k8s.api.core.v1.NodeSpec.podPreemptionPolicy',
      'io.k8s.api.core.v1.NodeStatus.declaredFeatures',
      'io.k8s.api.core.v1.PersistentVolumeClaimStatus.healthStatus',
      // legacy in-tree volume plugins (removed upstream, kept in the API): kubets does not model them
      'io.k8s.api.core.v1.PersistentVolumeSpec.cinder',
      'io.k8s.api.core.v1.PersistentVolumeSpec.flexVolume',
      'io.k8s.api.core.v1.PersistentVolumeSpec.flocker',
      'io.k8s.api.core.v1.PersistentVolumeSpec.glusterfs',
      'io.k8s.api.core.v1.PersistentVolumeSpec.photonPersistentDisk',
      'io.k8s.api.core.v1.PersistentVolumeSpec.portworxVolume',
      'io.k8s.api.core.v1.PersistentVolumeSpec.quobyte',
      'io.k8s.api.core.v1.PersistentVolumeSpec.scaleIO',
      'io.k8s.api.core.v1.PersistentVolumeSpec.storageos',
      'io.k8s.api.core.v1.PersistentVolumeSpec.vsphereVolume',
      'io.k8s.api.core.v1.PodSpec.evictionResponders',
      'io.k8s.api.core.v1.PodSpec.hostnameOverride',
      'io.k8s.api.core.v1.PodSpec.schedulingGroup',
      'io.k8s.api.core.v1.PodStatus.allocatedResources',
      'io.k8s.api.core.v1.PodStatus.extendedResourceClaimStatus',
      'io.k8s.api.core.v1.PodStatus.nodeAllocatableResourceClaimStatuses',
      'io.k8s.api.core.v1.PodStatus.resources',
      'io.k8s.api.core.v1.PodStatus.volumeHealth',
      'io.k8s.api.core.v1.ProjectedVolumeSource.defaultUser',
      'io.k8s.api.core.v1.SecretVolumeSource.defaultUser',
      'io.k8s.api.core.v1.ServiceAccountTokenProjection.user',
      'io.k8s.api.core.v1.VolumeMount.bindMountOptions',
      'io.k8s.api.core.v1.VolumeProjection.podCertificate',
    ]);
  });
});

// Field numbers as Kubernetes' generated.proto files declare them (k8s.io/api core/v1, apps/v1;
// k8s.io/apimachinery meta/v1), written out by hand as an independent check of the generated table.
const expected: Record<string, Record<string, number>> = {
  'io.k8s.api.core.v1.Pod': { metadata: 1, spec: 2, status: 3 },
  'io.k8s.api.core.v1.PodSpec': {
    volumes: 1, initContainers: 20, containers: 2, ephemeralContainers: 34, restartPolicy: 3, terminationGracePeriodSeconds: 4,
    activeDeadlineSeconds: 5, dnsPolicy: 6, nodeSelector: 7, serviceAccountName: 8, serviceAccount: 9, automountServiceAccountToken: 21,
    nodeName: 10, hostNetwork: 11, hostPID: 12, hostIPC: 13, shareProcessNamespace: 27, securityContext: 14, imagePullSecrets: 15,
    hostname: 16, subdomain: 17, affinity: 18, schedulerName: 19, tolerations: 22, hostAliases: 23, priorityClassName: 24, priority: 25,
    dnsConfig: 26, readinessGates: 28, runtimeClassName: 29, enableServiceLinks: 30, preemptionPolicy: 31, overhead: 32,
    topologySpreadConstraints: 33, setHostnameAsFQDN: 35, os: 36, hostUsers: 37, schedulingGates: 38, resourceClaims: 39, resources: 40,
  },
  'io.k8s.api.core.v1.Container': {
    name: 1, image: 2, command: 3, args: 4, workingDir: 5, ports: 6, envFrom: 19, env: 7, resources: 8, resizePolicy: 23,
    restartPolicy: 24, volumeMounts: 9, volumeDevices: 21, livenessProbe: 10, readinessProbe: 11, startupProbe: 22, lifecycle: 12,
    terminationMessagePath: 13, terminationMessagePolicy: 20, imagePullPolicy: 14, securityContext: 15, stdin: 16, stdinOnce: 17, tty: 18,
  },
  'io.k8s.api.core.v1.Volume': { name: 1, volumeSource: 2 },
  'io.k8s.api.core.v1.ProjectedVolumeSource': { sources: 1, defaultMode: 2 },
  'io.k8s.api.core.v1.VolumeProjection': { secret: 1, downwardAPI: 2, configMap: 3, serviceAccountToken: 4, clusterTrustBundle: 5 },
  'io.k8s.api.core.v1.ServiceAccountTokenProjection': { audience: 1, expirationSeconds: 2, path: 3 },
  'io.k8s.api.core.v1.Service': { metadata: 1, spec: 2, status: 3 },
  'io.k8s.api.core.v1.ServiceSpec': {
    ports: 1, selector: 2, clusterIP: 3, clusterIPs: 18, type: 4, externalIPs: 5, sessionAffinity: 7, loadBalancerIP: 8,
    loadBalancerSourceRanges: 9, externalName: 10, externalTrafficPolicy: 11, healthCheckNodePort: 12, publishNotReadyAddresses: 13,
    sessionAffinityConfig: 14, ipFamilies: 19, ipFamilyPolicy: 17, allocateLoadBalancerNodePorts: 20, loadBalancerClass: 21,
    internalTrafficPolicy: 22, trafficDistribution: 23,
  },
  'io.k8s.api.core.v1.ServicePort': { name: 1, protocol: 2, appProtocol: 6, port: 3, targetPort: 4, nodePort: 5 },
  'io.k8s.api.apps.v1.Deployment': { metadata: 1, spec: 2, status: 3 },
  'io.k8s.api.apps.v1.DeploymentSpec': { replicas: 1, selector: 2, template: 3, strategy: 4, minReadySeconds: 5, revisionHistoryLimit: 6, paused: 7, progressDeadlineSeconds: 9 },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    name: 1, generateName: 2, namespace: 3, selfLink: 4, uid: 5, resourceVersion: 6, generation: 7, creationTimestamp: 8,
    deletionTimestamp: 9, deletionGracePeriodSeconds: 10, labels: 11, annotations: 12, ownerReferences: 13, finalizers: 14, managedFields: 17,
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta': { selfLink: 1, resourceVersion: 2, continue: 3, remainingItemCount: 4 },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status': { metadata: 1, status: 2, message: 3, reason: 4, details: 5, code: 6 },
  'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent': { type: 1, object: 2 },
};

describe.each(Object.entries(expected))('%s field numbers', (name, fields) => {
  it.each(Object.entries(fields))('%s = %d', (json, num) => {
    expect(protoMessage(name)?.byJson.get(json)?.num).toBe(num);
  });
});
