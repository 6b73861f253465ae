import { createHash, ECDH } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * The TEE quote that vouches for the signer key, as served on `GET /attestation`.
 *
 * SecretVM runs an attestation server inside every VM (port 29343; scrtlabs/
 * secret-vm-attest-rest-server): `GET /cpu` returns the CPU quote as hex text (Intel TDX, or
 * an AMD SEV-SNP report), `/cpu.html` the same in a page. The quote's 64-byte report_data is
 * what binds it to something: the gateway requires report_data[0..32] = SHA-256(compressed
 * signer public key), so the quote proves that this key was produced inside that VM.
 */
export interface TeeQuote {
  insecure: false;
  kind: 'tdx' | 'sev-snp';
  quote: string;
  reportData: string;
  /** Which of the accepted forms binds the key (see quoteBinding). */
  binding: string;
  /** Where the quote came from: the attestation server's origin, or "file". */
  source: string;
}

export interface InsecureQuote {
  insecure: true;
  reason: string;
}

export function insecureDevQuote(): InsecureQuote {
  return {
    insecure: true,
    reason:
      'INSECURE DEV MODE: no SecretVM attestation server is configured, so nothing proves this key lives in a TEE. Do not trust its attestations.',
  };
}

/** Fetches the quote from the attestation server and checks that it binds `signer`. */
export async function fetchTeeQuote(baseUrl: string, path: string, signer: Uint8Array): Promise<TeeQuote> {
  const url = new URL(path, baseUrl);
  return parseTeeQuote(await getText(url), signer, url.origin);
}

/** Reads the quote from a file (SecretVM mounts a key's quote, e.g. docker_attestation_secp256k1.txt). */
export async function readTeeQuoteFile(path: string, signer: Uint8Array): Promise<TeeQuote> {
  return parseTeeQuote(await readFile(path, 'utf8'), signer, 'file');
}

/** Throws with the reason when the text holds no quote or the quote does not bind `signer`. */
export function parseTeeQuote(text: string, signer: Uint8Array, source: string): TeeQuote {
  const quoteHex = extractHex(text);
  if (!quoteHex) throw new Error(`no hex quote found (${source})`);
  const { kind, reportData } = reportDataOfQuote(Buffer.from(quoteHex, 'hex'));
  const binding = quoteBinding(reportData, signer);
  if (!binding) {
    throw new Error(
      `the TEE quote does not bind the signer key: report_data is ${reportData.toString('hex')}, expected sha256(signer) ${sha256(signer).toString('hex')} in its first 32 bytes`,
    );
  }
  return {
    insecure: false,
    kind,
    quote: quoteHex.toLowerCase(),
    reportData: reportData.toString('hex'),
    binding,
    source,
  };
}

/**
 * The forms of report_data accepted as binding the compressed key `signer`, each of which
 * names exactly one key. Ours is the first; SecretVM's per-key quotes are produced by the VM,
 * and the public documentation does not say which digest they embed, so the usual encodings
 * of the same key are accepted too (and named in the response).
 */
export function quoteBinding(reportData: Buffer, signer: Uint8Array): string | undefined {
  const uncompressed = ECDH.convertKey(
    Buffer.from(signer),
    'secp256k1',
    undefined,
    undefined,
    'uncompressed',
  ) as Buffer;
  const spki = Buffer.concat([SECP256K1_SPKI_PREFIX, uncompressed]);
  const head = reportData.subarray(0, 32);
  if (head.equals(sha256(signer))) return 'report_data[0..32] = sha256(compressed signer key)';
  if (head.equals(sha256(uncompressed))) return 'report_data[0..32] = sha256(uncompressed signer key)';
  if (head.equals(sha256(spki))) return 'report_data[0..32] = sha256(SPKI DER of signer key)';
  if (reportData.subarray(0, 33).equals(Buffer.from(signer)))
    return 'report_data[0..33] = compressed signer key';
  return undefined;
}

/** DER header of a SubjectPublicKeyInfo for an uncompressed secp256k1 point (what a PUBLIC KEY PEM holds). */
const SECP256K1_SPKI_PREFIX = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');

function sha256(bytes: Uint8Array): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * Locates report_data in an Intel TDX quote (v4 or v5, header 48 bytes, TD report body with
 * report_data at body offset 520) or an AMD SEV-SNP attestation report (report_data at 0x50).
 * Only the layout is read: verifying the vendor signature chain is the verifier's job
 * (e.g. SecretVM's `secretvm-verify`), since that needs Intel's or AMD's collateral.
 */
export function reportDataOfQuote(quote: Buffer): { kind: 'tdx' | 'sev-snp'; reportData: Buffer } {
  if (quote.length >= 48 + 584 && quote.readUInt32LE(4) === 0x81) {
    const version = quote.readUInt16LE(0);
    if (version === 4) return { kind: 'tdx', reportData: quote.subarray(48 + 520, 48 + 584) };
    if (version === 5) return { kind: 'tdx', reportData: quote.subarray(54 + 520, 54 + 584) };
    throw new Error(`unsupported TDX quote version ${version}`);
  }
  const snpVersion = quote.length >= 0x2a0 ? quote.readUInt32LE(0) : 0;
  if (snpVersion >= 2 && snpVersion <= 5) return { kind: 'sev-snp', reportData: quote.subarray(0x50, 0x90) };
  throw new Error('the quote is neither an Intel TDX quote nor an AMD SEV-SNP report');
}

function extractHex(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '');
  if (/^[0-9a-fA-F]+$/.test(compact) && compact.length % 2 === 0) return compact;
  // The .html variant wraps the quote in a page: take the longest hex run.
  const runs = text.match(/[0-9a-fA-F]{256,}/g) ?? [];
  const longest = runs.sort((a, b) => b.length - a.length)[0];
  return longest && longest.length % 2 === 0 ? longest : undefined;
}

/**
 * GET with node:http(s). The SecretVM server's TLS certificate is self-signed by the VM, and the
 * quote is signed by the CPU vendor and bound to our key, so TLS adds nothing to its integrity:
 * certificate checks are off for this one call.
 */
function getText(url: URL): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', timeout: 10_000, ...(url.protocol === 'https:' ? { rejectUnauthorized: false } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200)
            reject(new Error(`the attestation server answered ${res.statusCode} on ${url.pathname}`));
          else resolve(text);
        });
        res.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`the attestation server at ${url.origin} timed out`)),
    );
    request.on('error', reject);
    request.end();
  });
}
