// core/v1 Container and everything hanging off it: env, ports, probes, lifecycle, resources, security context.
import { Type, Struct, Opt, Quantity, IntOrString, MergeList, AtomicList, Enum, type Static } from '../../schema/builders';
import { Def, With, Int32, Int64, Str, Bool } from '../common';

export const ObjectFieldSelectorSchema = Struct(
  'ObjectFieldSelector selects an APIVersioned field of an object.',
  {
    apiVersion: Opt(Def(Str(), 'v1'), 'Version of the schema the FieldPath is written in terms of, defaults to "v1".'),
    fieldPath: Type.String({ description: 'Path of the field to select in the specified API version.' }),
  },
  { $id: 'io.k8s.api.core.v1.ObjectFieldSelector', 'x-kubernetes-map-type': 'atomic' },
);

export const ResourceFieldSelectorSchema = Struct(
  'ResourceFieldSelector represents container resources (cpu, memory) and their output format',
  {
    containerName: Opt(Str(), 'Container name: required for volumes, optional for env vars'),
    resource: Type.String({ description: 'Required: resource to select' }),
    divisor: Opt(Quantity, 'Specifies the output format of the exposed resources, defaults to "1"'),
  },
  { $id: 'io.k8s.api.core.v1.ResourceFieldSelector', 'x-kubernetes-map-type': 'atomic' },
);

export const ConfigMapKeySelectorSchema = Struct(
  'Selects a key from a ConfigMap.',
  {
    name: Opt(Str(), 'Name of the referent.'),
    key: Type.String({ description: 'The key to select.' }),
    optional: Opt(Bool(), 'Specify whether the ConfigMap or its key must be defined'),
  },
  { $id: 'io.k8s.api.core.v1.ConfigMapKeySelector', 'x-kubernetes-map-type': 'atomic' },
);

export const SecretKeySelectorSchema = Struct(
  'SecretKeySelector selects a key of a Secret.',
  {
    name: Opt(Str(), 'Name of the referent.'),
    key: Type.String({ description: 'The key of the secret to select from.  Must be a valid secret key.' }),
    optional: Opt(Bool(), 'Specify whether the Secret or its key must be defined'),
  },
  { $id: 'io.k8s.api.core.v1.SecretKeySelector', 'x-kubernetes-map-type': 'atomic' },
);

export const EnvVarSourceSchema = Struct(
  'EnvVarSource represents a source for the value of an EnvVar.',
  {
    fieldRef: Opt(ObjectFieldSelectorSchema, 'Selects a field of the pod: supports metadata.name, metadata.namespace, `metadata.labels[\'<KEY>\']`, `metadata.annotations[\'<KEY>\']`, spec.nodeName, spec.serviceAccountName, status.hostIP, status.podIP, status.podIPs.'),
    resourceFieldRef: Opt(ResourceFieldSelectorSchema, 'Selects a resource of the container: only resources limits and requests are currently supported.'),
    configMapKeyRef: Opt(ConfigMapKeySelectorSchema, 'Selects a key of a ConfigMap.'),
    secretKeyRef: Opt(SecretKeySelectorSchema, "Selects a key of a secret in the pod's namespace"),
  },
  { $id: 'io.k8s.api.core.v1.EnvVarSource' },
);

export const EnvVarSchema = Struct(
  'EnvVar represents an environment variable present in a Container.',
  {
    name: Type.String({ description: 'Name of the environment variable. Must be a C_IDENTIFIER.' }),
    value: Opt(Str(), 'Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables.'),
    valueFrom: Opt(EnvVarSourceSchema, "Source for the environment variable's value. Cannot be used if value is not empty."),
  },
  { $id: 'io.k8s.api.core.v1.EnvVar' },
);
export type EnvVar = Static<typeof EnvVarSchema>;

