import { spawn, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { deadLetterTopic, TOPICS } from '../lib/topics';
import { preloadKafkajs } from './kafkajs-preload';

/** A Kafka cluster for tests: librdkafka's mock inside `kcat`, or a real one from `KAFKA_BROKERS`. */
export interface KafkaTestCluster {
  brokers: string[];
  /** True when `KAFKA_BROKERS` pointed at a real cluster: its topics come from infra, and the mock's limits do not apply. */
  external: boolean;
  stop(): Promise<void>;
}

/** Every topic and dead-letter topic of `TOPICS`: what infra creates in production. */
export const ALL_TOPICS: readonly string[] = Object.values(TOPICS).flatMap((topic) => [topic.name, deadLetterTopic(topic.name)]);

/** Header of the records that create topics on the mock; they carry no `ce_id`, so consumers skip them. */
export const TOPIC_MARKER_HEADER = 'okr_topic_marker';

const START_TIMEOUT_MS = 10_000;

/**
 * Starts librdkafka's mock cluster (3 brokers) inside `kcat`, reads its `bootstrap.servers` from
 * stderr, and creates `topics` (default: all of `TOPICS` and their `.dlq`). With `KAFKA_BROKERS` set,
 * returns that cluster instead and spawns nothing. `stop()` kills kcat by its pid. Call it from a
 * hook: it also preloads kafkajs for Jest (see {@link preloadKafkajs}).
 */
export async function startKafkaMock(options: { topics?: readonly string[] } = {}): Promise<KafkaTestCluster> {
  preloadKafkajs();
  const external = process.env['KAFKA_BROKERS'];
  if (external) {
    return { brokers: external.split(',').map((broker) => broker.trim()), external: true, stop: async () => undefined };
  }
  const child = spawn('kcat', ['-b', 'unused:9092', '-X', 'test.mock.num.brokers=3', '-d', 'mock', '-C', '-t', '_keepalive', '-o', 'end'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const kill = () => child.kill('SIGKILL');
  // A test run that dies must not leave the mock running.
  process.once('exit', kill);
  let brokers: string[];
  try {
    brokers = await bootstrapServers(child);
  } catch (error) {
    kill();
    process.removeListener('exit', kill);
    throw error;
  }
  const cluster: KafkaTestCluster = {
    brokers,
    external: false,
    stop: async () => {
      process.removeListener('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(kill, 2000);
      await exited;
      clearTimeout(timer);
    },
  };
  try {
    await createMockTopics(brokers, options.topics ?? ALL_TOPICS);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

function bootstrapServers(child: ChildProcess): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`kcat printed no bootstrap.servers within ${START_TIMEOUT_MS} ms; stderr so far:\n${seen.slice(-2000)}`)),
      START_TIMEOUT_MS,
    );
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new Error('kcat is not installed; the Kafka tests run against the mock cluster inside it: apt-get install kcat')
          : error,
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`kcat exited (code ${code}, signal ${signal}) before printing bootstrap.servers:\n${seen.slice(-2000)}`));
    });
    child.stderr?.setEncoding('utf8');
    // -d mock logs every request: stderr must keep being drained, or kcat blocks on a full pipe.
    let found = false;
    child.stderr?.on('data', (chunk: string) => {
      if (found) return;
      seen += chunk;
      const match = /bootstrap\.servers=(\S+)/.exec(seen);
      if (match) {
        found = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        seen = '';
        resolve(match[1].split(','));
      }
    });
  });
}

/**
 * Creates topics on the mock, which has no working CreateTopics: it creates a topic when a record is
 * produced to it, so one marker record per topic does it (consumers skip records without `ce_id`).
 */
export async function createMockTopics(brokers: string[], topics: readonly string[]): Promise<void> {
  const kafka = new Kafka({ brokers, clientId: 'okr-test-harness', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true });
  await producer.connect();
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: topics.map((topic) => ({
        topic,
        messages: [{ key: null, value: null, headers: { [TOPIC_MARKER_HEADER]: 'created' } }],
      })),
    });
  } finally {
    await producer.disconnect();
  }
}
