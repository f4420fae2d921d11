import { ApiError, adminHeaders, ENDPOINT } from './api.ts';

/** Appwrite's chunk size: files above it go up in 5 MiB pieces (`Content-Range`, `X-Appwrite-ID`). */
const CHUNK = 5 * 1024 * 1024;

function sendChunk(
  url: string,
  form: FormData,
  headers: Record<string, string>,
  onProgress: (sent: number) => void,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => onProgress(event.loaded);
    request.onload = () => {
      const body = JSON.parse(request.responseText || '{}') as Record<string, unknown>;
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(String(body.message), request.status, String(body.type)));
    };
    request.onerror = () => reject(new Error('The upload failed (network).'));
    request.send(form);
  });
}

/**
 * Uploads a file as Appwrite's `storage.createFile` does — one multipart request, or 5 MiB chunks
 * for larger files — reporting the share sent (0…1). XMLHttpRequest, as fetch has no upload progress.
 */
export async function uploadFile(
  bucketId: string,
  file: File,
  onProgress: (share: number) => void,
): Promise<Record<string, unknown>> {
  const url = `${ENDPOINT}/storage/buckets/${bucketId}/files`;
  const fileId = crypto.randomUUID().replaceAll('-', '').slice(0, 20);
  let answer: Record<string, unknown> = {};
  for (let start = 0; start === 0 || start < file.size; start += CHUNK) {
    const end = Math.min(start + CHUNK, file.size);
    const form = new FormData();
    form.append('fileId', fileId);
    form.append('file', file.slice(start, end), file.name);
    const headers = adminHeaders();
    if (file.size > CHUNK) {
      headers['content-range'] = `bytes ${start}-${end - 1}/${file.size}`;
      if (start > 0) headers['x-appwrite-id'] = fileId;
    }
    answer = await sendChunk(url, form, headers, (sent) =>
      onProgress(file.size === 0 ? 1 : Math.min(1, (start + sent) / file.size)),
    );
    if (file.size <= CHUNK) break;
  }
  onProgress(1);
  return answer;
}
