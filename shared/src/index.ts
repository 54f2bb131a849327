export * from './errors.js';
export * from './api/common.js';
export * from './api/auth.js';
export * from './api/catalog.js';
export * from './api/inventory.js';
export * from './api/org.js';
export * from './api/fleet.js';
export * from './protocol/index.js';
