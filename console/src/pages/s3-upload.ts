/**
 * Uploads from the browser with progress: one PUT up to 8 MiB, multipart above (8 MiB parts, three at a
 * time, progress summed over the parts; AbortMultipartUpload when a part fails).
 */
import { ApiError, parseXml, s3, s3Path, str, uploadWithProgress } from '../api.js';
import { doc, el } from './s3-xml.js';

export const PART_SIZE = 8 * 1024 * 1024;
const PARALLEL = 3;

export async function uploadFile(
  bucket: string,
  region: string,
  key: string,
  file: File,
  onProgress: (sent: number) => void,
): Promise<void> {
  const contentType = file.type || 'application/octet-stream';
  if (file.size <= PART_SIZE) {
    await uploadWithProgress(s3Path(bucket, key), file, {
      method: 'PUT',
      region,
      headers: { 'content-type': contentType },
      onProgress,
    });
    onProgress(file.size);
    return;
  }
  const created = await parseXml(
    await s3('POST', bucket, key, { region, query: { uploads: '' }, headers: { 'content-type': contentType } }),
  );
  const uploadId = str(created.UploadId);
  const count = Math.ceil(file.size / PART_SIZE);
  const sent = new Array<number>(count).fill(0);
  const etags = new Array<string>(count).fill('');
  const report = () => onProgress(sent.reduce((a, b) => a + b, 0));
  let nextPart = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && nextPart < count) {
      const i = nextPart++;
      const blob = file.slice(i * PART_SIZE, Math.min(file.size, (i + 1) * PART_SIZE));
      try {
        const r = await uploadWithProgress(s3Path(bucket, key), blob, {
          method: 'PUT',
          region,
          query: { partNumber: String(i + 1), uploadId },
          onProgress: (n) => {
            sent[i] = n;
            report();
          },
        });
        sent[i] = blob.size;
        etags[i] = r.etag;
        report();
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL, count) }, worker));
    const body = doc(
      'CompleteMultipartUpload',
      etags.map((etag, i) => `<Part>${el('PartNumber', String(i + 1))}${el('ETag', etag)}</Part>`).join(''),
    );
    const res = await s3('POST', bucket, key, {
      region,
      query: { uploadId },
      body,
      headers: { 'content-type': 'application/xml' },
    });
    // CompleteMultipartUpload can answer 200 with an <Error> document.
    const answer = await parseXml(res);
    if (answer.Code !== undefined && answer.Bucket === undefined)
      throw new ApiError(str(answer.Code), str(answer.Message), 200);
  } catch (e) {
    await s3('DELETE', bucket, key, { region, query: { uploadId } }).catch(() => undefined);
    throw e;
  }
}
