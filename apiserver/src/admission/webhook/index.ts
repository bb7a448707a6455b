export { WebhookConfigurationSource, compileWebhooks, type CompiledWebhook, type ConfigInformer, type WebhookKind } from './source';
export { mutatingAdmissionWebhook, validatingAdmissionWebhook, MutatingWebhookPluginName, ValidatingWebhookPluginName, type WebhookAdmissionOptions } from './plugins';
export { httpsTransport, resolveTarget, type WebhookTransport, type WebhookTarget, type TransportResponse } from './transport';
export { isExemptFromWebhooks } from './match';
export { compileMatchConditions, evaluateMatchConditions, type CompiledConditions } from './conditions';
