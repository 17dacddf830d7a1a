/**
 * @tcplab/tcp-core — an RFC 9293 TCP simulator, exact to the last sequence
 * number. Pure TypeScript: no I/O, no clock, no Math.random. Read
 * RFC 9293 §3.10 (Event Processing) beside arrive.ts and calls.ts.
 *
 *   const c0 = createConnection({ seed: 1 });
 *   const { connection, events, segments } = step(c0, { type: 'call', endpoint: 'server', call: 'listen' });
 */
export * from './sequence';
export * from './state';
export * from './diagram';
export * from './segment';
export type { EndpointConfig, Tcb, Timer, TimerKind, Endpoint, OwedSegment, DataChunk, SentSegment, HeldSegment } from './tcb';
export { windowField } from './tcb';
export * from './connection';
export * from './codes';
export type { TcpEvent, EventKind, EventParams } from './events';
export type { NetworkAction } from './context';
export type { DeliveryAction } from './network';
export { CALLS, CALL_ERROR_TEXT, type CallName, type CallError, type SendData, type Received, type Status } from './calls';
export type { SegmentDraft, Violation, ViolationCode, ViolationField, ExpectedSegment } from './validate';
export { isAcceptable } from './arrive';
export { step, type Input, type StepResult, type StepError, type Outcome } from './step';
export * from './render/tcpdump';
export * from './render/messages';
export * from './render/state-diagram';
export * from './payload';
export * from './render/pcap';
export * from './scenarios';
export * from './render/sequence-diagram';
export * from './render/svg';
export * from './render/mermaid';
export * from './capture';
export * from './quiz';
export * from './exercise';
