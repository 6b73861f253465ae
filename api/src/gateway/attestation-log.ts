import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  attestationToJson,
  type SignedAttestation,
  type SignedAttestationJson,
} from '@privexbot/schema/attestation';

/**
 * The gateway's durable record of every attestation it signed: one append-only JSON Lines
 * file per signer, in sequence order, each line fsynced before the answer's final event is
 * sent. The next sequence number is always derived from this file (last line + 1), so:
 * - a number is never reused: a signed attestation that anyone may have seen is on disk first;
 * - a number is never skipped: nothing is reserved ahead, so a crash leaves no hole.
 * A crash during a write can only leave a torn last line, which no one has seen (the answer's
 * final event had not been sent and the feed serves only synced lines): it is cut off at open.
 */
export class AttestationLog {
  /** Byte offset of line i (seq i + 1). */
  private readonly offsets: number[] = [];
  private size = 0;
  private readonly pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  /** Set when a write or fsync failed: the file's tail is unknown until a restart repairs it. */
  private broken: Error | undefined;
  /** Bytes of a torn last line cut off at open (a crash during a write). */
  repairedBytes = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    readonly signerHex: string,
  ) {}

  static async open(dataDir: string, signerHex: string): Promise<AttestationLog> {
    const path = join(dataDir, `attestations-${signerHex}.jsonl`);
    const scan = scanAndRepair(path, signerHex);
    // 'a+': appends always land at the end, and positioned reads serve the feed.
    const handle = await open(path, 'a+');
    const log = new AttestationLog(handle, path, signerHex);
    log.offsets.push(...scan.offsets);
    log.size = scan.size;
    log.repairedBytes = scan.repairedBytes;
    return log;
  }

  /** Why the log stopped accepting appends, if it did (a failed write; restart to repair). */
  get failure(): string | undefined {
    return this.broken?.message;
  }

  /** Sequence number of the last durable attestation, 0 when none. */
  get lastSeq(): bigint {
    return BigInt(this.offsets.length);
  }

  /**
   * Assigns the next sequence number, lets `sign` build the attestation for it, and appends it
   * durably; resolves once it is on disk. Appends are taken in call order, so sequence order is
   * file order. Appends that arrive while a write is in flight are committed together with one
   * fsync (group commit): one fsync per attestation would cap a busy gateway at the disk's
   * fsync rate.
   */
  appendNext(sign: (seq: bigint) => SignedAttestation): Promise<SignedAttestationJson> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.pending.push({ sign, resolve, reject });
      this.startFlush();
    });
  }

  private startFlush(): void {
    this.flushing ??= this.flush().finally(() => {
      this.flushing = undefined;
      // An append may have queued between the loop's last check and this callback.
      if (this.pending.length > 0) this.startFlush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, MAX_GROUP);
      if (this.broken) {
        for (const item of batch) item.reject(this.broken);
        continue;
      }
      const accepted: { item: PendingAppend; json: SignedAttestationJson; bytes: number }[] = [];
      let text = '';
      for (const item of batch) {
        const seq = this.lastSeq + BigInt(accepted.length) + 1n;
        try {
          const json = attestationToJson(item.sign(seq));
          if (json.seq !== seq.toString() || json.signer !== this.signerHex) {
            throw new Error('attestation does not continue this log');
          }
          const line = `${JSON.stringify(json)}\n`;
          text += line;
          accepted.push({ item, json, bytes: Buffer.byteLength(line) });
        } catch (error) {
          item.reject(error); // consumes no number: the next item takes this seq
        }
      }
      if (accepted.length === 0) continue;
      try {
        await this.handle.write(text);
        await this.handle.datasync();
      } catch (error) {
        // Part of the text may be on disk: appending more could bury a torn line mid-file.
        // Stop here; a restart cuts the torn tail and continues from the last whole line.
        this.broken = new Error(
          `the attestation log cannot be written (${(error as Error).message}); restart the gateway`,
        );
        for (const { item } of accepted) item.reject(this.broken);
        continue;
      }
      for (const { item, json, bytes } of accepted) {
        this.offsets.push(this.size);
        this.size += bytes;
        item.resolve(json);
      }
    }
  }

  /** Raw JSON lines of attestations with seq in (after, after + limit], in order. */
  async readAfter(after: bigint, limit: number): Promise<string[]> {
    const count = this.offsets.length;
    if (after >= BigInt(count) || limit <= 0) return [];
    const first = Number(after);
    const last = Math.min(count, first + limit); // exclusive line index
    const start = this.offsets[first] as number;
    const end = last < count ? (this.offsets[last] as number) : this.size;
    const buffer = Buffer.alloc(end - start);
    await this.handle.read(buffer, 0, buffer.length, start);
    return buffer
      .toString('utf8')
      .split('\n')
      .slice(0, last - first);
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle.close();
  }
}

/** Most attestations committed with one fsync. */
const MAX_GROUP = 256;

interface PendingAppend {
  sign: (seq: bigint) => SignedAttestation;
  resolve: (json: SignedAttestationJson) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads the log once at start: records line offsets, checks that line i holds seq i + 1 of
 * this signer, and truncates a torn final line. Any other damage stops the gateway: a log it
 * cannot trust must be looked at by a person, not papered over.
 */
function scanAndRepair(
  path: string,
  signerHex: string,
): { offsets: number[]; size: number; repairedBytes: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { offsets: [], size: 0, repairedBytes: 0 };
    throw error;
  }
  try {
    const fileSize = fstatSync(fd).size;
    const offsets: number[] = [];
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    let carryStart = 0;
    let position = 0;
    let goodEnd = 0;
    while (position < fileSize) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      let data = Buffer.concat([carry, chunk.subarray(0, read)]);
      let lineStart = 0;
      let newline = data.indexOf(10, lineStart);
      while (newline !== -1) {
        const line = data.subarray(lineStart, newline).toString('utf8');
        const offset = carryStart + lineStart;
        checkLine(line, offsets.length + 1, signerHex, path);
        offsets.push(offset);
        goodEnd = carryStart + newline + 1;
        lineStart = newline + 1;
        newline = data.indexOf(10, lineStart);
      }
      carryStart += lineStart;
      data = data.subarray(lineStart);
      carry = Buffer.from(data);
      position += read;
    }
    if (goodEnd < fileSize) {
      // Torn tail from a crash mid-write: never synced as a whole line, never served.
      ftruncateSync(fd, goodEnd);
      fsyncSync(fd);
    }
    return { offsets, size: goodEnd, repairedBytes: fileSize - goodEnd };
  } finally {
    closeSync(fd);
  }
}

function checkLine(line: string, expectedSeq: number, signerHex: string, path: string): void {
  let parsed: { seq?: unknown; signer?: unknown };
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`${path}: line ${expectedSeq} is not JSON; the attestation log is damaged`);
  }
  if (parsed.seq !== String(expectedSeq) || parsed.signer !== signerHex) {
    throw new Error(
      `${path}: line ${expectedSeq} holds seq ${String(parsed.seq)}; the attestation log is out of order`,
    );
  }
}
