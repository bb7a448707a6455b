export * from './interface';
export * from './chain';
export { namespaceLifecycle } from './namespace-lifecycle';
export { defaultTolerationSeconds } from './default-toleration-seconds';
export { serviceAccountAdmission, projectedTokenVolume, RootCAConfigMapName, ServiceAccountMountPath } from './service-account';
export { priorityAdmission } from './priority';
export { limitRanger } from './limit-ranger';
export { resourceQuota } from './resource-quota';
