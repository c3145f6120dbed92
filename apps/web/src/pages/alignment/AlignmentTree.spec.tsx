import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { AlignmentTree, type MapNode } from './AlignmentTree';

const node = (key: string, title: string, children: MapNode[] = []): MapNode => ({
  key,
  objectiveId: key,
  title,
  teamName: 'Growth',
  progress: 0.5,
  atRisk: [],
  changed: [],
  children,
});

describe('the alignment tree', () => {
  it('names the disclosure of one aligned objective in the singular', () => {
    render(
      <MemoryRouter>
        <AlignmentTree label="Alignment map" roots={[node('a', 'Customers love the product', [node('a/b', 'Support answers within the hour')])]} />
      </MemoryRouter>,
    );
    expect(screen.getByRole('button', { name: 'Hide the objective aligned to Customers love the product' })).toHaveAttribute('aria-expanded', 'true');
  });
});
