// core/v1 PodSpec, PodTemplateSpec and PodStatus (shared by Pod and every workload template).
import { Type, Struct, Opt, StringMap, Time, MergeList, AtomicList, Enum, type Static } from '../../schema/builders';
import { ObjectMetaSchema } from '../../meta/schemas';
import { ContainerSchema, EphemeralContainerSchema, ResourceListSchema, ResourceRequirementsSchema, SELinuxOptionsSchema, SeccompProfileSchema, AppArmorProfileSchema, WindowsSecurityContextOptionsSchema } from './container';
import { VolumeSchema } from './volume';
import { AffinitySchema, TolerationSchema, TopologySpreadConstraintSchema } from './affinity';
import { Def, With, Int32, Int64, Str, Bool } from '../common';

export const LocalObjectReferenceSchema = Struct(
  'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.',
  { name: Opt(Str(), 'Name of the referent.') },
  { $id: 'io.k8s.api.core.v1.LocalObjectReference', 'x-kubernetes-map-type': 'atomic' },
);

export const SysctlSchema = Struct('Sysctl defines a kernel parameter to be set', { name: Str(), value: Str() }, { $id: 'io.k8s.api.core.v1.Sysctl' });

export const PodSecurityContextSchema = Struct(
  'PodSecurityContext holds pod-level security attributes and common container settings.',
  {
    seLinuxOptions: Opt(SELinuxOptionsSchema),
    windowsOptions: Opt(WindowsSecurityContextOptionsSchema),
    runAsUser: Opt(Int64(), 'The UID to run the entrypoint of the container process.'),
    runAsGroup: Opt(Int64(), 'The GID to run the entrypoint of the container process.'),
    runAsNonRoot: Opt(Bool(), 'Indicates that the container must run as a non-root user.'),
    supplementalGroups: Opt(AtomicList(Int64(), 'A list of groups applied to the first process run in each container, in addition to the container\'s primary GID.')),
    supplementalGroupsPolicy: Opt(Str()),
    fsGroup: Opt(Int64(), 'A special supplemental group that applies to all containers in a pod.'),
    sysctls: Opt(AtomicList(SysctlSchema, 'Sysctls hold a list of namespaced sysctls used for the pod.')),
    fsGroupChangePolicy: Opt(Enum(['OnRootMismatch', 'Always'] as const)),
    seccompProfile: Opt(SeccompProfileSchema),
    appArmorProfile: Opt(AppArmorProfileSchema),
    seLinuxChangePolicy: Opt(Str()),
  },
  { $id: 'io.k8s.api.core.v1.PodSecurityContext' },
);

export const PodDNSConfigSchema = Struct(
  'PodDNSConfig defines the DNS parameters of a pod in addition to those generated from DNSPolicy.',
  {
    nameservers: Opt(AtomicList(Str(), 'A list of DNS name server IP addresses.')),
    searches: Opt(AtomicList(Str(), 'A list of DNS search domains for host-name lookup.')),
    options: Opt(AtomicList(Struct('PodDNSConfigOption defines DNS resolver options of a pod.', { name: Opt(Str()), value: Opt(Str()) }, { $id: 'io.k8s.api.core.v1.PodDNSConfigOption' }), 'A list of DNS resolver options.')),
  },
  { $id: 'io.k8s.api.core.v1.PodDNSConfig' },
);

export const HostAliasSchema = Struct(
  "HostAlias holds the mapping between IP and hostnames that will be injected as an entry in the pod's hosts file.",
  { ip: Str(), hostnames: Opt(AtomicList(Str())) },
  { $id: 'io.k8s.api.core.v1.HostAlias' },
);

export const PodReadinessGateSchema = Struct(
  'PodReadinessGate contains the reference to a pod condition',
  { conditionType: Type.String({ description: "ConditionType refers to a condition in the pod's condition list with matching type." }) },
  { $id: 'io.k8s.api.core.v1.PodReadinessGate' },
);

export const PodSchedulingGateSchema = Struct('PodSchedulingGate is associated to a Pod to guard its scheduling.', { name: Str() }, { $id: 'io.k8s.api.core.v1.PodSchedulingGate' });

