import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface WrittenFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * A file written under a temporary name, hashed as it is written, and renamed into place only when
 * complete: a crash never leaves a half file where a finished one is expected. `hash: false` for
 * intermediate files (report parts) whose bytes are hashed where they end up.
 */
export class HashedFileWriter extends Writable {
  private readonly hash = createHash('sha256');
  private readonly out;
  private readonly tmp: string;
  private bytes = 0;

  private constructor(readonly path: string, private readonly hashing: boolean) {
    super({ highWaterMark: 1 << 20 });
    this.tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
    this.out = createWriteStream(this.tmp, { highWaterMark: 1 << 20 });
  }

  static async open(path: string, opts: { hash?: boolean } = {}): Promise<HashedFileWriter> {
    await mkdir(dirname(path), { recursive: true });
    return new HashedFileWriter(path, opts.hash ?? true);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void) {
    if (this.hashing) this.hash.update(chunk);
    this.bytes += chunk.length;
    if (this.out.write(chunk)) cb();
    else this.out.once('drain', () => cb());
  }

  override _final(cb: (err?: Error | null) => void) {
    this.out.end(() => cb());
    this.out.once('error', cb);
  }

  /** Waits for the data to be on disk, then moves the file into place. */
  async commit(): Promise<WrittenFile> {
    if (!this.writableFinished) await new Promise<void>((resolve, reject) => { this.once('finish', resolve); this.once('error', reject); });
    await rename(this.tmp, this.path);
    return { path: this.path, bytes: this.bytes, sha256: this.hashing ? this.hash.digest('hex') : '' };
  }

  async abort() {
    this.destroy();
    this.out.destroy();
    await rm(this.tmp, { force: true });
  }
}

/** SHA-256 and size of a file on disk (downloads check it against the stored hash). */
export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), async function* (src) {
    for await (const chunk of src) hash.update(chunk);
  });
  return { sha256: hash.digest('hex'), bytes: (await stat(path)).size };
}
