/** The last lines a revision's replicas wrote, kept for `logs`, and a way to follow new ones. */
export class LogRing {
  private readonly lines: string[] = [];
  private readonly followers = new Set<(line: string) => void>();

  constructor(private readonly capacity = 1000) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
    for (const follower of this.followers) follower(line);
  }

  /** The last `count` lines, oldest first. */
  tail(count = this.capacity): string[] {
    return this.lines.slice(-count);
  }

  /** Calls `onLine` for every new line until the returned function is called. */
  follow(onLine: (line: string) => void): () => void {
    this.followers.add(onLine);
    return () => this.followers.delete(onLine);
  }
}
