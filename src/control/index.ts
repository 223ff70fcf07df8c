export { buildControlApi, listen, type ControlApiOptions } from './server.ts';
export { bootstrapAdminToken, createToken, ensureAdminToken, hashToken, ADMIN_TOKEN_FILE, type TokenOptions } from './auth.ts';
export { ApiError, API_ERRORS, type ApiErrorCode } from './errors.ts';
export { formatDiagnostic, type VclDiagnostic, type VclValidator } from './validator.ts';
export { parseEgress, popAddresses } from './ipranges.ts';
export { tlsMaterial } from './tls/material.ts';
