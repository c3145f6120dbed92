// The one origin in Kubernetes: the `web` Deployment (the web app, from the gateway image with proxying
// off) and the Gateway API HTTPRoutes generated from the routing table. The committed manifest must be
// what the table generates; each overlay renders it with every route reaching its service's Service.
// Without kubectl on PATH the rendering suites are skipped, and say so.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  HTTP_ROUTES_MANIFEST,
  MAX_MATCHES_PER_RULE,
  ROUTE_TABLE,
  SERVICE_NAMES,
  SERVICE_PORTS,
  WEB_SERVICE,
  httpRoutesManifest,
  pathPattern,
  serviceDocsPath,
} from '@okr/routing';

const repoRoot = resolve(__dirname, '..', '..');

interface Resource {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}
interface Match {
  path: { type: string; value: string };
  method?: string;
}
interface Rule {
  matches: Match[];
  filters?: { type: string; urlRewrite?: { path: { type: string; replaceFullPath?: string } } }[];
  backendRefs: { name: string; port: number }[];
}
interface HttpRoute extends Resource {
  spec: { parentRefs: { name: string }[]; rules: Rule[] };
}
interface Container {
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
}

const objectsOf = (yamlText: string): Resource[] => parseAllDocuments(yamlText).map((d) => d.toJSON() as Resource).filter(Boolean);

describe('HTTPRoutes: generated from the routing table', () => {
  const committed = readFileSync(join(repoRoot, HTTP_ROUTES_MANIFEST), 'utf8');
  const routes = objectsOf(committed) as HttpRoute[];

  it('is what `npm run gateway:routes` generates from the committed table', () => {
    const stale = `${HTTP_ROUTES_MANIFEST} is stale: run npm run gateway:routes`;
    expect({ manifest: stale, text: committed }).toEqual({ manifest: stale, text: httpRoutesManifest(ROUTE_TABLE) });
  });

  it('sends each route of the table, by method and path, to its service and nowhere else', () => {
    const sent = routes.flatMap((route) =>
      route.spec.rules.flatMap((rule) =>
        rule.matches.filter((m) => m.path.type === 'RegularExpression').map((m) => `${m.method} ${m.path.value} -> ${rule.backendRefs.map((b) => `${b.name}:${b.port}`).join(',')}`),
      ),
    );
    expect(sent.sort()).toEqual(ROUTE_TABLE.routes.map((r) => `${r.method} ${pathPattern(r.path)} -> ${r.service}:${SERVICE_PORTS[r.service]}`).sort());
  });

  it("serves each service's OpenAPI document at /api/docs/{service}-json, and the web app for every other path", () => {
    for (const service of SERVICE_NAMES) {
      const rule = routes.flatMap((r) => r.spec.rules).find((r) => r.matches.some((m) => m.path.type === 'Exact' && m.path.value === serviceDocsPath(service)));
      expect(rule?.filters).toEqual([{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/api/docs-json' } } }]);
      expect(rule?.backendRefs).toEqual([{ name: service, port: SERVICE_PORTS[service] }]);
    }
    const web = routes.find((r) => r.metadata.name === 'okr-web');
    expect(web?.spec.rules).toEqual([{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: WEB_SERVICE.name, port: WEB_SERVICE.port }] }]);
  });

  it('stays within the Gateway API limits: 16 rules, 64 matches a rule, under 128 matches a route', () => {
    for (const route of routes) {
      const matches = route.spec.rules.map((r) => r.matches.length);
      expect({ route: route.metadata.name, rules: route.spec.rules.length <= 16, perRule: Math.max(...matches) <= MAX_MATCHES_PER_RULE, total: matches.reduce((a, b) => a + b, 0) < 128 }).toEqual({
        route: route.metadata.name,
        rules: true,
        perRule: true,
        total: true,
      });
    }
  });

  it('matches a concrete path with exactly the regular expressions of its template', () => {
    const expressions = ROUTE_TABLE.routes.filter((r) => r.method === 'GET').map((r) => ({ r, re: new RegExp(pathPattern(r.path)) }));
    const hits = (path: string) => expressions.filter(({ re }) => re.test(path)).map(({ r }) => r.service);
    expect(hits('/api/v1/objectives/0190-x/summary')).toEqual(['insights']);
    expect(hits('/api/v1/objectives/0190-x')).toEqual(['goals']);
    expect(hits('/api/v1/objectives/0190-x/learnings')).toEqual(['check-ins']);
    expect(hits('/objectives/0190-x')).toEqual([]);
  });
});

const kubectl = spawnSync(process.env['KUBECTL'] ?? 'kubectl', ['version', '--client'], { encoding: 'utf8' }).error ? undefined : (process.env['KUBECTL'] ?? 'kubectl');
if (!kubectl) console.warn('infra/test/web-routes.spec.ts: the kustomize suites are SKIPPED: kubectl was not found (not on PATH, or not at $KUBECTL).');
const describeWithKubectl = kubectl ? describe : describe.skip;

describeWithKubectl.each(['production', 'embedded'])('overlays/%s: the web front and the HTTPRoutes (kubectl kustomize)', (overlay) => {
  let objects: Resource[];
  beforeAll(() => {
    objects = objectsOf(execFileSync(kubectl as string, ['kustomize', join(repoRoot, 'infra/k8s/overlays', overlay)], { encoding: 'utf8' }));
  });

  it('runs the web app from the one image: the gateway with proxying off, on port 3000, probed, read-only', () => {
    const web = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'web') as Resource | undefined;
    const container = ((web?.spec['template'] as { spec: { containers: Container[] } }).spec.containers ?? [])[0];
    expect(container?.args).toEqual(['dist/apps/gateway/src/main.js']);
    expect(Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]))).toMatchObject({ PORT: '3000', OKR_GATEWAY_PROXY: 'false', OKR_WEB_DIR: '/app/dist/apps/web' });
    expect(container?.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect([container?.readinessProbe?.httpGet?.path, container?.livenessProbe?.httpGet?.path]).toEqual(['/health/ready', '/health/live']);
    expect(container?.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === WEB_SERVICE.name);
    expect((service?.spec['ports'] as { port: number }[]).map((p) => p.port)).toEqual([WEB_SERVICE.port]);
  });

  it('renders the HTTPRoutes with the common labels, each backend an existing Service port', () => {
    const routes = objects.filter((o) => o.kind === 'HTTPRoute') as HttpRoute[];
    expect(routes.map((r) => r.metadata.name).sort()).toEqual(['okr-check-ins', 'okr-goals', 'okr-insights', 'okr-notifications', 'okr-web']);
    const ports = new Map(
      objects.filter((o) => o.kind === 'Service').map((s) => [s.metadata.name, (s.spec['ports'] as { port: number }[]).map((p) => p.port)]),
    );
    for (const route of routes) {
      expect(route.metadata.labels?.['app.kubernetes.io/part-of']).toBe('okr-platform');
      expect(route.spec.parentRefs).toEqual([{ name: 'okr' }]);
      for (const b of route.spec.rules.flatMap((r) => r.backendRefs)) expect({ backend: b.name, ports: ports.get(b.name) }).toEqual({ backend: b.name, ports: expect.arrayContaining([b.port]) });
    }
  });
});
