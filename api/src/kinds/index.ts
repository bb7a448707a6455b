// Every kind the API serves. Add a kind here and it appears in REST, discovery, OpenAPI and tables.
import type { KindDef } from '../schema/kind';
import { NamespaceKind } from './core/namespace';
import { ConfigMapKind } from './core/configmap';

export * from './core/namespace';
export * from './core/configmap';

export const allKinds: KindDef[] = [NamespaceKind, ConfigMapKind] as unknown as KindDef[];
