import { parseAllDocuments } from 'yaml';
import { MAX_MATCHES_PER_RULE, httpRoutesManifest } from './http-routes';
import type { Route } from './route-table';

interface Rule {
  matches: { path: { type: string; value: string }; method?: string }[];
  backendRefs: { name: string; port: number }[];
}

const routesOf = (yamlText: string) =>
  parseAllDocuments(yamlText).map((d) => d.toJSON() as { metadata: { name: string }; spec: { rules: Rule[] } });

describe('HTTPRoutes of a routing table', () => {
  it('splits a service with more routes than a rule may match into rules of at most 64 matches', () => {
    const many: Route[] = Array.from({ length: 70 }, (_, i) => ({ method: 'GET', path: `/api/v1/things-${i}/:id`, service: 'insights' }));
    const insights = routesOf(httpRoutesManifest({ routes: many })).find((r) => r.metadata.name === 'okr-insights');
    const regex = insights?.spec.rules.filter((r) => r.matches.every((m) => m.path.type === 'RegularExpression'));
    expect(regex?.map((r) => r.matches.length)).toEqual([MAX_MATCHES_PER_RULE, 6]);
    expect(regex?.[1]?.matches[5]).toEqual({ path: { type: 'RegularExpression', value: '^/api/v1/things-69/[^/]+$' }, method: 'GET' });
    expect(regex?.every((r) => r.backendRefs[0]?.name === 'insights' && r.backendRefs[0]?.port === 3003)).toBe(true);
  });

  it('quotes a pattern so that YAML reads it back exactly', () => {
    const [goals] = routesOf(httpRoutesManifest({ routes: [{ method: 'POST', path: "/api/v1/it's/:id", service: 'goals' }] }));
    expect(goals?.spec.rules[0]?.matches[0]?.path.value).toBe("^/api/v1/it's/[^/]+$");
  });
});
