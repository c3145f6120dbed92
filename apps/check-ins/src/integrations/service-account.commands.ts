import { Inject } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, handleCommand, loadAggregate, type CommandContext, type EventStore } from '@okr/event-store';
import {
  integrationActor,
  serviceAccountsDecider,
  serviceAccountsStreamName,
  type KeyDigest,
  type ServiceAccount,
  type ServiceAccountCommand,
  type ServiceAccountScope,
} from '@okr/okr-domain';
import { ApiKeyVerifier, issueApiKey, pageArray, type Page, type PageRequest } from '@okr/platform';
import { CheckInsView } from '../view/check-ins.view';

/** Managing service accounts is for admins of the tenant. */
export type RegistryChange =
  | { type: 'create'; serviceAccountId: string; name: string; scope: ServiceAccountScope }
  | { type: 'rotate'; serviceAccountId: string }
  | { type: 'revoke'; serviceAccountId: string; reason: string };

export interface RegistryResult {
  account: ServiceAccount;
  /** The new key, shown once: on create and rotate only. */
  apiKey?: string;
  revision: number | 'no_stream';
}

export class ChangeServiceAccountsCommand extends Command<RegistryResult> {
  constructor(
    readonly change: RegistryChange,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Runs a change on the tenant's registry (`serviceaccounts-{tenant}`). A new key is made here (the
 * domain keeps only its digest), and key results named in a scope must exist in this tenant.
 */
@CommandHandler(ChangeServiceAccountsCommand)
export class ChangeServiceAccountsHandler implements ICommandHandler<ChangeServiceAccountsCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly view: CheckInsView,
    private readonly apiKeys: ApiKeyVerifier,
  ) {}

  async execute({ change, context }: ChangeServiceAccountsCommand): Promise<RegistryResult> {
    const by = context.actor;
    const issued = change.type === 'revoke' ? undefined : issueApiKey(context.tenantId);
    const command = await this.commandOf(change, by, issued?.digest, context.tenantId);
    const result = await handleCommand(this.store, serviceAccountsStreamName(context.tenantId), serviceAccountsDecider, command, context);
    if (change.type !== 'create') this.apiKeys.forgetAccount(change.serviceAccountId);
    const account = result.state.accounts.find((a) => a.id === change.serviceAccountId);
    if (!account) throw new Error(`Service account ${change.serviceAccountId} is missing from the registry it was just written to`);
    return { account, revision: result.revision, ...(issued ? { apiKey: issued.key } : {}) };
  }

  private async commandOf(change: RegistryChange, by: string, key: KeyDigest | undefined, tenantId: string): Promise<Omit<ServiceAccountCommand, 'metadata'>> {
    if (change.type === 'revoke') {
      return { type: 'RevokeServiceAccount', data: { serviceAccountId: change.serviceAccountId, revokedBy: by, reason: change.reason } };
    }
    if (!key) throw new Error('A new key is needed to create or rotate a service account');
    if (change.type === 'rotate') return { type: 'RotateServiceAccountKey', data: { serviceAccountId: change.serviceAccountId, key, rotatedBy: by } };
    for (const keyResultId of change.scope.keyResultIds) {
      await this.view.requireKeyResult(tenantId, keyResultId);
    }
    return { type: 'CreateServiceAccount', data: { ...change, key, createdBy: by } };
  }
}

/** A service account as the API shows it: never its key, not even the digest. */
export const publicAccount = ({ key, ...account }: ServiceAccount) => ({
  ...account,
  actor: integrationActor(account.name),
  ...(key ? { keyId: key.keyId } : {}),
});

export class ListServiceAccountsQuery extends Query<Page<ReturnType<typeof publicAccount>>> {
  constructor(
    readonly tenantId: string,
    readonly page: PageRequest = {},
  ) {
    super();
  }
}

/** The tenant's service accounts, in creation order (their ids are UUIDv7), a page at a time. */
@QueryHandler(ListServiceAccountsQuery)
export class ListServiceAccountsHandler implements IQueryHandler<ListServiceAccountsQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ tenantId, page }: ListServiceAccountsQuery) {
    const { state } = await loadAggregate(this.store, serviceAccountsStreamName(tenantId), serviceAccountsDecider, tenantId);
    const accounts = [...state.accounts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(publicAccount);
    return pageArray(accounts, page, { list: 'service-accounts', position: (account) => ({ key: null, id: account.id }) });
  }
}
