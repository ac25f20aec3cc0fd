// Renders a validation result as `aws cloudtrail validate-logs` prints it (awscli
// customizations/cloudtrail/validation.py: _write_startup_text, _write_status, _write_summary_text), so
// `strongbox validate-logs` reads like the CLI. Problems go to stderr, the rest to stdout.
import { isoSeconds } from './trail-keys.js';
import type { FileResult, GapNotice, ValidateLogsResult } from './validate-logs.js';

export interface ValidationReport {
  readonly stdout: string;
  readonly stderr: string;
  /** 1 when any digest or log file is invalid, as the CLI's exit status. */
  readonly exitCode: 0 | 1;
}

/** One status line: `Digest file\ts3://bucket/key\tvalid`, tab-separated as the CLI writes it. */
export function statusLine(entry: FileResult | GapNotice): string {
  if (entry.kind === 'gap') {
    return `No log files were delivered by CloudTrail between ${isoSeconds(entry.from)} and ${isoSeconds(entry.to)}`;
  }
  return `${entry.kind}\ts3://${entry.bucket}/${entry.key}\t${entry.status}`;
}

function ratio(counts: { valid: number; invalid: number }, name: string): string {
  const total = counts.valid + counts.invalid;
  if (total === 0) return '';
  const invalid = counts.invalid > 0 ? `, ${counts.invalid}/${total} ${name} files INVALID` : '';
  return `\n${counts.valid}/${total} ${name} files valid${invalid}`;
}

function summary(result: ValidateLogsResult): string {
  let text = `Results requested for ${isoSeconds(result.startTime)} to ${isoSeconds(result.endTime)}\n`;
  if (result.digests.valid + result.digests.invalid === 0) return `${text}No digests found\n`;
  text += result.foundStartTime && result.foundEndTime
    ? `Results found for ${isoSeconds(result.foundStartTime)} to ${isoSeconds(result.foundEndTime)}:\n`
    : 'No valid digests found in range\n';
  return `${text}${ratio(result.digests, 'digest')}${ratio(result.logs, 'log')}\n`;
}

export function formatValidationReport(result: ValidateLogsResult, options: { verbose: boolean }): ValidationReport {
  let stdout = `Validating log files for trail ${result.trailArn} between ${isoSeconds(result.startTime)} and `
    + `${isoSeconds(result.endTime)}\n\n`;
  let stderr = '';
  let lastWasDoubleSpace = true;
  for (const entry of result.entries) {
    const line = statusLine(entry);
    if (entry.kind === 'gap' || entry.status !== 'valid') {
      stderr += lastWasDoubleSpace ? `${line}\n\n` : `\n${line}\n\n`;
      lastWasDoubleSpace = true;
    } else if (options.verbose) {
      stdout += `${line}\n`;
      lastWasDoubleSpace = false;
    }
  }
  if (!lastWasDoubleSpace) stdout += '\n';
  stdout += summary(result);
  const bad = result.digests.invalid + result.logs.invalid > 0;
  return { stdout, stderr, exitCode: bad ? 1 : 0 };
}
