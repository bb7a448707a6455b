// Synthetic Deployment/Pod-like schemas for the patch tests (the real kinds follow the same annotations).
import { Type, Struct, Opt, StringMap, MergeList, SetList, AtomicList, RetainKeys, IntOrString, Quantity, Any } from '../../schema/builders';
import { ObjectMetaSchema, LabelSelectorSchema } from '../../meta/schemas';

const EnvVar = Struct('env', { name: Type.String(), value: Opt(Type.String()) });
const Port = Struct('port', { containerPort: Type.Integer(), protocol: Opt(Type.String()), name: Opt(Type.String()) });
const Resources = Struct('res', { limits: Opt(Type.Record(Type.String(), Quantity)), requests: Opt(Type.Record(Type.String(), Quantity)) });
export const TestContainer = Struct('container', {
  name: Type.String(),
  image: Opt(Type.String()),
  imagePullPolicy: Opt(Type.String()),
  command: Opt(AtomicList(Type.String())),
  args: Opt(AtomicList(Type.String())),
  env: Opt(MergeList(EnvVar, 'name')),
  ports: Opt(MergeList(Port, 'containerPort', undefined, ['protocol'])),
  resources: Opt(Resources),
});
const VolumeSource = Struct('vol', {
  name: Type.String(),
  emptyDir: Opt(Struct('ed', { medium: Opt(Type.String()) })),
  hostPath: Opt(Struct('hp', { path: Type.String() })),
  configMap: Opt(Struct('cm', { name: Opt(Type.String()) })),
});
export const TestPodSpec = Struct('podspec', {
  containers: MergeList(TestContainer, 'name'),
  initContainers: Opt(MergeList(TestContainer, 'name')),
  volumes: Opt(MergeList(RetainKeys(VolumeSource), 'name')),
  nodeSelector: Opt(StringMap()),
  tolerations: Opt(AtomicList(Struct('tol', { key: Opt(Type.String()), operator: Opt(Type.String()) }))),
  restartPolicy: Opt(Type.String()),
});
export const TestDeployment = Type.Object(
  {
    apiVersion: Opt(Type.String()),
    kind: Opt(Type.String()),
    metadata: ObjectMetaSchema,
    spec: Opt(
      Struct('spec', {
        replicas: Opt(Type.Integer()),
        selector: Opt(LabelSelectorSchema),
        strategy: Opt(
          RetainKeys(
            Struct('strategy', {
              type: Opt(Type.String()),
              rollingUpdate: Opt(Struct('ru', { maxSurge: Opt(IntOrString), maxUnavailable: Opt(IntOrString) })),
            }),
          ),
        ),
        template: Opt(Struct('tpl', { metadata: Opt(ObjectMetaSchema), spec: Opt(TestPodSpec) })),
        extra: Opt(Any),
      }),
    ),
    status: Opt(Struct('status', { replicas: Opt(Type.Integer()), conditions: Opt(MergeList(Struct('c', { type: Type.String(), status: Type.String() }), 'type')) })),
  },
  { additionalProperties: false },
);