export const PodResourceClaimSchema = Struct(
  'PodResourceClaim references exactly one ResourceClaim.',
  { name: Str(), resourceClaimName: Opt(Str()), resourceClaimTemplateName: Opt(Str()) },
  { $id: 'io.k8s.api.core.v1.PodResourceClaim' },
);

export const PodOSSchema = Struct('PodOS defines the OS parameters of a pod.', { name: Str() }, { $id: 'io.k8s.api.core.v1.PodOS' });

export const PodSpecSchema = Struct(
  'PodSpec is a description of a pod.',
  {
    volumes: Opt(With(MergeList(VolumeSchema, 'name', 'List of volumes that can be mounted by containers belonging to the pod.'), { 'x-kubernetes-patch-strategy': 'merge,retainKeys' })),
    initContainers: Opt(MergeList(ContainerSchema, 'name', 'List of initialization containers belonging to the pod.')),
    containers: MergeList(ContainerSchema, 'name', 'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.'),
    ephemeralContainers: Opt(MergeList(EphemeralContainerSchema, 'name', 'List of ephemeral containers run in this pod.')),
    restartPolicy: Opt(Def(Enum(['Always', 'OnFailure', 'Never'] as const), 'Always'), 'Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.'),
    terminationGracePeriodSeconds: Opt(Def(Int64(), 30), 'Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds.'),
    activeDeadlineSeconds: Opt(Int64(), 'Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers.'),
    dnsPolicy: Opt(Def(Enum(['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const), 'ClusterFirst'), "Set DNS policy for the pod. Defaults to \"ClusterFirst\"."),
    nodeSelector: Opt(With(StringMap("NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node."), { 'x-kubernetes-map-type': 'atomic' })),
    serviceAccountName: Opt(Str(), 'ServiceAccountName is the name of the ServiceAccount to use to run this pod.'),
    serviceAccount: Opt(Str(), 'DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.'),
    automountServiceAccountToken: Opt(Bool(), 'AutomountServiceAccountToken indicates whether a service account token should be automatically mounted.'),
    nodeName: Opt(Str(), 'NodeName indicates in which node this pod is scheduled.'),
    hostNetwork: Opt(Bool(), "Host networking requested for this pod. Use the host's network namespace. Default to false."),
    hostPID: Opt(Bool(), "Use the host's pid namespace. Optional: Default to false."),
    hostIPC: Opt(Bool(), "Use the host's ipc namespace. Optional: Default to false."),
    shareProcessNamespace: Opt(Bool(), 'Share a single process namespace between all of the containers in a pod.'),
    securityContext: Opt(Def(PodSecurityContextSchema, {}), 'SecurityContext holds pod-level security attributes and common container settings.'),
    imagePullSecrets: Opt(MergeList(LocalObjectReferenceSchema, 'name', 'ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec.')),
    hostname: Opt(Str(), "Specifies the hostname of the Pod. If not specified, the pod's hostname will be set to a system-defined value."),
    subdomain: Opt(Str(), 'If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>".'),
    affinity: Opt(AffinitySchema, "If specified, the pod's scheduling constraints"),
    schedulerName: Opt(Def(Str(), 'default-scheduler'), 'If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.'),
    tolerations: Opt(AtomicList(TolerationSchema, "If specified, the pod's tolerations.")),
    hostAliases: Opt(MergeList(HostAliasSchema, 'ip', "HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified.")),
    priorityClassName: Opt(Str(), "If specified, indicates the pod's priority."),
    priority: Opt(Int32(), 'The priority value. Various system components use this field to find the priority of the pod.'),
    dnsConfig: Opt(PodDNSConfigSchema, 'Specifies the DNS parameters of a pod.'),
    readinessGates: Opt(AtomicList(PodReadinessGateSchema, 'If specified, all readiness gates will be evaluated for pod readiness.')),
    runtimeClassName: Opt(Str(), 'RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod.'),
    enableServiceLinks: Opt(Def(Bool(), true), "EnableServiceLinks indicates whether information about services should be injected into pod's environment variables. Optional: Defaults to true."),
    preemptionPolicy: Opt(Enum(['PreemptLowerPriority', 'Never'] as const), 'PreemptionPolicy is the Policy for preempting pods with lower priority. Defaults to PreemptLowerPriority if unset.'),
    overhead: Opt(ResourceListSchema, 'Overhead represents the resource overhead associated with running a pod for a given RuntimeClass.'),
    topologySpreadConstraints: Opt(MergeList(TopologySpreadConstraintSchema, 'topologyKey', 'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.', ['whenUnsatisfiable'])),
    setHostnameAsFQDN: Opt(Bool(), "If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default)."),
    os: Opt(PodOSSchema, 'Specifies the OS of the containers in the pod.'),
    hostUsers: Opt(Bool(), "Use the host's user namespace. Optional: Default to true."),
    schedulingGates: Opt(MergeList(PodSchedulingGateSchema, 'name', 'SchedulingGates is an opaque list of values that if specified will block scheduling the pod.')),
    resourceClaims: Opt(With(MergeList(PodResourceClaimSchema, 'name', 'ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start.'), { 'x-kubernetes-patch-strategy': 'merge,retainKeys' })),
    resources: Opt(ResourceRequirementsSchema, 'Resources is the total amount of CPU and Memory resources required by all containers in the pod.'),
  },
  { $id: 'io.k8s.api.core.v1.PodSpec' },
);
export type PodSpec = Static<typeof PodSpecSchema>;

export const PodTemplateSpecSchema = Struct(
  'PodTemplateSpec describes the data a pod should have when created from a template',
  {
    metadata: Opt(ObjectMetaSchema, "Standard object's metadata."),
    spec: Opt(PodSpecSchema, 'Specification of the desired behavior of the pod.'),
  },
  { $id: 'io.k8s.api.core.v1.PodTemplateSpec' },
);
export type PodTemplateSpec = Static<typeof PodTemplateSpecSchema>;

// ---- status ----

export const PodConditionSchema = Struct(
  'PodCondition contains details for the current condition of this pod.',
  {
    type: Type.String({ description: 'Type is the type of the condition.' }),
    observedGeneration: Opt(Int64()),
    status: Type.String({ description: 'Status is the status of the condition. Can be True, False, Unknown.' }),
    lastProbeTime: Opt(Type.Union([Time, Type.Null()]), 'Last time we probed the condition.'),
    lastTransitionTime: Opt(Type.Union([Time, Type.Null()]), 'Last time the condition transitioned from one status to another.'),
    reason: Opt(Str(), "Unique, one-word, CamelCase reason for the condition's last transition."),
    message: Opt(Str(), 'Human-readable message indicating details about last transition.'),
  },
  { $id: 'io.k8s.api.core.v1.PodCondition' },
);
export type PodCondition = Static<typeof PodConditionSchema>;

export const ContainerStateWaitingSchema = Struct(
  'ContainerStateWaiting is a waiting state of a container.',
  { reason: Opt(Str(), '(brief) reason the container is not yet running.'), message: Opt(Str(), 'Message regarding why the container is not yet running.') },
  { $id: 'io.k8s.api.core.v1.ContainerStateWaiting' },
);
export const ContainerStateRunningSchema = Struct(
  'ContainerStateRunning is a running state of a container.',
  { startedAt: Opt(Type.Union([Time, Type.Null()]), 'Time at which the container was last (re-)started') },
  { $id: 'io.k8s.api.core.v1.ContainerStateRunning' },
);
export const ContainerStateTerminatedSchema = Struct(
  'ContainerStateTerminated is a terminated state of a container.',
  {
    exitCode: Type.Integer({ format: 'int32', description: 'Exit status from the last termination of the container' }),
    signal: Opt(Int32(), 'Signal from the last termination of the container'),
    reason: Opt(Str(), '(brief) reason from the last termination of the container'),
    message: Opt(Str(), 'Message regarding the last termination of the container'),
    startedAt: Opt(Type.Union([Time, Type.Null()]), 'Time at which previous execution of the container started'),
    finishedAt: Opt(Type.Union([Time, Type.Null()]), 'Time at which the container last terminated'),
    containerID: Opt(Str(), "Container's ID in the format '<type>://<container_id>'"),
  },
  { $id: 'io.k8s.api.core.v1.ContainerStateTerminated' },
);
export const ContainerStateSchema = Struct(
  'ContainerState holds a possible state of container. Only one of its members may be specified. If none of them is specified, the default one is ContainerStateWaiting.',
  {
    waiting: Opt(ContainerStateWaitingSchema, 'Details about a waiting container'),
    running: Opt(ContainerStateRunningSchema, 'Details about a running container'),
    terminated: Opt(ContainerStateTerminatedSchema, 'Details about a terminated container'),
  },
  { $id: 'io.k8s.api.core.v1.ContainerState' },
);
export type ContainerState = Static<typeof ContainerStateSchema>;

export const ContainerStatusSchema = Struct(
  'ContainerStatus contains details for the current status of this container.',
  {
    name: Type.String({ description: 'Name is a DNS_LABEL representing the unique name of the container.' }),
    state: Opt(ContainerStateSchema, "State holds details about the container's current condition."),
    lastState: Opt(ContainerStateSchema, "LastTerminationState holds the last termination state of the container to help debug container crashes and restarts."),
    ready: Type.Boolean({ description: 'Ready specifies whether the container is currently passing its readiness check.' }),
    restartCount: Type.Integer({ format: 'int32', description: 'RestartCount holds the number of times the container has been restarted.' }),
    image: Type.String({ description: 'Image is the name of container image that the container is running.' }),
    imageID: Type.String({ description: "ImageID is the image ID of the container's image." }),
    containerID: Opt(Str(), "ContainerID is the ID of the container in the format '<type>://<container_id>'."),
    started: Opt(Bool(), 'Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe.'),
    allocatedResources: Opt(ResourceListSchema),
    resources: Opt(ResourceRequirementsSchema),
    volumeMounts: Opt(Type.Array(Type.Unsafe<Record<string, unknown>>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }))),
    user: Opt(Type.Unsafe<Record<string, unknown>>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true })),
    allocatedResourcesStatus: Opt(Type.Array(Type.Unsafe<Record<string, unknown>>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }))),
    stopSignal: Opt(Str()),
  },
  { $id: 'io.k8s.api.core.v1.ContainerStatus' },
);
export type ContainerStatus = Static<typeof ContainerStatusSchema>;

