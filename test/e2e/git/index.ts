/**
 * The commit under test, served at the repository URL the committed Argo CD
 * Applications name: `buildRepository` makes it, `startGitProxy` serves it.
 */
export { buildRepository, COMMIT_IDENTITY, RepositoryError, type BuildRepositoryOptions, type BuiltRepository, type RepositorySource } from "./repository.js";
export { NO_PROXY, repoServerEnv, startGitProxy, GitProxyError, type GitProxy, type GitProxyOptions, type ProxiedRequest } from "./proxy.js";
export { CertificateError } from "./certificates.js";
