/**
 * The words the large organisation is made of: divisions, areas, team functions, people, and the
 * templates of objective and key result titles. Titles are always words, never ids.
 */
export const DIVISIONS = [
  'Commerce', 'Core Platform', 'Growth', 'Customer Experience', 'Finance & Operations', 'People',
  'Data & Intelligence', 'Security & Trust', 'Marketing', 'Sales', 'Logistics', 'Mobile',
] as const;

export const AREAS = [
  'Payments', 'Checkout', 'Search', 'Identity', 'Billing', 'Pricing', 'Onboarding', 'Notifications', 'Messaging',
  'Catalog', 'Recommendations', 'Reporting', 'Analytics', 'Infrastructure', 'Observability', 'Developer Experience',
  'Data Platform', 'Machine Learning', 'Fraud Prevention', 'Compliance', 'Support Tooling', 'Help Center',
  'Partner Integrations', 'Marketplace', 'Subscriptions', 'Loyalty', 'Mobile Apps', 'Web Storefront', 'Design System',
  'Accessibility', 'Localization', 'Recruiting', 'Learning & Development', 'Procurement', 'Treasury', 'Tax',
  'Warehousing', 'Last-Mile Delivery', 'Returns', 'Content', 'Brand', 'Lifecycle Marketing', 'Paid Acquisition',
  'Organic Search', 'Field Sales', 'Inside Sales', 'Sales Operations', 'Customer Success', 'Enterprise Accounts',
  'Trust & Safety', 'Privacy', 'Access Management', 'Cloud Cost', 'Release Engineering', 'Databases', 'Networking',
  'Storage', 'Public API', 'Internal Tools', 'Scheduling',
] as const;

export const REGIONS = ['EMEA', 'Americas', 'APAC', 'Nordics', 'DACH', 'Iberia', 'LATAM', 'India'] as const;

export const FUNCTIONS = [
  'Web', 'iOS', 'Android', 'Backend', 'Data', 'Experiments', 'Reliability', 'Quality', 'Insights', 'Core', 'Edge',
  'Tooling', 'Automation', 'Growth', 'Partnerships', 'Operations', 'Research', 'Design', 'Enablement', 'Integrations',
  'Foundations', 'Performance',
] as const;

export const FIRST_NAMES = [
  'maria', 'james', 'aisha', 'chen', 'lucas', 'sofia', 'omar', 'emma', 'ravi', 'hana', 'diego', 'lena', 'kwame', 'yuki',
  'noah', 'fatima', 'liam', 'zara', 'mateo', 'ingrid', 'arjun', 'chloe', 'tomas', 'amara', 'felix', 'mei', 'samuel', 'nadia',
] as const;

export const LAST_NAMES = [
  'garcia', 'smith', 'okafor', 'wang', 'silva', 'rossi', 'haddad', 'muller', 'patel', 'kim', 'lopez', 'novak', 'mensah',
  'tanaka', 'berg', 'khan', 'walsh', 'ahmed', 'fernandez', 'larsen', 'iyer', 'martin', 'kowalski', 'adeyemi', 'weber',
] as const;

/** Objective titles; `{area}` is the team's area of work. */
export const OBJECTIVE_TEMPLATES = [
  'Make {area} effortless for first-time customers', 'Cut the cost of running {area}', '{area} customers can rely on every day',
  'Ship {area} improvements faster and more safely', 'Grow revenue from {area}', 'Win back customers who left {area}',
  'Make {area} accessible to everyone', 'Turn {area} data into better decisions', 'Customers solve {area} problems on their own',
  'Launch {area} in two new markets', 'Halve the toil of the {area} on-call', 'Delight enterprise customers with {area}',
  'Make {area} secure by default', 'Reduce churn among {area} customers', 'Build a {area} team people want to join',
  'Simplify {area} for our partners', 'Make {area} measurably faster', 'Earn the trust of regulators in {area}',
  'Know what customers need from {area}', 'Retire the legacy {area} stack', 'Make {area} a reason customers choose us',
  'Give every {area} engineer a fast feedback loop', 'Bring {area} to mobile customers first', 'Stop losing orders in {area}',
] as const;

export type KeyResultKind = 'increase' | 'decrease' | 'stay-at-or-above' | 'stay-at-or-below' | 'stay-within-range' | 'milestone';
export const KINDS: readonly KeyResultKind[] = ['increase', 'decrease', 'stay-at-or-above', 'stay-at-or-below', 'stay-within-range', 'milestone'];

/** A key result's wording and plausible numbers: `low`..`high` bound its baseline, `decimals` its precision. */
export interface MeasureTemplate {
  title: string;
  unit?: string;
  low: number;
  high: number;
  decimals: number;
}

