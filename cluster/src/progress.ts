/**
 * Ansible prints a task's line when it starts and nothing more until it ends;
 * a cold build is one task of many minutes. This says which task is still
 * running, and for how long, once it has been silent for a while (pure).
 */

const TASK_LINE = /TASK \[([^\]]+)\]/;

export class SilenceWatch {
  private task: string | undefined;
  private taskSince = 0;
  private lastOutput = 0;
  private lastNote = 0;

  constructor(
    private readonly silentMs: number,
    now: number,
  ) {
    this.lastOutput = now;
  }

  /** Output arrived (any text; a TASK line starts a new task). */
  output(text: string, now: number): void {
    this.lastOutput = now;
    const task = [...text.matchAll(new RegExp(TASK_LINE, "g"))].at(-1)?.[1];
    if (task) {
      this.task = task;
      this.taskSince = now;
    }
  }

  /** A line to print now, if the task has been silent long enough since the output or the last note. */
  noteAt(now: number): string | undefined {
    if (!this.task || now - Math.max(this.lastOutput, this.lastNote) < this.silentMs) return undefined;
    this.lastNote = now;
    const minutes = Math.floor((now - this.taskSince) / 60_000);
    const seconds = Math.floor(((now - this.taskSince) % 60_000) / 1000);
    return `  ... still running: ${this.task} (${minutes} min ${String(seconds).padStart(2, "0")} s)`;
  }
}
