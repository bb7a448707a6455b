export { requestNodeClientCertificate, csrOutcome, CsrRefused, nodeClientUsages, type IssuedCertificate, type ClientCertRequest } from './csr';
export { CertificateManager, nextRotationDeadline, readCertificateInfo, splitPem, writeCertKeyFile, type CertificateInfo, type CertificateManagerOptions } from './manager';
export { requestCertificate, type CertificateRequest } from './csr';
export { ServingCertificateManager, servingHosts, kubeletServingUsages, servingCertFileName, type ServingCertificateManagerOptions, type ServingPair, type NodeAddressLike } from './serving';
