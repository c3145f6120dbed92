import { Tabs } from 'radix-ui';
import { useSearchParams } from 'react-router';
import { FollowsTab } from './FollowsTab';
import { InboxTab } from './InboxTab';
import { PreferencesTab } from './PreferencesTab';

const TABS = { inbox: 'Inbox', preferences: 'Preferences', follows: 'Follows' } as const;
type Tab = keyof typeof TABS;
const isTab = (value: string | null): value is Tab => value !== null && Object.hasOwn(TABS, value);

/** The in-app inbox, notification preferences and follows; the open tab is in the URL (`?tab=`). */
export function NotificationsPage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: Tab = isTab(requested) ? requested : 'inbox';
  return (
    <section className="notifications">
      <h1>Notifications</h1>
      <Tabs.Root value={tab} onValueChange={(value) => setParams(value === 'inbox' ? {} : { tab: value })}>
        <Tabs.List className="tabs" aria-label="Notifications">
          {(Object.keys(TABS) as Tab[]).map((t) => (
            <Tabs.Trigger key={t} value={t} className="tab">
              {TABS[t]}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        <Tabs.Content value="inbox" className="tab-panel">
          <InboxTab />
        </Tabs.Content>
        <Tabs.Content value="preferences" className="tab-panel">
          <PreferencesTab />
        </Tabs.Content>
        <Tabs.Content value="follows" className="tab-panel">
          <FollowsTab />
        </Tabs.Content>
      </Tabs.Root>
    </section>
  );
}
