import { HttpStatus } from '@nestjs/common';
import { ForbiddenProblem, Problem, type Principal } from '@okr/platform';

/** The role tenant-wide channel settings and the whole delivery log require. */
export const ADMIN_ROLE = 'admin';

export const isAdmin = (principal: Principal): boolean => principal.roles.includes(ADMIN_ROLE);

export const requireAdmin = (principal: Principal, what: string): void => {
  if (!isAdmin(principal)) throw new ForbiddenProblem(`The ${ADMIN_ROLE} role is required to ${what}.`, 'admin-role-required');
};

export const notFound = (what: string, id: string): Problem =>
  new Problem({ status: HttpStatus.NOT_FOUND, code: `${what}-not-found`, title: 'Not Found', detail: `No ${what.replace(/-/g, ' ')} ${id} in this tenant.` });

/** `https://hooks.slack.com/services/T0/B0/xyz` -> `https://hooks.slack.com/…` : secret URLs are never shown whole. */
export const maskUrl = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '…';
  }
};
