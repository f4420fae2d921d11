import { appwriteClient } from '../../_lib/caller.ts';
import { createHandler } from '../../_lib/create-handler.ts';
import { runExport } from './export-handler.ts';
import { createExportRepo } from './export-repo.ts';

/**
 * The `export-users` function: runs one queued CSV export job (`POST /` `{jobId}`). Nobody may execute
 * it (`execute: []`); `admin` starts it asynchronously with its execution key.
 */
export default createHandler({
  'POST /': runExport({ repoFor: (req) => createExportRepo(appwriteClient(req)) }),
});
