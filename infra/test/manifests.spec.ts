// The deployment files render and say what they mean: every kustomize overlay renders with
// `kubectl kustomize` (offline) and each rendered object is checked for the properties the platform
// relies on; docker-compose.yml and the Dockerfile are read and checked the same way. Nothing here
// needs a cluster or a Docker engine. Without kubectl on PATH the kustomize suites are skipped, and
// say so.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const repoRoot = resolve(__dirname, '..', '..');
const k8sDir = join(repoRoot, 'infra', 'k8s');

const EVENT_TOPICS = ['okr.goals.v1', 'okr.checkins.v1', 'okr.insights.v1'];
/** Every service and its HTTP port, in kustomize (container, Service, PORT, scrape port) and compose. */
const SERVICE_PORTS: Record<string, number> = { goals: 3001, 'check-ins': 3002, insights: 3003, notifications: 3004 };
/** Services that run a fixed count in production instead of an autoscaler. notifications: deliveries
 *  and reminder ticks are claimed under a lease, so its replicas never send twice; 2 for availability. */
const FIXED_REPLICAS: Record<string, number> = { notifications: 2 };
/** Environment variables that may carry credentials: from the Secret okr-connections only. */
const SECRET_ENV = ['EVENTSTORE_URL', 'MONGO_URL', 'KAFKA_SASL_PASSWORD', 'KAFKA_OAUTH_CLIENT_SECRET'];
const SECRET_ENV_OF: Record<string, string[]> = { notifications: ['OKR_SMTP_URL', 'OKR_SECRETS_KEY'] };
/** notifications' delivery settings with their defaults (the same in compose and kustomize). */
const NOTIFICATION_SETTINGS = {
  OKR_SMTP_FROM: 'OKR <okr@localhost>',
  OKR_DELIVERY_MAX_ATTEMPTS: '8',
  OKR_WEBHOOK_TIMEOUT_MS: '10000',
  OKR_DELIVERY_LEASE_SECONDS: '60',
  OKR_REMINDER_INTERVAL_SECONDS: '300',
};
/** notifications' guard against private webhook / chat destinations (SSRF): on wherever it runs for real. */
const PRODUCTION_NOTIFICATION_SETTINGS = { OKR_WEBHOOK_ALLOW_PRIVATE: 'false' };
const FOURTEEN_DAYS_MS = 14 * 24 * 60 * 60 * 1000;
const HEALTH_LIVE = '/health/live';
const HEALTH_READY = '/health/ready';

// ---- the shapes read from the rendered manifests --------------------------------------------------

type Labels = Record<string, string>;
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}
interface Container {
  name: string;
  image?: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  topologySpreadConstraints?: { topologyKey: string; labelSelector?: { matchLabels?: Labels } }[];
  affinity?: {
    podAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: { topologyKey: string; labelSelector?: { matchLabels?: Labels } }[];
    };
  };
  containers: Container[];
  volumes?: { name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string } }[];
}
interface Deployment extends Resource {
  spec: {
    replicas?: number;
    selector: { matchLabels: Labels };
    strategy?: { type: string; rollingUpdate?: unknown };
    template: { metadata: { labels: Labels; annotations?: Record<string, string> }; spec: PodSpec };
  };
}
interface ConfigMap extends Resource {
  data: Record<string, string>;
}
interface Service extends Resource {
  spec: { selector: Labels; ports: { name?: string; port: number; targetPort: string | number }[] };
}
interface PodDisruptionBudget extends Resource {
  spec: { selector: { matchLabels: Labels }; maxUnavailable?: number | string; minAvailable?: number | string };
}
interface HorizontalPodAutoscaler extends Resource {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: { type: string; resource?: { name: string } }[];
  };
}
interface PersistentVolumeClaim extends Resource {
  spec: { accessModes: string[] };
}
interface KafkaTopic extends Resource {
  spec: { topicName?: string; partitions: number; replicas: number; config: Record<string, string | number> };
}

// ---- helpers --------------------------------------------------------------------------------------

function findKubectl(): string | undefined {
  const kubectl = process.env['KUBECTL'] ?? 'kubectl';
  const probe = spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' });
  return probe.error ? undefined : kubectl;
}

