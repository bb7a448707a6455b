export { NodeGraph, type VertexType, type GraphEventType } from './graph';
export { NodeAuthorizer, NodeLeaseNamespace } from './authorizer';
export { nodeRules } from './rules';
export { runNodeGraphPopulator, replacePods, type GraphPopulatorOptions } from './populator';
export { podRefs, isMirrorPod, MirrorPodAnnotation, type PodRefs } from './pod-refs';
