export { validatingAdmissionPolicy } from './plugin';
export { validatePolicyExpressions } from './compiled';
