import { describe, expect, it } from 'vitest';
import { csvField, csvFileName, toCsv } from './csv';

describe('CSV for the audit export', () => {
  it('leaves plain fields as they are', () => {
    expect(csvField('Reworded the objective')).toBe('Reworded the objective');
    expect(csvField('')).toBe('');
  });

  it('quotes a field with a comma, a quote or a line break, doubling its quotes', () => {
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('she said "go"')).toBe('"she said ""go"""');
    expect(csvField('line one\nline two')).toBe('"line one\nline two"');
    expect(csvField('carriage\rreturn')).toBe('"carriage\rreturn"');
  });

  it('keeps a spreadsheet from running a field as a formula', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@sum')).toBe("'@sum");
  });

  it('writes a header row then one line per row, CRLF-terminated', () => {
    expect(toCsv(['When', 'Who'], [['3 Dec 2026, 10:00', 'gina'], ['x', 'a "b"']])).toBe('When,Who\r\n"3 Dec 2026, 10:00",gina\r\nx,"a ""b"""\r\n');
    expect(toCsv(['When'], [])).toBe('When\r\n');
  });

  it('names the file after the title and the day', () => {
    expect(csvFileName('Make onboarding délightful: Q3!', new Date(2026, 11, 3, 23, 59))).toBe('audit-make-onboarding-delightful-q3-2026-12-03.csv');
    expect(csvFileName('???', new Date(2026, 0, 9))).toBe('audit-timeline-2026-01-09.csv');
  });
});
