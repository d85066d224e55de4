import { describe, expect, it } from 'vitest';
import { CountMemo } from '../src/reports/count-memo.ts';
import type { AssignmentScope } from '../src/decisions/authorize.ts';

const library: AssignmentScope[] = [{ role: 'handler', stepKey: 'library', collegeId: null, campus: null }];
const both: AssignmentScope[] = [...library, { role: 'handler', stepKey: 'hospital', collegeId: 3, campus: 'A区' }];

describe('the pending-count memory', () => {
  it('counts once per second per scope, follows its own passes at once, and counts afresh after the second', async () => {
    let now = 0;
    let counted = 0;
    let open = 40;
    const memo = new CountMemo(1000, () => now);
    const count = async () => (counted++, open);
    expect(await memo.get(library, count)).toBe(40);
    open = 39; // someone else passed a student
    now = 999;
    expect(await memo.get(library, count)).toBe(40);
    memo.passed(library, 2);
    expect(await memo.get(library, count)).toBe(38);
    expect(counted).toBe(1);
    now = 1000;
    expect(await memo.get(library, count)).toBe(39);
    expect(counted).toBe(2);
  });

  it('keeps scopes apart, and the same scopes in another order are one', async () => {
    const memo = new CountMemo(1000, () => 0);
    expect(await memo.get(library, async () => 5)).toBe(5);
    expect(await memo.get(both, async () => 9)).toBe(9);
    expect(await memo.get([...both].reverse(), async () => 1)).toBe(9);
    memo.passed(both, 20);
    expect(await memo.get(both, async () => 1)).toBe(0);
    expect(await memo.get(library, async () => 1)).toBe(5);
  });
});
