// TypeScript shapes of the CRI v1 messages we read or write (proto-loader with keepCase, enums and longs as numbers).

export type StrMap = Record<string, string>;

export interface KeyValue { key: string; value: string }
export interface Int64Value { value: number }
export interface DNSConfig { servers: string[]; searches: string[]; options: string[] }
export interface PortMapping { protocol: number; container_port: number; host_port: number; host_ip: string }
export interface Mount { container_path: string; host_path: string; readonly: boolean; selinux_relabel?: boolean; propagation: number }
export interface NamespaceOption { network: number; pid: number; ipc: number; target_id: string }

export const NamespaceMode = { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3 } as const;
export const SandboxState = { READY: 0, NOTREADY: 1 } as const;
export const ContainerState = { CREATED: 0, RUNNING: 1, EXITED: 2, UNKNOWN: 3 } as const;
export const Protocol = { TCP: 0, UDP: 1, SCTP: 2 } as const;

export interface LinuxContainerResources {
  cpu_period: number;
  cpu_quota: number;
  cpu_shares: number;
  memory_limit_in_bytes: number;
  oom_score_adj: number;
  cpuset_cpus: string;
  cpuset_mems: string;
  unified?: StrMap;
  memory_swap_limit_in_bytes?: number;
}

export interface LinuxSandboxSecurityContext {
  namespace_options?: NamespaceOption | null;
  run_as_user?: Int64Value | null;
  run_as_group?: Int64Value | null;
  readonly_rootfs: boolean;
  supplemental_groups: number[];
  privileged: boolean;
}

export interface PodSandboxMetadata { name: string; uid: string; namespace: string; attempt: number }

export interface PodSandboxConfig {
  metadata?: PodSandboxMetadata | null;
  hostname: string;
  log_directory: string;
  dns_config?: DNSConfig | null;
  port_mappings: PortMapping[];
  labels: StrMap;
  annotations: StrMap;
  linux?: {
    cgroup_parent: string;
    security_context?: LinuxSandboxSecurityContext | null;
    sysctls: StrMap;
    resources?: LinuxContainerResources | null;
  } | null;
}

export interface ImageSpec { image: string; annotations?: StrMap; user_specified_image?: string; runtime_handler?: string; image_ref?: string }

export interface LinuxContainerSecurityContext {
  capabilities?: { add_capabilities: string[]; drop_capabilities: string[]; add_ambient_capabilities: string[] } | null;
  privileged: boolean;
  namespace_options?: NamespaceOption | null;
  run_as_user?: Int64Value | null;
  run_as_group?: Int64Value | null;
  run_as_username: string;
  readonly_rootfs: boolean;
  supplemental_groups: number[];
  no_new_privs: boolean;
  masked_paths: string[];
  readonly_paths: string[];
  /** Absent (an older client) is treated as Unconfined, as upstream's default. */
  seccomp?: SecurityProfile | null;
}

export const SeccompProfileType = { RuntimeDefault: 0, Unconfined: 1, Localhost: 2 } as const;
export interface SecurityProfile { profile_type: number; localhost_ref: string }

export interface ContainerMetadata { name: string; attempt: number }

export interface ContainerConfig {
  metadata?: ContainerMetadata | null;
  image?: ImageSpec | null;
  command: string[];
  args: string[];
  working_dir: string;
  envs: KeyValue[];
  mounts: Mount[];
  devices: { container_path: string; host_path: string; permissions: string }[];
  labels: StrMap;
  annotations: StrMap;
  log_path: string;
  stdin: boolean;
  stdin_once: boolean;
  tty: boolean;
  linux?: { resources?: LinuxContainerResources | null; security_context?: LinuxContainerSecurityContext | null } | null;
}

export interface AuthConfig {
  username: string;
  password: string;
  auth: string;
  server_address: string;
  identity_token: string;
  registry_token: string;
}
