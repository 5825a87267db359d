/**
 * The admin API contract: every route's request and response schema, written once and used by the server
 * (to validate input) and the renderer, tray and CLI (to validate responses).
 */
export * from './accounts';
export * from './api-keys';
export * from './errors';
export * from './health';
export * from './requests';
export * from './settings';
export * from './events';
export * from './oauth';
export * from './pool';
export * from './quota-history';
export * from './backup';
export * from './connect';
export * from './session';
export * from './insight';
