import { kafkaMessagingFixture, messagingContract, startKafkaMock, type KafkaTestCluster } from '../../testing';

// One mock for the whole file: starting it is fast, but every group join on it costs seconds.
let cluster: KafkaTestCluster;

beforeAll(async () => {
  cluster = await startKafkaMock();
});

afterAll(async () => {
  await cluster?.stop();
});

messagingContract('Kafka (kafkajs)', () => kafkaMessagingFixture(cluster), { concurrent: true });
