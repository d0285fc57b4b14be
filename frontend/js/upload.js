// A multipart upload through XMLHttpRequest, whose upload.onprogress reports
// bytes sent (fetch has no upload progress).
import { ApiError, authHeaders } from './api.js';

// → { done: Promise<video>, cancel() }; onProgress(sentBytes, totalBytes).
export function uploadVideo(form, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', '/api/videos');
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable) onProgress(ev.loaded, ev.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201) resolve(body);
      else reject(new ApiError(xhr.status, body?.error || `http_${xhr.status}`,
        body?.message || `The upload failed (HTTP ${xhr.status}).`));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', 'The connection broke during the upload.')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'cancelled', 'The upload was cancelled.')));
    xhr.send(form);
  });
  return { done, cancel: () => xhr.abort() };
}
