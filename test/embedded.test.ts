import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unreachableAncestor } from '../src/db/embedded.ts';

describe('embedded PostgreSQL as root', () => {
  it('finds the 0700 folder the postgres user cannot enter', () => {
    const top = mkdtempSync(join(tmpdir(), 'lixiao-perm-'));
    chmodSync(top, 0o755);
    const locked = join(top, 'home');
    mkdirSync(join(locked, 'project'), { recursive: true });
    chmodSync(locked, 0o700);
    expect(unreachableAncestor(join(locked, 'project', '.data', 'pg'), 0)).toBe(locked);
    chmodSync(locked, 0o711);
    expect(unreachableAncestor(join(locked, 'project', '.data', 'pg'), 0)).toBeNull();
  });

  it('does not apply to other users, who run postgres as themselves', () => {
    const locked = mkdtempSync(join(tmpdir(), 'lixiao-perm-')); // mkdtemp makes 0700
    expect(unreachableAncestor(join(locked, 'pg'), 1000)).toBeNull();
  });
});
