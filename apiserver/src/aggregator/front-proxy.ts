// The front-proxy identity the API server presents to extension API servers (kube-apiserver's
// --proxy-client-cert-file/--proxy-client-key-file, signed by the CA in --requestheader-client-ca-file), and the
// kube-system/extension-apiserver-authentication ConfigMap that tells extension servers whom to trust for what.
// A separate CA from the cluster's: a client certificate of the cluster CA must not be able to assert X-Remote-User.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createCA, ensurePrivateDir, issueCertificate, writePrivateFile, type KeyPairPem } from '@kubets/client';
import type { KubeObject } from '@kubets/api';

export interface FrontProxyOptions {
  requestheaderClientCAFile?: string;
  proxyClientCertFile?: string;
  proxyClientKeyFile?: string;
  /** --requestheader-allowed-names (CNs of the proxy client certificate; empty = any the CA signed) */
  requestheaderAllowedNames?: string[];
}

export interface FrontProxy {
  /** the client certificate and key presented to extension servers */
  client: KeyPairPem;
  /** the CA that signed it (requestheader-client-ca-file) */
  caPem: string;
  allowedNames: string[];
}

export const frontProxyHeaders = {
  username: ['X-Remote-User'],
  group: ['X-Remote-Group'],
  extraPrefix: ['X-Remote-Extra-'],
};

/** From the flags, else <dataDir>/tls/front-proxy-{ca,client}.{crt,key} (created on first start), else in memory. */
export async function loadFrontProxy(o: FrontProxyOptions, dataDir: string | undefined): Promise<FrontProxy> {
  const allowedNames = o.requestheaderAllowedNames ?? ['front-proxy-client'];
  if (o.proxyClientCertFile && o.proxyClientKeyFile && o.requestheaderClientCAFile) {
    return {
      client: { certPem: fs.readFileSync(o.proxyClientCertFile, 'utf8'), keyPem: fs.readFileSync(o.proxyClientKeyFile, 'utf8') },
      caPem: fs.readFileSync(o.requestheaderClientCAFile, 'utf8'),
      allowedNames,
    };
  }
  const dir = dataDir ? path.join(dataDir, 'tls') : undefined;
  const read = (base: string): KeyPairPem | undefined => {
    if (!dir) return undefined;
    const crt = path.join(dir, `${base}.crt`);
    const key = path.join(dir, `${base}.key`);
    return fs.existsSync(crt) && fs.existsSync(key) ? { certPem: fs.readFileSync(crt, 'utf8'), keyPem: fs.readFileSync(key, 'utf8') } : undefined;
  };
  const write = (base: string, kp: KeyPairPem): void => {
    if (!dir) return;
    ensurePrivateDir(dir);
    writePrivateFile(path.join(dir, `${base}.key`), kp.keyPem);
    fs.writeFileSync(path.join(dir, `${base}.crt`), kp.certPem);
  };
  let ca = read('front-proxy-ca');
  if (!ca) {
    ca = await createCA('front-proxy-ca');
    write('front-proxy-ca', ca);
  }
  let client = read('front-proxy-client');
  if (!client) {
    client = await issueCertificate(ca, { commonName: 'front-proxy-client', usage: 'client', days: 365 });
    write('front-proxy-client', client);
  }
  return { client, caPem: ca.certPem, allowedNames };
}

/** kube-system/extension-apiserver-authentication as kube-apiserver publishes it. */
export function extensionAuthConfigMap(fp: FrontProxy, clientCaPem: string | undefined): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'extension-apiserver-authentication', namespace: 'kube-system' },
    data: {
      ...(clientCaPem ? { 'client-ca-file': clientCaPem } : {}),
      'requestheader-client-ca-file': fp.caPem,
      'requestheader-allowed-names': JSON.stringify(fp.allowedNames),
      'requestheader-username-headers': JSON.stringify(frontProxyHeaders.username),
      'requestheader-group-headers': JSON.stringify(frontProxyHeaders.group),
      'requestheader-extra-headers-prefix': JSON.stringify(frontProxyHeaders.extraPrefix),
    },
  };
}
