export * from './goals';