export const EnvFromSourceSchema = Struct(
  'EnvFromSource represents the source of a set of ConfigMaps',
  {
    prefix: Opt(Str(), 'An optional identifier to prepend to each key in the ConfigMap. Must be a C_IDENTIFIER.'),
    configMapRef: Opt(
      Struct('ConfigMapEnvSource selects a ConfigMap to populate the environment variables with.', { name: Opt(Str(), 'Name of the referent.'), optional: Opt(Bool()) }, { $id: 'io.k8s.api.core.v1.ConfigMapEnvSource' }),
      'The ConfigMap to select from',
    ),
    secretRef: Opt(
      Struct('SecretEnvSource selects a Secret to populate the environment variables with.', { name: Opt(Str(), 'Name of the referent.'), optional: Opt(Bool()) }, { $id: 'io.k8s.api.core.v1.SecretEnvSource' }),
      'The Secret to select from',
    ),
  },
  { $id: 'io.k8s.api.core.v1.EnvFromSource' },
);

export const ContainerPortSchema = Struct(
  'ContainerPort represents a network port in a single container.',
  {
    name: Opt(Str(), 'If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name.'),
    hostPort: Opt(Int32(), 'Number of port to expose on the host.'),
    containerPort: Type.Integer({ format: 'int32', description: "Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536." }),
    protocol: Opt(Def(Enum(['TCP', 'UDP', 'SCTP'] as const), 'TCP'), 'Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".'),
    hostIP: Opt(Str(), 'What host IP to bind the external port to.'),
  },
  { $id: 'io.k8s.api.core.v1.ContainerPort' },
);
export type ContainerPort = Static<typeof ContainerPortSchema>;

export const VolumeMountSchema = Struct(
  'VolumeMount describes a mounting of a Volume within a container.',
  {
    name: Type.String({ description: 'This must match the Name of a Volume.' }),
    readOnly: Opt(Bool(), 'Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false.'),
    recursiveReadOnly: Opt(Str()),
    mountPath: Type.String({ description: "Path within the container at which the volume should be mounted.  Must not contain ':'." }),
    subPath: Opt(Str(), "Path within the volume from which the container's volume should be mounted. Defaults to \"\" (volume's root)."),
    mountPropagation: Opt(Enum(['None', 'HostToContainer', 'Bidirectional'] as const), 'mountPropagation determines how mounts are propagated from the host to container and the other way around.'),
    subPathExpr: Opt(Str(), 'Expanded path within the volume from which the container\'s volume should be mounted.'),
  },
  { $id: 'io.k8s.api.core.v1.VolumeMount' },
);
export type VolumeMount = Static<typeof VolumeMountSchema>;

export const VolumeDeviceSchema = Struct(
  'volumeDevice describes a mapping of a raw block device within a container.',
  { name: Str(), devicePath: Str() },
  { $id: 'io.k8s.api.core.v1.VolumeDevice' },
);

export const ResourceClaimSchema = Struct(
  'ResourceClaim references one entry in PodSpec.ResourceClaims.',
  { name: Str(), request: Opt(Str()) },
  { $id: 'io.k8s.api.core.v1.ResourceClaim' },
);

export const ResourceListSchema = Type.Record(Type.String(), Quantity, { description: 'ResourceList is a set of (resource name, quantity) pairs.' });

export const ResourceRequirementsSchema = Struct(
  'ResourceRequirements describes the compute resource requirements.',
  {
    limits: Opt(ResourceListSchema, 'Limits describes the maximum amount of compute resources allowed.'),
    requests: Opt(ResourceListSchema, 'Requests describes the minimum amount of compute resources required.'),
    claims: Opt(MergeList(ResourceClaimSchema, 'name', 'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.')),
  },
  { $id: 'io.k8s.api.core.v1.ResourceRequirements' },
);
export type ResourceRequirements = Static<typeof ResourceRequirementsSchema>;

export const ExecActionSchema = Struct(
  'ExecAction describes a "run in container" action.',
  { command: Opt(AtomicList(Str(), 'Command is the command line to execute inside the container.')) },
  { $id: 'io.k8s.api.core.v1.ExecAction' },
);

