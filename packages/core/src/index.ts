export * from './event';
export * from './accounts';
export * from './errors';
export * from './ingest-contracts';
export * from './query';
export * from './text';
export * from './validate';
export * from './revenue';
