export { decodeKubernetesProtobuf, encodeKubernetesProtobuf, PROTOBUF_MAGIC, PROTOBUF_CONTENT_TYPE } from './codec';
export { k8sRoot, k8sType, messageForKind, KIND_MESSAGES, K8S_PROTO_DIR } from './loader';
