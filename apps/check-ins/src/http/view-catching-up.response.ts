import { ApiViewCatchingUpResponse as documented } from '@okr/platform';

/**
 * Documents the 503 `view-catching-up` of a route that reads what check-ins knows of goals (or where
 * a check-in lives): answered, with `Retry-After`, instead of a 404 while the view may not have read
 * it yet (see `ViewCatchingUpProblem`).
 */
export const ApiViewCatchingUpResponse = (): MethodDecorator =>
  documented('The service is still reading the latest changes (`view-catching-up`) and cannot tell yet whether the key result, objective or check-in exists; retry after `Retry-After` seconds');
