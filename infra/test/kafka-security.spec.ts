// Kafka's TLS material and SASL secrets reach the pods the way the services read them: the files that
// KAFKA_TLS_*_FILE names lie in a read-only mount of the optional Secret okr-kafka-tls, and the SASL
// password and OAuth client secret come from the Secret okr-connections, never from the ConfigMap.
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const k8sDir = join(resolve(__dirname, '..'), 'k8s');
const SERVICES = ['goals', 'check-ins', 'insights', 'notifications'];
const TLS_SECRET = 'okr-kafka-tls';
const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'];

interface Container {
  envFrom?: { configMapRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Resource {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template: { spec: { containers: Container[]; volumes?: { name: string; secret?: { secretName: string; optional?: boolean } }[] } } };
}

const kubectl = process.env['KUBECTL'] ?? 'kubectl';
const hasKubectl = !spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).error;
if (!hasKubectl) console.warn('infra/test/kafka-security.spec.ts: SKIPPED: kubectl was not found (not on PATH, or not at $KUBECTL)');

const render = (dir: string): Resource[] =>
  parseAllDocuments(execFileSync(kubectl, ['kustomize', join(k8sDir, dir)], { encoding: 'utf8' }))
    .map((d) => d.toJSON() as Resource | null)
    .filter((r): r is Resource => r !== null);

const servicesOf = (objects: Resource[]) => objects.filter((o) => o.kind === 'Deployment' && SERVICES.includes(o.metadata.name));

const configOf = (objects: Resource[], container: Container): Record<string, string> => {
  const name = container.envFrom?.find((f) => f.configMapRef)?.configMapRef?.name;
  return objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)?.data ?? {};
};

(hasKubectl ? describe : describe.skip).each(['production', 'embedded'])('overlays/%s: Kafka TLS and SASL wiring', (overlay) => {
  let objects: Resource[];
  beforeAll(() => (objects = render(`overlays/${overlay}`)));

  it('mounts the optional Secret okr-kafka-tls read-only, so a cluster without TLS starts without it', () => {
    for (const d of servicesOf(objects)) {
      const pod = d.spec?.template.spec;
      const mount = pod?.containers[0]?.volumeMounts?.find((m) => m.mountPath === '/etc/okr/kafka-tls');
      expect({ service: d.metadata.name, mount }).toEqual({ service: d.metadata.name, mount: { name: expect.any(String), mountPath: '/etc/okr/kafka-tls', readOnly: true } });
      const volume = pod?.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.secret).toMatchObject({ secretName: TLS_SECRET, optional: true });
    }
  });

  it('names TLS files inside that mount, a known SASL mechanism, and no secret in the ConfigMap', () => {
    for (const d of servicesOf(objects)) {
      const container = d.spec?.template.spec.containers[0] as Container;
      const config = configOf(objects, container);
      for (const name of ['KAFKA_TLS_CA_FILE', 'KAFKA_TLS_CERT_FILE', 'KAFKA_TLS_KEY_FILE']) {
        if (config[name] !== undefined) expect(config[name]).toMatch(/^\/etc\/okr\/kafka-tls\/[\w.-]+$/);
      }
      if (config['KAFKA_SASL_MECHANISM'] !== undefined) expect(MECHANISMS).toContain(config['KAFKA_SASL_MECHANISM']);
      for (const secret of ['KAFKA_SASL_PASSWORD', 'KAFKA_OAUTH_CLIENT_SECRET', 'KAFKA_TLS_KEY', 'KAFKA_TLS_KEY_PASSWORD']) {
        expect(Object.keys(config)).not.toContain(secret);
      }
    }
  });
});

(hasKubectl ? describe : describe.skip)('overlays/production: a secured Kafka by default', () => {
  it('connects to Strimzi over TLS with its cluster CA and SCRAM-SHA-512, the password from okr-connections', () => {
    const objects = render('overlays/production');
    for (const d of servicesOf(objects)) {
      const container = d.spec?.template.spec.containers[0] as Container;
      expect(configOf(objects, container)).toMatchObject({
        KAFKA_TLS: 'true',
        KAFKA_TLS_CA_FILE: '/etc/okr/kafka-tls/ca.crt',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: expect.stringMatching(/\S/),
      });
      expect(container.env?.find((e) => e.name === 'KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({
        name: 'okr-connections',
        key: 'KAFKA_SASL_PASSWORD',
        optional: true,
      });
    }
  });
});
