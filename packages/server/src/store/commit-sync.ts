/**
 * Pipelined durability for SQLite's WAL. The writer commits with synchronous=NORMAL (the commit's WAL
 * frames are written, not yet fsync'd) and hands the batch's answers here; they are released only
 * after an fsync of the WAL file that began after that commit returned. While one fsync runs, the
 * writer commits the next batches, which wait for the next fsync: one fsync covers every commit before
 * it, and the disk's latency no longer stalls the writer.
 *
 * Why this is as durable as synchronous=FULL for acknowledged writes: FULL does exactly this fsync of
 * the WAL after each commit, only inline. Frames of earlier, acknowledged commits were fsync'd before
 * they were acknowledged, and with NORMAL SQLite still syncs the WAL before a checkpoint and the
 * database after one, so a crash can lose only commits not yet released here, which nobody was told of.
 */
export class CommitSync<T> {
  private waiting: T[] = [];
  private syncing = false;
  private readonly fsync: () => Promise<void>;
  private readonly release: (items: T[]) => void;
  private readonly fail: (items: T[], error: unknown) => void;

  constructor(opts: {
    fsync: () => Promise<void>;
    release: (items: T[]) => void;
    fail: (items: T[], error: unknown) => void;
  }) {
    this.fsync = opts.fsync;
    this.release = opts.release;
    this.fail = opts.fail;
  }

  /** Call right after COMMIT returned: these items are released after the next complete fsync. */
  committed(items: T[]): void {
    for (const i of items) this.waiting.push(i);
    this.kick();
  }

  get idle(): boolean {
    return !this.syncing && this.waiting.length === 0;
  }

  private kick(): void {
    if (this.syncing || this.waiting.length === 0) return;
    this.syncing = true;
    const covered = this.waiting;
    this.waiting = [];
    this.fsync().then(
      () => {
        this.syncing = false;
        this.release(covered);
        this.kick();
      },
      (error: unknown) => {
        this.syncing = false;
        this.fail(covered, error);
        this.kick();
      },
    );
  }
}