export const HTTPHeaderSchema = Struct('HTTPHeader describes a custom header to be used in HTTP probes', { name: Str(), value: Str() }, { $id: 'io.k8s.api.core.v1.HTTPHeader' });

export const HTTPGetActionSchema = Struct(
  'HTTPGetAction describes an action based on HTTP Get requests.',
  {
    path: Opt(Str(), 'Path to access on the HTTP server.'),
    port: With(IntOrString, { description: 'Name or number of the port to access on the container.' }),
    host: Opt(Str(), 'Host name to connect to, defaults to the pod IP.'),
    scheme: Opt(Def(Enum(['HTTP', 'HTTPS'] as const), 'HTTP'), 'Scheme to use for connecting to the host. Defaults to HTTP.'),
    httpHeaders: Opt(AtomicList(HTTPHeaderSchema, 'Custom headers to set in the request. HTTP allows repeated headers.')),
  },
  { $id: 'io.k8s.api.core.v1.HTTPGetAction' },
);

export const TCPSocketActionSchema = Struct(
  'TCPSocketAction describes an action based on opening a socket',
  {
    port: With(IntOrString, { description: 'Number or name of the port to access on the container.' }),
    host: Opt(Str(), 'Optional: Host name to connect to, defaults to the pod IP.'),
  },
  { $id: 'io.k8s.api.core.v1.TCPSocketAction' },
);

export const GRPCActionSchema = Struct(
  'GRPCAction specifies an action involving a GRPC service.',
  {
    port: Type.Integer({ format: 'int32', description: 'Port number of the gRPC service.' }),
    service: Opt(Def(Str(), ''), 'Service is the name of the service to place in the gRPC HealthCheckRequest.'),
  },
  { $id: 'io.k8s.api.core.v1.GRPCAction' },
);

export const ProbeSchema = Struct(
  'Probe describes a health check to be performed against a container to determine whether it is alive or ready to receive traffic.',
  {
    exec: Opt(ExecActionSchema, 'Exec specifies a command to execute in the container.'),
    httpGet: Opt(HTTPGetActionSchema, 'HTTPGet specifies an HTTP GET request to perform.'),
    tcpSocket: Opt(TCPSocketActionSchema, 'TCPSocket specifies a connection to a TCP port.'),
    grpc: Opt(GRPCActionSchema, 'GRPC specifies a GRPC HealthCheckRequest.'),
    initialDelaySeconds: Opt(Int32(), 'Number of seconds after the container has started before liveness probes are initiated.'),
    timeoutSeconds: Opt(Def(Int32(), 1), 'Number of seconds after which the probe times out. Defaults to 1 second. Minimum value is 1.'),
    periodSeconds: Opt(Def(Int32(), 10), 'How often (in seconds) to perform the probe. Default to 10 seconds. Minimum value is 1.'),
    successThreshold: Opt(Def(Int32(), 1), 'Minimum consecutive successes for the probe to be considered successful after having failed. Defaults to 1.'),
    failureThreshold: Opt(Def(Int32(), 3), 'Minimum consecutive failures for the probe to be considered failed after having succeeded. Defaults to 3.'),
    terminationGracePeriodSeconds: Opt(Int64(), 'Optional duration in seconds the pod needs to terminate gracefully upon probe failure.'),
  },
  { $id: 'io.k8s.api.core.v1.Probe' },
);
export type Probe = Static<typeof ProbeSchema>;

export const LifecycleHandlerSchema = Struct(
  'LifecycleHandler defines a specific action that should be taken in a lifecycle hook.',
  {
    exec: Opt(ExecActionSchema),
    httpGet: Opt(HTTPGetActionSchema),
    tcpSocket: Opt(TCPSocketActionSchema, 'Deprecated. TCPSocket is NOT supported as a LifecycleHandler and kept for backward compatibility.'),
    sleep: Opt(Struct('SleepAction describes a "sleep" action.', { seconds: Int64() }, { $id: 'io.k8s.api.core.v1.SleepAction' })),
  },
  { $id: 'io.k8s.api.core.v1.LifecycleHandler' },
);
export type LifecycleHandler = Static<typeof LifecycleHandlerSchema>;

