export * from './testing/messaging.contract';
export * from './testing/wait-for';
export * from './testing/kafka-mock';
export * from './testing/kafka.fixture';
export * from './testing/test-logger';
export * from './testing/kafkajs-preload';
export * from './testing/racing-read-store';