export const PodIPSchema = Struct('PodIP represents a single IP address allocated to the pod.', { ip: Type.String({ description: 'IP is the IP address assigned to the pod' }) }, { $id: 'io.k8s.api.core.v1.PodIP' });
export const HostIPSchema = Struct('HostIP represents a single IP address allocated to the host.', { ip: Type.String({ description: 'IP is the IP address assigned to the host' }) }, { $id: 'io.k8s.api.core.v1.HostIP' });

export const PodStatusSchema = Struct(
  'PodStatus represents information about the status of a pod. Status may trail the actual state of a system, especially if the node that hosts the pod cannot contact the control plane.',
  {
    observedGeneration: Opt(Int64()),
    phase: Opt(Enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const), 'The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle.'),
    conditions: Opt(MergeList(PodConditionSchema, 'type', 'Current service state of pod.')),
    message: Opt(Str(), 'A human readable message indicating details about why the pod is in this condition.'),
    reason: Opt(Str(), "A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'"),
    nominatedNodeName: Opt(Str(), 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.'),
    hostIP: Opt(Str(), 'hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet.'),
    hostIPs: Opt(MergeList(HostIPSchema, 'ip', 'hostIPs holds the IP addresses allocated to the host.')),
    podIP: Opt(Str(), 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
    podIPs: Opt(MergeList(PodIPSchema, 'ip', 'podIPs holds the IP addresses allocated to the pod.')),
    startTime: Opt(Time, 'RFC 3339 date and time at which the object was acknowledged by the Kubelet.'),
    initContainerStatuses: Opt(AtomicList(ContainerStatusSchema, 'Statuses of init containers in this pod.')),
    containerStatuses: Opt(AtomicList(ContainerStatusSchema, 'Statuses of containers in this pod.')),
    qosClass: Opt(Enum(['Guaranteed', 'Burstable', 'BestEffort'] as const), 'The Quality of Service (QOS) classification assigned to the pod based on resource requirements.'),
    ephemeralContainerStatuses: Opt(AtomicList(ContainerStatusSchema, 'Statuses for any ephemeral containers that have run in this pod.')),
    resize: Opt(Str()),
    resourceClaimStatuses: Opt(Type.Array(Type.Unsafe<Record<string, unknown>>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }))),
  },
  { $id: 'io.k8s.api.core.v1.PodStatus' },
);
export type PodStatus = Static<typeof PodStatusSchema>;
