// Query parameter helpers for list/watch/write requests.
import { errors } from '@kubets/api';
import type { ListParams } from '../registry/store';

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw errors.badRequest(`invalid value for ${name}: "${v}"`);
  return Number(v);
}

/**
 * A boolean query value as apimachinery converts it (runtime.Convert_Slice_string_To_bool): only an absent
 * parameter, "0" and "false" (any case) are false; everything else, even "" and "True", is true.
 */
export function queryBool(v: string | null): boolean {
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}

export function boolParam(q: URLSearchParams, name: string): boolean {
  return queryBool(q.get(name));
}

export function listParams(q: URLSearchParams): ListParams {
  const p: ListParams = {};
  const ls = q.get('labelSelector');
  if (ls) p.labelSelector = ls;
  const fs = q.get('fieldSelector');
  if (fs) p.fieldSelector = fs;
  const rv = q.get('resourceVersion');
  if (rv !== null) {
    if (rv !== '' && !/^\d+$/.test(rv)) throw errors.badRequest(`invalid resource version: ${rv}`);
    p.resourceVersion = rv;
  }
  const rvm = q.get('resourceVersionMatch');
  if (rvm) p.resourceVersionMatch = rvm;
  const limit = intParam(q, 'limit');
  if (limit !== undefined && limit > 0) p.limit = limit;
  const cont = q.get('continue');
  if (cont) p.continue = cont;
  return p;
}
