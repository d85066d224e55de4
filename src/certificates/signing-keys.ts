// The signing keys: the current one (created on first use, or the file LIXIAO_SIGNING_KEY_FILE names), rotation, and the public set.
import { readCommitted } from '../db/retry.ts';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../log.ts';
import { publicX, thumbprint } from './jws.ts';
import { sealKey, unsealKey, type SealedKey } from './key-sealing.ts';
import { CertificateError } from './certificate-error.ts';

export interface SigningSettings {
  /** a PEM (PKCS#8) Ed25519 private key; when set, the database keeps only its public half */
  keyFile?: string;
  /** seals the private key kept in the database */
  secret?: string;
}

export interface SigningKey {
  kid: string;
  key: KeyObject;
}

export class Signer {
  /** private keys already unsealed (scrypt costs some 100 ms), by key id */
  private readonly unsealed = new Map<string, KeyObject>();
  private warned = false;

  constructor(
    readonly settings: SigningSettings,
    private readonly log?: Logger,
  ) {}

  get fromFile(): boolean {
    return Boolean(this.settings.keyFile);
  }

  /** The key new certificates are signed with; the database's is created here the first time one is needed. */
  async current(em: EntityManager): Promise<SigningKey> {
    try {
      return await this.currentOrThrow(em);
    } catch (e) {
      // Callers in chat fall back to "ask again later"; the operator learns why here.
      if (e instanceof CertificateError) this.log?.error({ err: e }, `cannot sign certificates: ${e.message}`);
      throw e;
    }
  }

  private async currentOrThrow(em: EntityManager): Promise<SigningKey> {
    if (this.settings.keyFile) return this.fileKey(em, this.settings.keyFile);
    // Read on every signing, not cached: another instance (or `lixiao keys rotate`) may have rotated the key.
    for (let attempt = 0; attempt < 2; attempt++) {
      const [row] = await em.execute<{ kid: string; private_key: SealedKey }[]>(
        `select kid, private_key from signing_key where source = 'database' and retired_at is null`,
      );
      if (row) return { kid: row.kid, key: this.unseal(row.kid, row.private_key) };
      await this.create(em);
    }
    throw new CertificateError('no current signing key could be created');
  }

  /** Retires the database's current key (its private half is erased, its public half kept) and makes a new one. */
  async rotate(em: EntityManager): Promise<{ kid: string; retired: string | null }> {
    if (this.settings.keyFile)
      throw new CertificateError(
        `the signing key comes from LIXIAO_SIGNING_KEY_FILE (${this.settings.keyFile}): to rotate, put a new key in that file ` +
          '(openssl genpkey -algorithm ed25519 -out FILE); the old public key stays in the database',
      );
    return readCommitted(em, async (t) => {
      const [old] = await t.execute<{ kid: string }[]>(
        `update signing_key set retired_at = now(), private_key = null
          where source = 'database' and retired_at is null returning kid`,
      );
      const kid = await this.create(t);
      return { kid: kid!, retired: old?.kid ?? null };
    });
  }

  private async create(em: EntityManager): Promise<string | undefined> {
    const { privateKey } = generateKeyPairSync('ed25519');
    const x = publicX(privateKey);
    const kid = thumbprint(x);
    if (!this.settings.secret) this.warnPlain(kid);
    // Two instances may create at once: the partial unique index keeps one current key, the other's insert is void.
    const rows = await em.execute<{ kid: string }[]>(
      `insert into signing_key (kid, public_key, private_key, source) values (?, ?, ?, 'database')
       on conflict do nothing returning kid`,
      [kid, x, JSON.stringify(sealKey(privateKey, kid, this.settings.secret))],
    );
    if (rows.length) this.unsealed.set(kid, privateKey);
    return rows[0]?.kid;
  }

  private unseal(kid: string, sealed: SealedKey): KeyObject {
    let key = this.unsealed.get(kid);
    if (!key) {
      if (sealed.alg === 'none') this.warnPlain(kid);
      key = unsealKey(sealed, kid, this.settings.secret);
      this.unsealed.set(kid, key);
    }
    return key;
  }

  private async fileKey(em: EntityManager, file: string): Promise<SigningKey> {
    let key: KeyObject;
    try {
      key = createPrivateKey(readFileSync(file));
    } catch (e) {
      throw new CertificateError(`LIXIAO_SIGNING_KEY_FILE ${file}: ${(e as Error).message}`);
    }
    if (key.asymmetricKeyType !== 'ed25519')
      throw new CertificateError(
        `LIXIAO_SIGNING_KEY_FILE ${file} holds a ${key.asymmetricKeyType} key; certificates need Ed25519 ` +
          '(openssl genpkey -algorithm ed25519 -out FILE)',
      );
    const x = publicX(key);
    const kid = thumbprint(x);
    // The public half is recorded, so certificates signed with this file stay verifiable after it is replaced.
    await em.execute(
      `insert into signing_key (kid, public_key, private_key, source) values (?, ?, null, 'file') on conflict (kid) do nothing`,
      [kid, x],
    );
    return { kid, key };
  }

  private warnPlain(kid: string): void {
    if (this.warned) return;
    this.warned = true;
    this.log?.warn(
      { kid },
      'the certificate signing key is stored in the database unencrypted: set LIXIAO_SIGNING_SECRET (then run lixiao keys rotate) or LIXIAO_SIGNING_KEY_FILE',
    );
  }
}