export const LifecycleSchema = Struct(
  'Lifecycle describes actions that the management system should take in response to container lifecycle events.',
  {
    postStart: Opt(LifecycleHandlerSchema, 'PostStart is called immediately after a container is created.'),
    preStop: Opt(LifecycleHandlerSchema, 'PreStop is called immediately before a container is terminated due to an API request or management event.'),
    stopSignal: Opt(Str()),
  },
  { $id: 'io.k8s.api.core.v1.Lifecycle' },
);

export const SELinuxOptionsSchema = Struct(
  'SELinuxOptions are the labels to be applied to the container',
  { user: Opt(Str()), role: Opt(Str()), type: Opt(Str()), level: Opt(Str()) },
  { $id: 'io.k8s.api.core.v1.SELinuxOptions' },
);
export const SeccompProfileSchema = Struct(
  "SeccompProfile defines a pod/container's seccomp profile settings. Only one profile source may be set.",
  { type: Enum(['Localhost', 'RuntimeDefault', 'Unconfined'] as const), localhostProfile: Opt(Str()) },
  { $id: 'io.k8s.api.core.v1.SeccompProfile' },
);
export const AppArmorProfileSchema = Struct(
  "AppArmorProfile defines a pod or container's AppArmor settings.",
  { type: Enum(['Localhost', 'RuntimeDefault', 'Unconfined'] as const), localhostProfile: Opt(Str()) },
  { $id: 'io.k8s.api.core.v1.AppArmorProfile' },
);
export const WindowsSecurityContextOptionsSchema = Struct(
  'WindowsSecurityContextOptions contain Windows-specific options and credentials.',
  { gmsaCredentialSpecName: Opt(Str()), gmsaCredentialSpec: Opt(Str()), runAsUserName: Opt(Str()), hostProcess: Opt(Bool()) },
  { $id: 'io.k8s.api.core.v1.WindowsSecurityContextOptions' },
);

export const CapabilitiesSchema = Struct(
  'Adds and removes POSIX capabilities from running containers.',
  { add: Opt(AtomicList(Str(), 'Added capabilities')), drop: Opt(AtomicList(Str(), 'Removed capabilities')) },
  { $id: 'io.k8s.api.core.v1.Capabilities' },
);

export const SecurityContextSchema = Struct(
  'SecurityContext holds security configuration that will be applied to a container.',
  {
    capabilities: Opt(CapabilitiesSchema, 'The capabilities to add/drop when running containers.'),
    privileged: Opt(Bool(), 'Run container in privileged mode. Defaults to false.'),
    seLinuxOptions: Opt(SELinuxOptionsSchema),
    windowsOptions: Opt(WindowsSecurityContextOptionsSchema),
    runAsUser: Opt(Int64(), 'The UID to run the entrypoint of the container process.'),
    runAsGroup: Opt(Int64(), 'The GID to run the entrypoint of the container process.'),
    runAsNonRoot: Opt(Bool(), 'Indicates that the container must run as a non-root user.'),
    readOnlyRootFilesystem: Opt(Bool(), 'Whether this container has a read-only root filesystem. Default is false.'),
    allowPrivilegeEscalation: Opt(Bool(), 'AllowPrivilegeEscalation controls whether a process can gain more privileges than its parent process.'),
    procMount: Opt(Str()),
    seccompProfile: Opt(SeccompProfileSchema),
    appArmorProfile: Opt(AppArmorProfileSchema),
  },
  { $id: 'io.k8s.api.core.v1.SecurityContext' },
);

export const ContainerResizePolicySchema = Struct(
  'ContainerResizePolicy represents resource resize policy for the container.',
  { resourceName: Str(), restartPolicy: Str() },
  { $id: 'io.k8s.api.core.v1.ContainerResizePolicy' },
);

