// Name syntax checks from k8s.io/apimachinery/pkg/util/validation, with Kubernetes' own error messages.
// `isX(value): boolean` answers yes/no; `checkX(value): string[]` returns the messages (empty = valid).

export const DNS1123LabelMaxLength = 63;
export const DNS1123SubdomainMaxLength = 253;
export const DNS1035LabelMaxLength = 63;
export const QualifiedNameMaxLength = 63;
export const LabelValueMaxLength = 63;

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const qnameCharFmt = '[A-Za-z0-9]';
const qnameExtCharFmt = '[-A-Za-z0-9_.]';
const qualifiedNameFmt = `(${qnameCharFmt}${qnameExtCharFmt}*)?${qnameCharFmt}`;
const labelValueFmt = `(${qualifiedNameFmt})?`;

const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** validation.RegexError: "<msg> (e.g. 'a',  or 'b', regex used for validation is '<fmt>')" (Go's spacing kept). */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  let s = `${msg} (e.g. `;
  examples.forEach((e, i) => {
    if (i > 0) s += ' or ';
    s += `'${e}', `;
  });
  return `${s}regex used for validation is '${fmt}')`;
}

export const maxLenError = (n: number): string => `must be no more than ${n} characters`;
export const emptyError = (): string => 'must be non-empty';

export function checkDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123LabelMaxLength) errs.push(maxLenError(DNS1123LabelMaxLength));
  if (!dns1123LabelRe.test(value)) errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  return errs;
}

export function checkDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123SubdomainMaxLength) errs.push(maxLenError(DNS1123SubdomainMaxLength));
  if (!dns1123SubdomainRe.test(value)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

export function checkDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1035LabelMaxLength) errs.push(maxLenError(DNS1035LabelMaxLength));
  if (!dns1035LabelRe.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

/** Label and annotation keys: an optional DNS-1123 subdomain prefix and '/', then a 63-character name. */
export function checkQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? '';
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else for (const m of checkDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (name.length > QualifiedNameMaxLength) errs.push(`name part ${maxLenError(QualifiedNameMaxLength)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function checkLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LabelValueMaxLength) errs.push(maxLenError(LabelValueMaxLength));
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** path.ValidatePathSegmentName: names that must be usable as one URL path segment (RBAC roles, …). */
export function checkPathSegmentName(value: string, prefix = false): string[] {
  const errs: string[] = [];
  if (!prefix) {
    if (value === '.' || value === '..') errs.push(`may not be '${value}'`);
  }
  for (const ch of ['/', '%']) if (value.includes(ch)) errs.push(`may not contain '${ch}'`);
  return errs;
}

export const isDNS1123Label = (value: string): boolean => value.length <= DNS1123LabelMaxLength && dns1123LabelRe.test(value);
export const isDNS1123Subdomain = (value: string): boolean =>
  value.length <= DNS1123SubdomainMaxLength && dns1123SubdomainRe.test(value);
export const isDNS1035Label = (value: string): boolean => value.length <= DNS1035LabelMaxLength && dns1035LabelRe.test(value);
export const isQualifiedName = (value: string): boolean => checkQualifiedName(value).length === 0;
export const isValidLabelValue = (value: string): boolean => value.length <= LabelValueMaxLength && labelValueRe.test(value);

/** How a kind's metadata.name is checked (Kubernetes picks one per kind). */
export type NameValidation = 'subdomain' | 'label' | 'dns1035' | 'path';

/**
 * Messages for a name (or, with prefix=true, a generateName prefix: a trailing '-' is masked as Kubernetes'
 * maskTrailingDash does, so "web-" is a valid prefix).
 */
export function checkName(kind: NameValidation, value: string, prefix = false): string[] {
  let v = value;
  if (prefix && kind !== 'path' && v.length > 1 && v.endsWith('-')) v = `${v.slice(0, -2)}a`;
  switch (kind) {
    case 'label':
      return checkDNS1123Label(v);
    case 'dns1035':
      return checkDNS1035Label(v);
    case 'path':
      return checkPathSegmentName(v, prefix);
    default:
      return checkDNS1123Subdomain(v);
  }
}