export const MEASURES: Record<KeyResultKind, readonly MeasureTemplate[]> = {
  increase: [
    { title: 'Weekly active customers of {area}', unit: 'customers', low: 800, high: 40_000, decimals: 0 },
    { title: 'Share of {area} tasks completed without help', unit: '%', low: 35, high: 70, decimals: 1 },
    { title: 'Monthly recurring revenue from {area}', unit: 'k€', low: 120, high: 2_400, decimals: 0 },
    { title: '{area} trial-to-paid conversion', unit: '%', low: 4, high: 15, decimals: 1 },
    { title: 'Customer satisfaction with {area}', unit: 'points', low: 62, high: 80, decimals: 0 },
    { title: 'Deploys of {area} per week', unit: 'deploys', low: 3, high: 25, decimals: 0 },
  ],
  decrease: [
    { title: 'Median time to resolve {area} incidents', unit: 'hours', low: 6, high: 48, decimals: 1 },
    { title: 'Support tickets about {area} per week', unit: 'tickets', low: 60, high: 900, decimals: 0 },
    { title: 'Cost per {area} transaction', unit: 'cents', low: 4, high: 40, decimals: 1 },
    { title: 'Manual steps in a {area} release', unit: 'steps', low: 12, high: 40, decimals: 0 },
    { title: 'Days from idea to {area} release', unit: 'days', low: 20, high: 70, decimals: 0 },
  ],
  'stay-at-or-above': [
    { title: 'Availability of {area}', unit: '%', low: 99.5, high: 99.95, decimals: 2 },
    { title: '{area} Net Promoter Score', low: 25, high: 50, decimals: 0 },
    { title: 'Test coverage of {area}', unit: '%', low: 65, high: 85, decimals: 0 },
  ],
  'stay-at-or-below': [
    { title: 'p95 latency of {area}', unit: 'ms', low: 180, high: 900, decimals: 0 },
    { title: 'Error rate of {area}', unit: '%', low: 0.5, high: 2, decimals: 2 },
    { title: 'Open critical bugs in {area}', unit: 'bugs', low: 2, high: 8, decimals: 0 },
  ],
  'stay-within-range': [
    { title: '{area} stock cover', unit: 'days', low: 8, high: 14, decimals: 1 },
    { title: 'Share of {area} traffic on the canary', unit: '%', low: 4, high: 8, decimals: 1 },
    { title: '{area} on-call pages per week', unit: 'pages', low: 2, high: 6, decimals: 0 },
  ],
  milestone: [
    { title: '{area} beta launched to ten customers', low: 0, high: 0, decimals: 0 },
    { title: '{area} moved to the new platform', low: 0, high: 0, decimals: 0 },
    { title: 'Security review of {area} passed', low: 0, high: 0, decimals: 0 },
    { title: '{area} runbook rehearsed with the on-call', low: 0, high: 0, decimals: 0 },
  ],
};

export const REVISION_REASONS = [
  'A dependency on another team slipped to next quarter', 'Half the team moved to an urgent incident for three weeks',
  'The baseline was measured wrongly; the new figure is what we can reach', 'Pricing change moved to next quarter',
  'The market shifted after a competitor launch',
] as const;

/** Learnings: what a team tried about its area, and what it found. */
export const LEARNINGS = [
  { tried: 'A guided tour of {area} on first visit raises activation', insight: 'People skip tours; they stall at importing their own data.', nextStep: 'Guided import in the first session', tag: 'onboarding' },
  { tried: 'Showing {area} prices earlier reduces drop-off', insight: 'Prices shown early lower drop-off for small customers only.', nextStep: 'Show prices early for the self-serve plans', tag: 'pricing' },
  { tried: 'Most {area} tickets come from slowness', insight: 'Tickets are about permissions and invitations, not speed.', nextStep: 'Rework roles and invitations', tag: 'support' },
  { tried: 'Weekly release trains make {area} more stable', insight: 'Smaller daily releases broke less than weekly trains.', nextStep: 'Release every day behind flags', tag: 'delivery' },
  { tried: 'Emailing inactive {area} customers brings them back', insight: 'Emails bring back customers who used a second feature; others ignore them.', nextStep: 'Target customers who used two features', tag: 'retention' },
  { tried: 'Caching the {area} read path halves latency', insight: 'Latency was in the database pool, not in reads; the cache changed little.', nextStep: 'Size the connection pool by load', tag: 'reliability' },
  { tried: 'Partners want a bulk {area} API', insight: 'Partners wanted webhooks to stop polling, not bulk calls.', nextStep: 'Ship webhooks for the three main events', tag: 'partners' },
] as const;

export const EVIDENCE = [
  { kind: 'customer-interview', summary: '{n} of 12 customers interviewed described the same stall' },
  { kind: 'usage-data', summary: 'Cohort of {n}00 accounts over four weeks compared with the previous release' },
  { kind: 'analytics-view', summary: 'Funnel of {area}: {n}% drop at the second step' },
  { kind: 'survey', summary: 'In-product survey, {n}0 answers' },
  { kind: 'support-tickets', summary: '{n}0 tickets tagged in the last month' },
  { kind: 'crm-record', summary: '{n} lost deals citing {area}' },
] as const;

export const RETROSPECTIVES = [
  'We learnt more than we shipped; the next quarter starts from what the learnings told us.',
  'Strong start, a slow middle while the team was on incidents, a good finish.',
  'The key results that moved were the ones we checked in honestly every week.',
  'We aimed high on purpose; two thirds of the way is a good quarter for us.',
] as const;

/** `Finance & Operations` -> `finance-operations`. */
export const slug = (name: string): string =>
  name.toLowerCase().replace(/&/g, ' ').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