/** Fields shared by Container and EphemeralContainer. */
function containerProps() {
  return {
    name: Type.String({ description: 'Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.' }),
    image: Opt(Str(), 'Container image name.'),
    command: Opt(AtomicList(Str(), "Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided.")),
    args: Opt(AtomicList(Str(), "Arguments to the entrypoint. The container image's CMD is used if this is not provided.")),
    workingDir: Opt(Str(), "Container's working directory."),
    ports: Opt(MergeList(ContainerPortSchema, 'containerPort', 'List of ports to expose from the container.', ['protocol'])),
    envFrom: Opt(AtomicList(EnvFromSourceSchema, 'List of sources to populate environment variables in the container.')),
    env: Opt(MergeList(EnvVarSchema, 'name', 'List of environment variables to set in the container. Cannot be updated.')),
    resources: Opt(Def(ResourceRequirementsSchema, {}), 'Compute Resources required by this container.'),
    resizePolicy: Opt(AtomicList(ContainerResizePolicySchema, 'Resources resize policy for the container.')),
    restartPolicy: Opt(Str(), 'RestartPolicy defines the restart behavior of individual containers in a pod. Only "Always" is allowed, for init containers (sidecars).'),
    volumeMounts: Opt(MergeList(VolumeMountSchema, 'mountPath', "Pod volumes to mount into the container's filesystem. Cannot be updated.")),
    volumeDevices: Opt(MergeList(VolumeDeviceSchema, 'devicePath', 'volumeDevices is the list of block devices to be used by the container.')),
    livenessProbe: Opt(ProbeSchema, 'Periodic probe of container liveness. Container will be restarted if the probe fails.'),
    readinessProbe: Opt(ProbeSchema, 'Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails.'),
    startupProbe: Opt(ProbeSchema, 'StartupProbe indicates that the Pod has successfully initialized.'),
    lifecycle: Opt(LifecycleSchema, 'Actions that the management system should take in response to container lifecycle events.'),
    terminationMessagePath: Opt(Def(Str(), '/dev/termination-log'), "Path at which the file to which the container's termination message will be written is mounted into the container's filesystem. Defaults to /dev/termination-log."),
    terminationMessagePolicy: Opt(Def(Enum(['File', 'FallbackToLogsOnError'] as const), 'File'), 'Indicate how the termination message should be populated. Defaults to File.'),
    imagePullPolicy: Opt(Enum(['Always', 'Never', 'IfNotPresent'] as const), 'Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.'),
    securityContext: Opt(SecurityContextSchema, 'SecurityContext defines the security options the container should be run with.'),
    stdin: Opt(Bool(), 'Whether this container should allocate a buffer for stdin in the container runtime. Default is false.'),
    stdinOnce: Opt(Bool(), 'Whether the container runtime should close the stdin channel after it has been opened by a single attach.'),
    tty: Opt(Bool(), "Whether this container should allocate a TTY for itself, also requires 'stdin' to be true. Default is false."),
  };
}

export const ContainerSchema = Struct('A single application container that you want to run within a pod.', containerProps(), {
  $id: 'io.k8s.api.core.v1.Container',
});
export type Container = Static<typeof ContainerSchema>;

export const EphemeralContainerSchema = Struct(
  'An EphemeralContainer is a temporary container that you may add to an existing Pod for user-initiated activities such as debugging.',
  { ...containerProps(), targetContainerName: Opt(Str(), 'If set, the name of the container from PodSpec that this ephemeral container targets.') },
  { $id: 'io.k8s.api.core.v1.EphemeralContainer' },
);
export type EphemeralContainer = Static<typeof EphemeralContainerSchema>;

/** imagePullPolicy default: Always for :latest or untagged images (no digest), IfNotPresent otherwise. */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tail = image.slice(lastSlash + 1);
  const colon = tail.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return tail.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

