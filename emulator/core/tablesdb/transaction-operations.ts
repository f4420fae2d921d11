import { AppwriteError } from '../platform/errors.ts';
import { OPERATION_ACTIONS, type OperationAction } from './transactions.ts';

/** One operation of `createOperations`, checked, in the API's neutral names. */
export interface OperationInput {
  databaseId: string;
  tableId: string;
  /** `null` for the bulk actions. */
  rowId: string | null;
  action: OperationAction;
  /** What the caller sent as `data` (an object or, for bulkCreate/bulkUpsert, a list of rows). */
  data: unknown;
}

/** Actions that name one row (Operation.php `requiresDocumentId`): all but the bulk ones. */
const SINGLE = new Set<OperationAction>(OPERATION_ACTIONS.filter((a) => !a.startsWith('bulk')));

/**
 * The `operations` param of createOperations, checked as Appwrite's `ArrayList(new Operation($type))`
 * checks each item (Utopia/Database/Validator/Operation.php): an object with non-empty string
 * `databaseId`, `action` and the table key — `tableId` on TablesDB, `collectionId` on the legacy
 * path — a known action, the row key (`rowId`/`documentId`) for single-row actions, `data` (an
 * object or list) for every action but delete, `queries` in the data of bulkUpdate/bulkDelete (and
 * `data` in bulkUpdate's), the column (`column`/`attribute`) and a numeric `value`, if any, for
 * increment/decrement. Any failure is 400 `general_argument_invalid`, naming the problem.
 */
export function checkOperations(operations: unknown, legacy: boolean): OperationInput[] {
  const list = operations === undefined || operations === null ? [] : operations;
  if (!Array.isArray(list)) throw invalid('Value must be a valid array');
  const tableKey = legacy ? 'collectionId' : 'tableId';
  const rowKey = legacy ? 'documentId' : 'rowId';
  const columnKey = legacy ? 'attribute' : 'column';
  return list.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw invalid('Value must be an array');
    }
    const op = item as Record<string, unknown>;
    for (const key of ['databaseId', 'action', tableKey]) {
      if (!(key in op)) throw invalid(`Missing required key: ${key}`);
      const value = op[key];
      if (typeof value !== 'string' || value.trim() === '') {
        throw invalid(`Key '${key}' must be a non-empty string`);
      }
    }
    const action = op.action as OperationAction;
    if (!OPERATION_ACTIONS.includes(action)) {
      throw invalid(`Key 'action' must be one of: ${OPERATION_ACTIONS.join(', ')}`);
    }
    if (SINGLE.has(action) && !(rowKey in op)) {
      throw invalid(`Key '${rowKey}' is required for action '${action}'`);
    }
    if (rowKey in op) {
      const rowId = op[rowKey];
      if (typeof rowId !== 'string' || rowId.trim() === '') {
        throw invalid(`Key '${rowKey}' must be a non-empty string`);
      }
    }
    const data = op.data;
    if (action !== 'delete' && !('data' in op)) throw invalid('Missing required key: data');
    if ('data' in op && (typeof data !== 'object' || data === null)) {
      throw invalid("Key 'data' must be an array");
    }
    const record = (data ?? {}) as Record<string, unknown>;
    if (action === 'bulkUpdate' || action === 'bulkDelete') {
      if (!('queries' in record)) throw invalid(`Key 'queries' is required in data for ${action}`);
      if (!Array.isArray(record.queries)) {
        throw invalid(`Key 'queries' must be an array for ${action}`);
      }
    }
    if (action === 'bulkUpdate') {
      if (!('data' in record)) throw invalid(`Key 'data' is required in data for ${action}`);
      if (typeof record.data !== 'object' || record.data === null) {
        throw invalid(`Key 'data.data' must be an array for ${action}`);
      }
    }
    if (action === 'increment' || action === 'decrement') {
      if (!(columnKey in record)) {
        throw invalid(`Key '${columnKey}' is required in data for ${action}`);
      }
      if ('value' in record && !isNumeric(record.value)) {
        throw invalid(`Key 'value' must be a numeric value for ${action}`);
      }
      // PHP hands a numeric string on as a number.
      if (typeof record.value === 'string')
        return { ...inputOf(op), data: { ...record, value: Number(record.value) } };
    }
    return inputOf(op);
  });

  function inputOf(op: Record<string, unknown>): OperationInput {
    const action = op.action as OperationAction;
    return {
      databaseId: op.databaseId as string,
      tableId: op[tableKey] as string,
      rowId: SINGLE.has(action) ? (op[rowKey] as string) : null,
      action,
      data: op.data ?? {},
    };
  }
}

/** PHP's is_numeric for what JSON can carry: a number, or a string holding one. */
function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}

function invalid(problem: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `Invalid \`operations\` param: ${problem}`);
}
