#!/usr/bin/env node
// Protobuf against JSON for a typical pod (a Deployment's pod after scheduling, with status and managedFields):
// encode and decode each, per op and as a ratio. Target: protobuf within ~2x of JSON. ~3 s.
//   node bench/protobuf.bench.js [--iterations 20000]
'use strict';
require('./lib/register-ts');
const { encodeKubernetesProtobuf, decodeKubernetesProtobuf } = require('@kubets/proto');

const args = process.argv.slice(2);
const i = args.indexOf('--iterations');
const N = i >= 0 ? Number(args[i + 1]) : 20000;

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d4b9c8f6d-x2x9k', generateName: 'web-7d4b9c8f6d-', namespace: 'default', uid: '6f1c2a3e-8a7b-4c1d-9e2f-0a1b2c3d4e5f',
    resourceVersion: '123456', creationTimestamp: '2024-05-06T07:08:09Z', labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6d' },
    annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-06T07:00:00Z' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c8f6d', uid: '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9', controller: true, blockOwnerDeletion: true }],
    managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2024-05-06T07:08:09Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } } } }],
  },
  spec: {
    volumes: [{ name: 'kube-api-access-abcde', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }, { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } }] } }],
    containers: [{
      name: 'web', image: 'nginx:1.27', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }], env: [{ name: 'MODE', value: 'prod' }],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
      volumeMounts: [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }],
      readinessProbe: { httpGet: { path: '/', port: 'http', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
      terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
    }],
    restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default', serviceAccount: 'default',
    nodeName: 'node-1', securityContext: {}, schedulerName: 'default-scheduler', enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', priority: 0,
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  },
  status: {
    phase: 'Running', hostIP: '10.0.0.4', podIP: '10.244.1.7', podIPs: [{ ip: '10.244.1.7' }], startTime: '2024-05-06T07:08:10Z', qosClass: 'Burstable',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-05-06T07:08:15Z' }, { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-05-06T07:08:09Z' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0, started: true, image: 'nginx:1.27', imageID: 'docker.io/library/nginx@sha256:0123', containerID: 'containerd://abc', state: { running: { startedAt: '2024-05-06T07:08:12Z' } } }],
  },
};

function time(label, fn) {
  for (let k = 0; k < 2000; k++) fn();
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < N; k++) fn();
  const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
  console.log(`${label.padEnd(26)} ${us.toFixed(2)} µs/op`);
  return us;
}

const json = Buffer.from(JSON.stringify(pod));
const pb = encodeKubernetesProtobuf(pod);
console.log(`pod: JSON ${json.length} bytes, protobuf ${pb.length} bytes`);
const je = time('JSON encode', () => Buffer.from(JSON.stringify(pod)));
const pe = time('protobuf encode', () => encodeKubernetesProtobuf(pod));
const jd = time('JSON decode', () => JSON.parse(json.toString('utf8')));
const pd = time('protobuf decode', () => decodeKubernetesProtobuf(pb));
console.log(`ratio protobuf/JSON: encode ${(pe / je).toFixed(2)}x, decode ${(pd / jd).toFixed(2)}x (target ≤ ~2x)`);
