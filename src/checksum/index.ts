export * from './algorithms.js';
export * from './base64.js';
export * from './composite.js';
export * from './crc-combine.js';
export { crc32 } from './crc32.js';
export { crc32c } from './crc32c.js';
export { crc64nvme } from './crc64nvme.js';
export * from './hasher.js';
export * from './hashing-stream.js';
