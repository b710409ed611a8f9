export { TOKEN_LIFETIME_SECONDS, signToken, verifyBearer, verifyToken } from './tokens';
export { bearerVerifier } from './config-secret';
