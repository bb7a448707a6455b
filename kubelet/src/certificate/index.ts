export { requestNodeClientCertificate, csrOutcome, CsrRefused, nodeClientUsages, type IssuedCertificate, type ClientCertRequest } from './csr';
export { CertificateManager, nextRotationDeadline, readCertificateInfo, splitPem, writeCertKeyFile, type CertificateInfo, type CertificateManagerOptions } from './manager';