function render(kubectl: string, dir: string): Resource[] {
  const yamlText = execFileSync(kubectl, ['kustomize', join(k8sDir, dir)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const objects: Resource[] = [];
  for (const doc of parseAllDocuments(yamlText)) {
    if (doc.errors.length > 0) throw new Error(`${dir}: unparsable output: ${doc.errors[0]?.message}`);
    const value = doc.toJSON() as Resource | null;
    if (value) objects.push(value);
  }
  return objects;
}

/** One of the four services (not the web front). */
const isService = (o: Resource): boolean => o.metadata.name in SERVICE_PORTS;

function ofKind<T extends Resource>(objects: Resource[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

function selects(selector: Labels, labels: Labels | undefined): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** Kubernetes quantities: memory in bytes, CPU in millicores. */
function quantity(value: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(value ?? ''));
  if (!m) return Number.NaN;
  const scale: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return Number(m[1]) * (scale[m[2] ?? ''] ?? Number.NaN);
}

/** The web front in base/web (the web app and the HTTPRoutes): checked by web-routes.spec.ts, not as a service. */
const WEB = 'web';

/** The services as laid out in base/: one folder (with a kustomization.yaml) per service. */
function baseServices(): string[] {
  const base = join(k8sDir, 'base');
  return readdirSync(base, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== WEB && existsSync(join(base, e.name, 'kustomization.yaml')))
    .map((e) => e.name)
    .sort();
}

function envValue(container: Container, name: string): EnvVar | undefined {
  return container.env?.find((e) => e.name === name);
}

function configFor(objects: Resource[], deployment: Deployment): ConfigMap {
  const refs = deployment.spec.template.spec.containers.flatMap(
    (c) => c.envFrom?.map((f) => f.configMapRef?.name).filter((n): n is string => !!n) ?? [],
  );
  const maps = ofKind<ConfigMap>(objects, 'ConfigMap').filter((m) => refs.includes(m.metadata.name));
  expect(maps.map((m) => m.metadata.name)).toEqual([expect.stringMatching(/^okr-config-[a-z0-9]+$/)]);
  return maps[0] as ConfigMap;
}

// ---- kustomize ------------------------------------------------------------------------------------

const kubectl = findKubectl();
if (!kubectl) {
  console.warn(
    'infra/test/manifests.spec.ts: the kustomize suites are SKIPPED: kubectl was not found (not on PATH, or not at $KUBECTL) ' +
      '(install kubectl, or set KUBECTL to its path, to render infra/k8s). The compose and Dockerfile checks still run.',
  );
}
const describeWithKubectl = kubectl ? describe : describe.skip;

describeWithKubectl('kustomize overlays (kubectl kustomize)', () => {
  const services = baseServices();

  it('finds the services in base/, one folder each, each an app in apps/', () => {
    expect(services).toEqual(Object.keys(SERVICE_PORTS).sort());
    for (const name of services) expect(existsSync(join(repoRoot, 'apps', name))).toBe(true);
  });

  describe.each(['production', 'embedded'])('overlays/%s: every service', (overlay) => {
    let objects: Resource[];
    let deployments: Deployment[];
    beforeAll(() => {
      objects = render(kubectl as string, `overlays/${overlay}`);
      deployments = ofKind<Deployment>(objects, 'Deployment').filter(isService);
    });

    it('renders a Deployment, Service, PodDisruptionBudget and ServiceAccount per base/ service folder', () => {
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'ServiceAccount']) {
        // (the headless `<service>-metrics` Services of the monitoring component are not a service's own)
        const names = ofKind(objects, kind).map((o) => o.metadata.name).filter((name) => name !== WEB && !name.endsWith('-metrics'));
        expect(names.sort()).toEqual(services);
      }
    });

    it('is namespace-agnostic and carries the common labels on every object', () => {
      for (const o of objects) {
        expect({ object: `${o.kind}/${o.metadata.name}`, namespace: o.metadata.namespace }).toEqual({
          object: `${o.kind}/${o.metadata.name}`,
          namespace: undefined,
        });
        expect(o.metadata.labels?.['app.kubernetes.io/part-of']).toBe('okr-platform');
        expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('kustomize');
      }
    });

    it('runs each service from the one image, pinned, with its own entry point and port', () => {
      for (const d of deployments) {
        const [container, ...others] = d.spec.template.spec.containers;
        expect(others).toEqual([]);
        expect(container?.image).toMatch(/^[a-z0-9.-]+(:\d+)?\/[a-z0-9./_-]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/);
        expect(container?.image).not.toMatch(/:latest$/);
        expect(container?.args).toEqual([`dist/apps/${d.metadata.name}/src/main.js`]);
        const http = container?.ports?.find((p) => p.name === 'http');
        expect({ service: d.metadata.name, port: http?.containerPort }).toEqual({
          service: d.metadata.name,
          port: SERVICE_PORTS[d.metadata.name],
        });
        expect(envValue(container as Container, 'PORT')?.value).toBe(String(http?.containerPort));
        const svc = ofKind<Service>(objects, 'Service').find((s) => s.metadata.name === d.metadata.name);
        expect(svc?.spec.ports.map((p) => p.port)).toEqual([SERVICE_PORTS[d.metadata.name]]);
      }
    });

    it('asks Prometheus to scrape /metrics on the metrics port (OKR_METRICS_PORT), which no routed Service exposes', () => {
      for (const d of deployments) {
        const container = d.spec.template.spec.containers[0] as Container;
        const metrics = container.ports?.find((p) => p.name === 'metrics');
        expect(metrics?.containerPort).toBeDefined();
        expect(envValue(container, 'OKR_METRICS_PORT')?.value).toBe(String(metrics?.containerPort));
        expect({ service: d.metadata.name, annotations: d.spec.template.metadata.annotations }).toEqual({
          service: d.metadata.name,
          annotations: expect.objectContaining({
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(metrics?.containerPort),
            'prometheus.io/path': '/metrics',
          }),
        });
        const svc = ofKind<Service>(objects, 'Service').find((s) => s.metadata.name === d.metadata.name);
        expect(svc?.spec.ports.map((p) => p.port)).not.toContain(metrics?.containerPort);
      }
    });

    it('reads credentials (connection strings, the SMTP URL) from the Secret okr-connections, optional', () => {
      for (const d of deployments) {
        const container = d.spec.template.spec.containers[0] as Container;
        for (const name of [...SECRET_ENV, ...(SECRET_ENV_OF[d.metadata.name] ?? [])]) {
          const env = envValue(container, name);
          expect({ service: d.metadata.name, env }).toEqual({
            service: d.metadata.name,
            env: { name, valueFrom: { secretKeyRef: { name: 'okr-connections', key: name, optional: true } } },
          });
        }
      }
    });

    it('gives notifications its delivery settings: a sender, and positive whole numbers', () => {
      const notifications = deployments.find((d) => d.metadata.name === 'notifications');
      const container = notifications?.spec.template.spec.containers[0] as Container;
      for (const name of Object.keys(NOTIFICATION_SETTINGS)) {
        const value = envValue(container, name)?.value;
        const shape = name === 'OKR_SMTP_FROM' ? /^[^<>]+ <[^@\s<>]+@[^@\s<>]+>$/ : /^[1-9]\d*$/;
        expect({ name, value }).toEqual({ name, value: expect.stringMatching(shape) });
      }
      // The defaults where nothing overrides them (production sets its own sender: tested below).
      if (overlay === 'embedded') {
        expect(Object.fromEntries(Object.keys(NOTIFICATION_SETTINGS).map((n) => [n, envValue(container, n)?.value]))).toEqual(
          NOTIFICATION_SETTINGS,
        );
      }
    });

    it('probes readiness on /health/ready and liveness on /health/live, on a declared port', () => {
      for (const d of deployments) {
        for (const c of d.spec.template.spec.containers) {
          expect(c.readinessProbe?.httpGet?.path).toBe(HEALTH_READY);
          expect(c.livenessProbe?.httpGet?.path).toBe(HEALTH_LIVE);
          const ports = (c.ports ?? []).flatMap((p) => [p.name, p.containerPort]);
          expect(ports).toContain(c.readinessProbe?.httpGet?.port);
          expect(ports).toContain(c.livenessProbe?.httpGet?.port);
        }
      }
    });

    it('runs as non-root with a read-only root filesystem, no capabilities and the runtime seccomp profile', () => {
      for (const d of deployments) {
        const pod = d.spec.template.spec;
        expect(pod.securityContext?.runAsNonRoot).toBe(true);
        expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
        expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
        for (const c of pod.containers) {
          expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
          expect(c.securityContext?.privileged).not.toBe(true);
          expect(c.securityContext?.readOnlyRootFilesystem).toBe(true);
          expect(c.securityContext?.capabilities?.drop).toContain('ALL');
          expect(c.securityContext?.capabilities?.add ?? []).toEqual([]);
          // A read-only root needs a writable /tmp, from an emptyDir.
          const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
          expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
          for (const mount of c.volumeMounts ?? []) {
            expect(pod.volumes?.map((v) => v.name)).toContain(mount.name);
          }
        }
      }
    });

    it('sets requests and limits, a grace period and a spread over nodes', () => {
      for (const d of deployments) {
        const pod = d.spec.template.spec;
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(10);
        for (const c of pod.containers) {
          const { requests, limits } = c.resources ?? {};
          for (const r of ['cpu', 'memory']) {
            expect(quantity(requests?.[r])).toBeGreaterThan(0);
            expect(quantity(limits?.[r])).toBeGreaterThanOrEqual(quantity(requests?.[r]));
          }
        }
        const spread = pod.topologySpreadConstraints ?? [];
        expect(spread.map((t) => t.topologyKey)).toContain('kubernetes.io/hostname');
        for (const t of spread) expect(selects(t.labelSelector?.matchLabels ?? {}, d.spec.template.metadata.labels)).toBe(true);
      }
    });

    it('wires selectors, the Service, the PodDisruptionBudget and the ServiceAccount to each Deployment', () => {
      const serviceAccounts = ofKind(objects, 'ServiceAccount').map((s) => s.metadata.name);
      for (const d of deployments) {
        const podLabels = d.spec.template.metadata.labels;
        expect(selects(d.spec.selector.matchLabels, podLabels)).toBe(true);
        expect(serviceAccounts).toContain(d.spec.template.spec.serviceAccountName);

        const svc = ofKind<Service>(objects, 'Service').find((s) => s.metadata.name === d.metadata.name);
        expect(svc && selects(svc.spec.selector, podLabels)).toBe(true);
        const containerPorts = d.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
        for (const p of svc?.spec.ports ?? []) {
          expect(containerPorts.flatMap((cp) => [cp.name, cp.containerPort])).toContain(p.targetPort);
        }

        const pdb = ofKind<PodDisruptionBudget>(objects, 'PodDisruptionBudget').find(
          (p) => p.metadata.name === d.metadata.name,
        );
        expect(pdb && selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
        // maxUnavailable, so that a single replica can still be drained.
        expect(pdb?.spec.maxUnavailable).toBe(1);
      }
      // No Service selects the pods of another service.
      for (const s of ofKind<Service>(objects, 'Service').filter(isService)) {
        expect(deployments.filter((d) => selects(s.spec.selector, d.spec.template.metadata.labels))).toHaveLength(1);
      }
    });

    it('takes settings from the generated okr-config ConfigMap, with a valid mode for each port', () => {
      for (const d of deployments) {
        const { data } = configFor(objects, d);
        expect(['sqlite', 'kurrentdb']).toContain(data['OKR_EVENT_STORE']);
        expect(['embedded', 'kafka']).toContain(data['OKR_BUS']);
        expect(['embedded', 'mongodb']).toContain(data['OKR_READ_STORE']);
        expect(['sqlite', 'mongodb']).toContain(data['OKR_KEY_STORE']);
        expect(['embedded', 'oidc']).toContain(data['OKR_AUTH_MODE']);
        expect(data['OKR_DATA_DIR']).toMatch(/^\//);
        // Credentials never sit in a ConfigMap.
        for (const name of [...SECRET_ENV, ...Object.values(SECRET_ENV_OF).flat()]) {
          expect(Object.keys(data)).not.toEqual(expect.arrayContaining([name]));
        }
        // The data folder is mounted where OKR_DATA_DIR points.
        for (const c of d.spec.template.spec.containers) {
          expect(c.volumeMounts?.map((m) => m.mountPath)).toContain(data['OKR_DATA_DIR']);
        }
      }
    });
  });

  describe('overlays/production', () => {
    let objects: Resource[];
    let deployments: Deployment[];
    beforeAll(() => {
      objects = render(kubectl as string, 'overlays/production');
      deployments = ofKind<Deployment>(objects, 'Deployment').filter(isService);
    });

    it('selects KurrentDB, Kafka, MongoDB and OIDC in the rendered ConfigMap', () => {
      for (const d of deployments) {
        const { data } = configFor(objects, d);
        expect(data).toMatchObject({
          OKR_EVENT_STORE: 'kurrentdb',
          OKR_BUS: 'kafka',
          OKR_READ_STORE: 'mongodb',
          // Replicas share one key store; a key file per pod could not open the others' events.
          OKR_KEY_STORE: 'mongodb',
          OKR_AUTH_MODE: 'oidc',
          KAFKA_IDEMPOTENT: 'true',
        });
        // ...which needs the connection string from the Secret.
        expect(envValue(d.spec.template.spec.containers[0] as Container, 'MONGO_URL')).toMatchObject({
          valueFrom: { secretKeyRef: { name: 'okr-connections', key: 'MONGO_URL' } },
        });
        expect(data['KAFKA_BROKERS']).toMatch(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/);
        expect(data['OKR_OIDC_ISSUER']).toMatch(/^https:\/\//);
        expect(data['OKR_OIDC_AUDIENCE']).toMatch(/\S/);
        expect(data['OKR_OIDC_CLIENT_ID']).toMatch(/^\S+$/);
      }
    });

    it('refuses webhook and chat URLs that lead to private addresses (OKR_WEBHOOK_ALLOW_PRIVATE=false)', () => {
      const notifications = deployments.find((d) => d.metadata.name === 'notifications');
      const container = notifications?.spec.template.spec.containers[0] as Container;
      for (const [name, value] of Object.entries(PRODUCTION_NOTIFICATION_SETTINGS)) {
        expect(envValue(container, name)).toEqual({ name, value });
      }
    });

    it('sends platform email from an address of its own domain, not okr@localhost', () => {
      const notifications = deployments.find((d) => d.metadata.name === 'notifications');
      const from = envValue(notifications?.spec.template.spec.containers[0] as Container, 'OKR_SMTP_FROM')?.value;
      expect(from).toMatch(/^[^<>]+ <[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+>$/);
      expect(from).not.toMatch(/@localhost>/);
    });

    it('runs notifications at a fixed 2 replicas, rolling, with no autoscaler', () => {
      const hpas = ofKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
      for (const [name, replicas] of Object.entries(FIXED_REPLICAS)) {
        const d = deployments.find((x) => x.metadata.name === name);
        expect({ name, replicas: d?.spec.replicas, strategy: d?.spec.strategy?.type }).toEqual({
          name,
          replicas,
          strategy: 'RollingUpdate',
        });
        expect(hpas.filter((h) => h.spec.scaleTargetRef.name === name)).toEqual([]);
      }
    });

    it('runs at least 3 replicas of every other service, autoscaled on CPU, rolling without downtime', () => {
      const hpas = ofKind<HorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
      const autoscaled = deployments.filter((d) => !(d.metadata.name in FIXED_REPLICAS));
      expect(autoscaled.map((d) => d.metadata.name).sort()).toEqual(['check-ins', 'goals', 'insights']);
      for (const d of autoscaled) {
        // No fixed count that a re-apply would reset under the autoscaler; if one is set, it is >= 2.
        if (d.spec.replicas !== undefined) expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
        const hpa = hpas.filter((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name);
        expect(hpa).toHaveLength(1);
        expect(hpa[0]?.spec.minReplicas).toBeGreaterThanOrEqual(3);
        expect(hpa[0]?.spec.maxReplicas).toBeGreaterThanOrEqual(hpa[0]?.spec.minReplicas ?? Infinity);
        expect(hpa[0]?.spec.metrics.map((m) => m.resource?.name)).toContain('cpu');
        expect(d.spec.strategy?.type ?? 'RollingUpdate').toBe('RollingUpdate');
      }
    });

    it('keeps no state on a PersistentVolumeClaim', () => {
      expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    });
  });

  describe('overlays/embedded', () => {
    let objects: Resource[];
    let deployments: Deployment[];
    beforeAll(() => {
      objects = render(kubectl as string, 'overlays/embedded');
      deployments = ofKind<Deployment>(objects, 'Deployment').filter(isService);
    });

    it('selects SQLite and the embedded bus and read store in the rendered ConfigMap', () => {
      for (const d of deployments) {
        expect(configFor(objects, d).data).toMatchObject({
          OKR_EVENT_STORE: 'sqlite',
          OKR_BUS: 'embedded',
          OKR_READ_STORE: 'embedded',
        });
      }
    });

    it('runs exactly one replica of each service, recreated, never autoscaled', () => {
      expect(deployments.length).toBeGreaterThan(0);
      for (const d of deployments) {
        expect(d.spec.replicas).toBe(1);
        expect(d.spec.strategy?.type).toBe('Recreate');
        expect(d.spec.strategy?.rollingUpdate).toBeUndefined();
      }
      expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    });

    it('keeps OKR_DATA_DIR on one PersistentVolumeClaim shared by all services, on one node', () => {
      const pvcs = ofKind<PersistentVolumeClaim>(objects, 'PersistentVolumeClaim');
      expect(pvcs).toHaveLength(1);
      expect(pvcs[0]?.spec.accessModes).toEqual(['ReadWriteOnce']);
      for (const d of deployments) {
        const pod = d.spec.template.spec;
        const dataDir = configFor(objects, d).data['OKR_DATA_DIR'];
        const mount = pod.containers[0]?.volumeMounts?.find((m) => m.mountPath === dataDir);
        const volume = pod.volumes?.find((v) => v.name === mount?.name);
        expect(volume).toEqual({ name: mount?.name, persistentVolumeClaim: { claimName: pvcs[0]?.metadata.name } });
        const together = pod.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
        expect(together).toContainEqual({
          topologyKey: 'kubernetes.io/hostname',
          labelSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'okr-platform' } },
        });
      }
    });
  });

  describe('kafka-topics (Strimzi KafkaTopic)', () => {
    let topics: KafkaTopic[];
    const topicName = (t: KafkaTopic) => t.spec.topicName ?? t.metadata.name;
    beforeAll(() => {
      const objects = render(kubectl as string, 'kafka-topics');
      expect(objects.every((o) => o.kind === 'KafkaTopic' && o.apiVersion === 'kafka.strimzi.io/v1beta2')).toBe(true);
      topics = ofKind<KafkaTopic>(objects, 'KafkaTopic');
    });

    it('defines one event topic per bounded context and its dead-letter topic, nothing else', () => {
      const expected = EVENT_TOPICS.flatMap((t) => [t, `${t}.dlq`]).sort();
      expect(topics.map(topicName).sort()).toEqual(expected);
    });

    it('gives every topic 6 partitions, 3 replicas, min.insync.replicas 2 and a Strimzi cluster', () => {
      for (const t of topics) {
        expect({ topic: topicName(t), partitions: t.spec.partitions, replicas: t.spec.replicas }).toEqual({
          topic: topicName(t),
          partitions: 6,
          replicas: 3,
        });
        expect(Number(t.spec.config['min.insync.replicas'])).toBe(2);
        expect(t.metadata.labels?.['strimzi.io/cluster']).toMatch(/\S/);
      }
    });

    it('keeps events forever and dead letters 14 days', () => {
      for (const t of topics) {
        const retention = Number(t.spec.config['retention.ms']);
        if (topicName(t).endsWith('.dlq')) expect(retention).toBe(FOURTEEN_DAYS_MS);
        else {
          expect(retention).toBe(-1);
          expect(Number(t.spec.config['retention.bytes'] ?? -1)).toBe(-1);
          expect(t.spec.config['cleanup.policy'] ?? 'delete').not.toMatch(/compact/);
        }
      }
    });
  });
});

// ---- docker-compose.yml ---------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const { services } = compose;
  const engines = ['kurrentdb', 'kafka', 'mongodb'];

  it('runs the production engines, each with a healthcheck', () => {
    for (const name of engines) expect(services[name]?.healthcheck?.test).toBeDefined();
    expect(services['kurrentdb']?.image).toMatch(/kurrentdb:/);
    expect(services['kurrentdb']?.environment).toMatchObject({ KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'None' });
    expect(services['kafka']?.image).toBe('apache/kafka:3.9.0');
    expect(services['mongodb']?.image).toMatch(/^mongo:8/);
    expect(services['mongodb']?.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(JSON.stringify(services['mongodb']?.healthcheck?.test)).toMatch(/rs\.initiate/);
  });

  it('creates every topic and dead-letter topic in kafka-init, the same names as infra/k8s/kafka-topics', () => {
    const script = [services['kafka-init']?.command ?? []].flat().join('\n');
    const loop = /for topic in ([\w. ]+); do/.exec(script);
    expect(loop?.[1]?.trim().split(/\s+/).sort()).toEqual([...EVENT_TOPICS].sort());
    expect(script).toMatch(/--topic "\$\$topic" --partitions 6/);
    expect(script).toMatch(/--topic "\$\$topic\.dlq" --partitions 6/);
    expect(script).toMatch(/retention\.ms=-1/);
    expect(script).toMatch(new RegExp(`retention\\.ms=${FOURTEEN_DAYS_MS}`));
  });

  it('starts goals in production mode once the engines are healthy and the topics exist', () => {
    const goals = services['goals'];
    expect(goals?.build).toEqual({ context: '.', dockerfile: 'infra/docker/Dockerfile' });
    expect(goals?.command).toEqual(['dist/apps/goals/src/main.js']);
    expect(goals?.environment).toMatchObject({
      OKR_EVENT_STORE: 'kurrentdb',
      EVENTSTORE_URL: 'kurrentdb://kurrentdb:2113?tls=false',
      OKR_BUS: 'kafka',
      KAFKA_BROKERS: 'kafka:9092',
      OKR_READ_STORE: 'mongodb',
      OKR_KEY_STORE: 'mongodb',
      MONGO_URL: 'mongodb://mongodb:27017/okr?replicaSet=rs0',
      OKR_AUTH_MODE: 'embedded',
      PORT: '3001',
    });
    const dataDir = goals?.environment?.['OKR_DATA_DIR'];
    expect(goals?.volumes?.some((v) => v.endsWith(`:${dataDir}`))).toBe(true);
    for (const name of engines) expect(goals?.depends_on?.[name]?.condition).toBe('service_healthy');
    expect(goals?.depends_on?.['kafka-init']?.condition).toBe('service_completed_successfully');
  });

  it('starts every service like goals, from the same image, with its own entry point and port', () => {
    for (const [name, port] of Object.entries(SERVICE_PORTS)) {
      const service = services[name];
      expect({ name, command: service?.command }).toEqual({ name, command: [`dist/apps/${name}/src/main.js`] });
      expect(service?.build).toEqual(services['goals']?.build);
      expect(service?.image).toBe(services['goals']?.image);
      expect(service?.volumes).toEqual(services['goals']?.volumes);
      expect(service?.depends_on).toMatchObject(services['goals']?.depends_on ?? { missing: true });
      const { PORT, ...environment } = service?.environment ?? {};
      expect(PORT).toBe(String(port));
      expect(environment).toMatchObject(Object.fromEntries(Object.entries(services['goals']?.environment ?? {}).filter(([k]) => k !== 'PORT')));
      expect(service?.ports).toEqual([`127.0.0.1:${port}:${port}`]);
    }
  });

  it('gives notifications its delivery settings and the Mailpit catcher as SMTP server', () => {
    const notifications = services['notifications'];
    expect(notifications?.environment).toMatchObject({
      ...NOTIFICATION_SETTINGS,
      ...PRODUCTION_NOTIFICATION_SETTINGS,
      OKR_SMTP_URL: 'smtp://mailpit:1025',
    });
    expect(notifications?.depends_on?.['mailpit']?.condition).toBe('service_started');
    expect(services['mailpit']?.image).toMatch(/^axllent\/mailpit:v\d+\.\d+\.\d+$/);
    // SMTP only inside the compose network; the web UI on the host's localhost.
    expect(services['mailpit']?.ports).toEqual(['127.0.0.1:8025:8025']);
  });

  it('publishes the services (3001-3004), 2113, 9094 (Kafka for the host), 27017 and 8025 (Mailpit UI) on localhost only', () => {
    const published = Object.values(services).flatMap((s) => s.ports ?? []);
    expect(published.sort()).toEqual(
      [
        '127.0.0.1:2113:2113',
        '127.0.0.1:9094:9094',
        '127.0.0.1:27017:27017',
        '127.0.0.1:3001:3001',
        '127.0.0.1:3002:3002',
        '127.0.0.1:3003:3003',
        '127.0.0.1:3004:3004',
        '127.0.0.1:8025:8025',
      ].sort(),
    );
    expect(JSON.stringify(services['kafka']?.environment)).toMatch(/EXTERNAL:\/\/localhost:9094/);
  });
});

// ---- Dockerfile and .dockerignore -----------------------------------------------------------------

describe('infra/docker/Dockerfile', () => {
  // Instructions with their line continuations joined, grouped by build stage.
  const instructions = readFileSync(join(repoRoot, 'infra/docker/Dockerfile'), 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of instructions) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      current = [line];
      stages.set(from[2] ?? from[1] ?? '', current);
    } else current.push(line);
  }
  const runtime = [...stages.values()].at(-1) ?? [];
  const last = (keyword: string) => [...runtime].reverse().find((l) => l.toUpperCase().startsWith(`${keyword} `));

  it('installs, builds and keeps only production dependencies in separate stages', () => {
    expect([...stages.keys()]).toEqual(expect.arrayContaining(['deps', 'prod-deps', 'build', 'runtime']));
    expect(stages.get('deps')?.join('\n')).toMatch(/npm ci(?! --omit)/);
    expect(stages.get('prod-deps')?.join('\n')).toMatch(/npm ci --omit=dev/);
    // Through the projects' Nx build targets (SWC, Vite), never a hand-written compiler.
    expect(stages.get('build')?.join('\n')).toMatch(/npx nx run-many -t build -p (?=.*\bgoals\b)(?=.*\bgateway\b)(?=.*\bweb\b)/);
    // Node.js 24 LTS, the same image where better-sqlite3 is compiled and where it runs (one ABI).
    expect(instructions.find((l) => /^ARG NODE_IMAGE=/.test(l))).toBe('ARG NODE_IMAGE=node:24-bookworm-slim');
    expect(stages.get('toolchain')?.[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS toolchain$/);
    expect(runtime[0]).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/);
    expect(runtime.join('\n')).toMatch(/COPY --from=prod-deps \/app\/node_modules/);
    expect(runtime.join('\n')).not.toMatch(/COPY --from=deps /);
  });

  it('runs as a non-root user, exec form with tini as PID 1, SIGTERM, and a liveness healthcheck', () => {
    expect(last('USER')).toMatch(/^USER (?!0\b|root\b)\S+/);
    expect(JSON.parse(last('ENTRYPOINT')?.slice('ENTRYPOINT '.length) ?? 'null')).toEqual(['/usr/bin/tini', '--', 'node']);
    expect(JSON.parse(last('CMD')?.slice('CMD '.length) ?? 'null')).toEqual(['dist/apps/goals/src/main.js']);
    expect(last('STOPSIGNAL')).toBe('STOPSIGNAL SIGTERM');
    expect(last('HEALTHCHECK')).toMatch(/CMD \["node", "-e", ".*fetch\(.*\/health\/live/);
  });

  it('leaves host builds and data out of the build context (.dockerignore)', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split(/\r?\n/).map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data', '.git', '.nx', 'tmp', 'coverage']));
  });
});
