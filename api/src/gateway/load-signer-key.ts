import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  type JsonWebKey,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateSignerKey, signerPublicKey } from '@privexbot/schema/attestation';

/** The gateway's identity: its secp256k1 key and the salt of its request hashes. Never leaves the process. */
export interface SignerKey {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** Per-gateway secret salt of req_hash, so a req_hash cannot be matched against guessed conversations. */
  salt: Uint8Array;
  /** True when the key file is encrypted with GATEWAY_SEAL_KEY. */
  sealed: boolean;
}

const FILE_NAME = 'signer-key.json';
const FORMAT = 'privexbot-gateway-key/1';

interface KeyMaterial {
  /** Absent when the key is imported (SecretVM generated it): only the salt is ours to keep. */
  privateKey?: string;
  salt: string;
}

type KeyFile =
  | { format: typeof FORMAT; sealed: false; material: KeyMaterial }
  | {
      format: typeof FORMAT;
      sealed: true;
      kdf: 'scrypt';
      kdfSalt: string;
      iv: string;
      tag: string;
      ciphertext: string;
    };

/**
 * Loads the signer key from `dataDir`, or generates and persists one at first start.
 * With a seal key the file is AES-256-GCM encrypted under scrypt(sealKey); without one it is
 * plain JSON with mode 0600 and the caller must warn loudly (insecure dev mode).
 * With `importedKey` (SecretVM's VM-generated key) the file keeps only the salt.
 */
export function loadSignerKey(
  dataDir: string,
  sealKey: string | undefined,
  importedKey?: Uint8Array,
): SignerKey & { created: boolean } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, FILE_NAME);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text === undefined) {
    const salt = randomBytes(32).toString('hex');
    const material: KeyMaterial = importedKey
      ? { salt }
      : { privateKey: Buffer.from(generateSignerKey()).toString('hex'), salt };
    writeFileDurably(
      path,
      JSON.stringify(sealKey ? seal(material, sealKey) : { format: FORMAT, sealed: false, material }),
    );
    return { ...fromMaterial(material, Boolean(sealKey), importedKey), created: true };
  }
  const file = JSON.parse(text) as KeyFile;
  if (file.format !== FORMAT) throw new Error(`${FILE_NAME} has an unknown format`);
  if (!file.sealed) {
    if (sealKey) throw new Error(`${FILE_NAME} is not sealed but GATEWAY_SEAL_KEY is set: refusing to guess`);
    return { ...fromMaterial(file.material, false, importedKey), created: false };
  }
  if (!sealKey) throw new Error(`${FILE_NAME} is sealed: set GATEWAY_SEAL_KEY`);
  return { ...fromMaterial(unseal(file, sealKey), true, importedKey), created: false };
}

function fromMaterial(
  material: KeyMaterial,
  sealed: boolean,
  importedKey: Uint8Array | undefined,
): SignerKey {
  if (importedKey && material.privateKey) {
    throw new Error(`${FILE_NAME} holds a generated key: an imported key needs its own data directory`);
  }
  if (!importedKey && !material.privateKey) {
    throw new Error(`${FILE_NAME} belongs to an imported key: set GATEWAY_SIGNER_KEY_PEM_FILE`);
  }
  const privateKey = importedKey ?? Uint8Array.from(Buffer.from(material.privateKey as string, 'hex'));
  return {
    privateKey,
    publicKey: signerPublicKey(privateKey),
    salt: Uint8Array.from(Buffer.from(material.salt, 'hex')),
    sealed,
  };
}

/**
 * The 32-byte secret of a PEM secp256k1 private key (SEC1 "EC PRIVATE KEY" or PKCS#8), as
 * SecretVM mounts it (docker_private_key_secp256k1.pem). node:crypto parses it; JWK hands back d.
 */
export function readPemPrivateKey(pem: string): Uint8Array {
  let jwk: JsonWebKey;
  try {
    jwk = createPrivateKey(pem).export({ format: 'jwk' });
  } catch {
    throw new Error('the signer key file is not a PEM private key');
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'secp256k1' || !jwk.d) {
    throw new Error('the signer key file must hold a secp256k1 private key');
  }
  return Uint8Array.from(Buffer.from(jwk.d, 'base64url'));
}

function deriveKey(sealKey: string, kdfSalt: Buffer): Buffer {
  return scryptSync(sealKey, kdfSalt, 32);
}

function seal(material: KeyMaterial, sealKey: string): KeyFile {
  const kdfSalt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(sealKey, kdfSalt), iv);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(material), 'utf8'), cipher.final()]);
  return {
    format: FORMAT,
    sealed: true,
    kdf: 'scrypt',
    kdfSalt: kdfSalt.toString('hex'),
    iv: iv.toString('hex'),
    tag: cipher.getAuthTag().toString('hex'),
    ciphertext: ciphertext.toString('hex'),
  };
}

function unseal(file: Extract<KeyFile, { sealed: true }>, sealKey: string): KeyMaterial {
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      deriveKey(sealKey, Buffer.from(file.kdfSalt, 'hex')),
      Buffer.from(file.iv, 'hex'),
    );
    decipher.setAuthTag(Buffer.from(file.tag, 'hex'));
    const plain = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'hex')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as KeyMaterial;
  } catch {
    throw new Error(`cannot unseal ${FILE_NAME}: wrong GATEWAY_SEAL_KEY or a damaged file`);
  }
}

/** Write to a temporary file, fsync, rename over, fsync the directory: never a half-written key. */
function writeFileDurably(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  const dir = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
