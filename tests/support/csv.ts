/** Reading CSV back in tests (the export's own writer is functions/export-users/src/csv.ts). */

/** A strict RFC 4180 reader for the tests: fields, quotes doubled inside quoted fields, CRLF records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        cell += text[i];
        i += 1;
      }
    }
    const char = text[i];
    if (char === ',') {
      record.push(cell);
      cell = '';
      i += 1;
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i += 2;
    } else if (char === undefined) {
      break;
    } else if (char === '"' || char === '\r' || char === '\n') {
      throw new Error(`a bare ${JSON.stringify(char)} outside quotes at ${i}`);
    } else {
      cell += char;
      i += 1;
    }
  }
  if (cell !== '' || record.length > 0) throw new Error('the last record has no CRLF');
  return records;
}
