export {
  decodeKubernetesProtobuf,
  encodeKubernetesProtobuf,
  encodeWatchEventFrame,
  decodeWatchEventFrames,
  hasProtobuf,
  isKubernetesProtobuf,
  PROTOBUF_MAGIC,
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_WATCH_CONTENT_TYPE,
} from './codec';
export { protoKind, type ProtoKind } from './kinds';
export { decodeMessage, encodeMessage, UnsupportedFieldError } from './message-codec';
