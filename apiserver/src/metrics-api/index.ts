export { MetricsApi, metricsResourceList, METRICS_GROUP, METRICS_VERSION, type MetricsObjects } from './api';
export { KubeletMetricsSource, usageBetween, type NodeUsageSample, type Usage } from './source';
export { parseResourceMetrics } from './prometheus';
export { kubeletFetcher } from './kubelet-fetch';
