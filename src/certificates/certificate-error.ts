// A certificate cannot be issued or a key used, for a reason an operator can act on (the CLI exits 1 with it).
export class CertificateError extends Error {}
