// Stored text (a justification, a display name, an error message) can carry terminal control sequences: an
// OSC 52 clipboard write, a screen clear, a fake prompt. The CLI shows them as visible escapes, never runs them.

// C0 controls except tab, newline and carriage return (our own layout; CSV lines end in CRLF), DEL, C1 controls, and the bidi overrides that reorder text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// In a single field even tab and newline are escaped: a stored value cannot forge another line or column.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_IN_FIELD = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Whole output: keeps the CLI's own tabs and newlines. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

/** One stored value printed inside a line. */
export function fieldSafe(value: string | undefined | null): string {
  return (value ?? '').replace(UNSAFE_IN_FIELD, visible);
}

/**
 * `govbot audit list | head`: the reader closes the pipe early. That is the reader's choice, not an error:
 * exit quietly instead of printing an EPIPE stack trace.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}
