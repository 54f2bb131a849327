export * from './ack.js';
export * from './fleet.js';
export * from './events.js';
export * from './stocktake.js';
export * from './reports.js';
export * from './reconnect.js';
