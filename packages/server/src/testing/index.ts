/**
 * `@port53/server/testing`: a real DNS server for a test suite, on a free loopback port, with zones
 * from memory, records changed mid-test and faults injected per name, type and transport.
 */
export { createTestServer } from './test-server.js';
export type { SetOptions, TestServer, TestServerOptions } from './test-server.js';
export type { Fault, FaultKind, FaultMatch, FaultOptions } from './faults.js';
export type { QueryRecord } from './intercept.js';
export type { LookupFunction } from '@port53/resolver/dns';
export type { NameRecords, RecordValues, TestZoneInput } from './test-zone.js';
export { TestServerError } from './errors.js';
export type { TestServerErrorCode } from './errors.js';
