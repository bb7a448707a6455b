// Protobuf watch streams (application/vnd.kubernetes.protobuf;stream=watch): one length-prefixed WatchEvent
// frame per event. The watch cache hands the same object to every watcher, so a frame is encoded once per object.
import { encodeWatchEventFrame } from '@kubets/proto';
import { logError } from '../observability/log';

const frames = new WeakMap<object, { type: string; frame: Buffer }>();

/** The frame for one event; undefined when the object cannot be encoded (logged; the event is skipped). */
export function watchFrame(type: string, obj: object): Buffer | undefined {
  const memo = frames.get(obj);
  if (memo && memo.type === type) return memo.frame;
  try {
    const frame = encodeWatchEventFrame(type, obj);
    frames.set(obj, { type, frame });
    return frame;
  } catch (e) {
    logError('protobuf watch event encoding failed', e);
    return undefined;
  }
}
