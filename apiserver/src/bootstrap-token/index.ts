export { handleBootstrap, BOOTSTRAP_PATH, type BootstrapDeps, type BootstrapResponse } from './handler';
export { loadOrCreateJoinToken, readJoinToken, generateJoinToken, tokenFile, tokensEqual, TOKEN_PATTERN } from './token';
