import type { ReactNode } from 'react';

export interface TabDef {
  id: string;
  label: ReactNode;
}

export function Tabs({ tabs, active, onSelect, testId }: { tabs: TabDef[]; active: string; onSelect(id: string): void; testId?: string }) {
  return (
    <div className="tabs" role="tablist" data-testid={testId}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          role="tab"
          type="button"
          aria-selected={tab.id === active}
          className={tab.id === active ? 'tab active' : 'tab'}
          data-testid={`tab-${tab.id}`}
          onClick={() => onSelect(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
