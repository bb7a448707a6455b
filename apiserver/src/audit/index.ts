export { AuditLogger, microTime, type AuditLoggerOptions, type AuditRequestInfo, type AuditEventHandle, type AuditSink } from './logger';
export { loadAuditPolicy, parseAuditPolicy, evaluatePolicy } from './policy';
export { RotatingWriter, type RotatingWriterOptions } from './rotating-writer';
export * from './types';
