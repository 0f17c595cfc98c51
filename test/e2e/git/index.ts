/**
 * The commit under test, served at the repository URL the committed Argo CD
 * Applications name: `buildRepository` makes it, `startGitProxy` serves it
 * (and tunnels the stand-ins' hosts to them).
 */
export { buildRepository, COMMIT_IDENTITY, RepositoryError, type BuildRepositoryOptions, type BuiltRepository, type RepositorySource } from "./repository.js";
export { NO_PROXY, parseTunnelFlag, repoServerEnv, startGitProxy, GitProxyError, type GitProxy, type GitProxyOptions, type GitProxyTunnel, type ProxiedRequest } from "./proxy.js";
export { CertificateError, type IssuedCertificate } from "./certificates.js";
