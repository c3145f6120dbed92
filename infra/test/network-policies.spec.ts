// Who may reach whom, as rendered by `kubectl kustomize` (offline): every pod of the platform is
// isolated both ways, then each service's NetworkPolicy opens only what it needs; and the Prometheus
// Operator finds each service's metrics through a ServiceMonitor. Skipped, and saying so, without kubectl.
import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const k8sDir = join(resolve(__dirname, '..', '..'), 'infra', 'k8s');
const SERVICES = ['check-ins', 'goals', 'insights', 'notifications'];
const DELIVERY_PORTS = [25, 80, 465, 587];
const ENGINE_PORTS = [2113, 9092, 27017];

type Labels = Record<string, string>;
interface Peer {
  namespaceSelector?: { matchLabels?: Labels };
  podSelector?: { matchLabels?: Labels };
  ipBlock?: unknown;
}
interface Rule {
  from?: Peer[];
  to?: Peer[];
  ports?: { protocol?: string; port: number | undefined }[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string; labels?: Labels };
  spec: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML under test
}

const kubectl = process.env['KUBECTL'] ?? 'kubectl';
const hasKubectl = !spawnSync(kubectl, ['version', '--client'], { encoding: 'utf8' }).error;
if (!hasKubectl) console.warn('infra/test/network-policies.spec.ts: SKIPPED: kubectl was not found (set KUBECTL to its path)');

const render = (dir: string): K8sObject[] =>
  parseAllDocuments(execFileSync(kubectl, ['kustomize', join(k8sDir, dir)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))
    .map((doc) => doc.toJS() as K8sObject)
    .filter(Boolean);
const selects = (selector: Labels | undefined, labels: Labels | undefined): boolean =>
  Object.entries(selector ?? {}).length > 0 && Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const portsOf = (rules: Rule[] | undefined): number[] =>
  [...new Set((rules ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port ?? -1)))].sort((a, b) => a - b);

(hasKubectl ? describe : describe.skip).each(['production', 'embedded'])('overlays/%s: network policies', (overlay) => {
  let objects: K8sObject[];
  let policies: K8sObject[];
  let deployments: K8sObject[];
  beforeAll(() => {
    objects = render(`overlays/${overlay}`);
    policies = objects.filter((o) => o.kind === 'NetworkPolicy');
    deployments = objects.filter((o) => o.kind === 'Deployment');
  });
  const podLabels = (d: K8sObject): Labels => d.spec['template'].metadata.labels;
  const policyOf = (name: string): K8sObject => {
    const policy = policies.find((p) => p.metadata.name === name);
    if (!policy) throw new Error(`no NetworkPolicy ${name}`);
    return policy;
  };

  it('isolates every pod of the platform both ways, and gives each Deployment exactly one policy of its own', () => {
    const deny = policyOf('okr-platform-default-deny');
    expect(deny.spec['policyTypes']).toEqual(['Ingress', 'Egress']);
    expect(deny.spec['ingress']).toBeUndefined();
    expect(deny.spec['egress']).toBeUndefined();
    for (const d of deployments) {
      expect(selects(deny.spec['podSelector'].matchLabels, podLabels(d))).toBe(true);
      const own = policies.filter((p) => p !== deny && selects(p.spec['podSelector'].matchLabels, podLabels(d)));
      expect({ deployment: d.metadata.name, policies: own.map((p) => p.metadata.name) }).toEqual({ deployment: d.metadata.name, policies: [d.metadata.name] });
      expect(own[0].spec['policyTypes']).toEqual(['Ingress', 'Egress']);
    }
  });

  it("lets in only the Gateway's namespace on the HTTP port and Prometheus' on the metrics port", () => {
    for (const d of deployments) {
      const container = d.spec['template'].spec.containers[0] as { ports: { name: string; containerPort: number }[] };
      const port = (name: string) => container.ports.find((p) => p.name === name)?.containerPort;
      const ingress = policyOf(d.metadata.name).spec['ingress'] as Rule[];
      const expected: Rule[] = [{ from: [{ namespaceSelector: { matchLabels: { 'okr.platform/gateway': 'true' } } }], ports: [{ protocol: 'TCP', port: port('http') }] }];
      if (port('metrics') !== undefined) {
        expected.push({ from: [{ namespaceSelector: { matchLabels: { 'okr.platform/monitoring': 'true' } } }], ports: [{ protocol: 'TCP', port: port('metrics') }] });
      }
      expect({ deployment: d.metadata.name, ingress }).toEqual({ deployment: d.metadata.name, ingress: expected });
    }
  });

  it('lets every service reach DNS and the engines; only notifications reaches webhooks and SMTP; web reaches DNS only', () => {
    for (const name of [...SERVICES, 'web']) {
      const egress = policyOf(name).spec['egress'] as Rule[];
      const dns = egress.find((r) => r.to?.some((peer) => peer.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns'));
      expect(portsOf(dns ? [dns] : [])).toEqual([53]);
      const ports = portsOf(egress);
      for (const p of DELIVERY_PORTS) expect({ name, port: p, allowed: ports.includes(p) }).toEqual({ name, port: p, allowed: name === 'notifications' });
      for (const p of ENGINE_PORTS) expect({ name, port: p, allowed: ports.includes(p) }).toEqual({ name, port: p, allowed: name !== 'web' });
      if (name === 'web') expect(ports).toEqual([53]);
    }
  });
});

(hasKubectl ? describe : describe.skip)('overlays/production: a ServiceMonitor per service', () => {
  let objects: K8sObject[];
  beforeAll(() => (objects = render('overlays/production')));

  it.each(SERVICES)("%s: selects a headless Service of the pods' metrics port, scraped at /metrics", (name) => {
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === name);
    expect(monitor).toBeDefined();
    const services = objects.filter((o) => o.kind === 'Service' && selects(monitor?.spec['selector'].matchLabels, o.metadata.labels));
    expect(services.map((s) => s.metadata.name)).toEqual([`${name}-metrics`]);
    const [service] = services;
    expect(service.spec['clusterIP']).toBe('None');
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as K8sObject;
    expect(selects(service.spec['selector'], deployment.spec['template'].metadata.labels)).toBe(true);
    const metricsPort = (deployment.spec['template'].spec.containers[0].ports as { name: string; containerPort: number }[]).find((p) => p.name === 'metrics');
    expect(service.spec['ports']).toEqual([{ name: 'metrics', port: metricsPort?.containerPort, targetPort: 'metrics', protocol: 'TCP' }]);
    expect(monitor?.spec['endpoints']).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics' })]);
    // The routed Service of the API never exposes the metrics port.
    const api = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
    expect((api?.spec['ports'] as { port: number }[]).map((p) => p.port)).not.toContain(metricsPort?.containerPort);
  });
});
