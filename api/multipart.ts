// The one way the API reads a multipart upload: exactly one part, a file
// named `file`, and nothing else. Both uploads (POST /api/files and the
// indicator sheet) stand on it, so a malformed body of any shape (a field
// with an empty or missing name, a second file, a file under another name,
// no file, a truncated body, an odd boundary, an oversize part) is refused
// with one 400 (413 for size) in Chinese, the same way for both.
//
// Why it is careful: busboy calls our handlers from stream events, outside
// Express's error path. An exception thrown there is not the route's
// rejection but an uncaught exception of the process (issue 23: a part with
// `name=""` reached a handler as `undefined` and took the API down). So every
// handler here is wrapped: whatever it throws becomes this request's answer.
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import type { Request } from 'express';
import { badRequest, HttpError } from './errors';
import { unknownFields } from './validation';

/** The file part as the consumer receives it: bytes counted against the limit, and what the client claimed. */
export interface FilePart {
  /** The part's bytes; errors with the caller's too-large error once they pass `maxBytes`. */
  stream: Readable;
  /** The client's file name, unchecked (may be missing, empty, a path, anything). */
  filename: string | undefined;
}

export interface SingleFileOptions<T> {
  maxBytes: number;
  /** The 413 for a part over `maxBytes`, worded for its route. */
  tooLarge: () => HttpError;
  /** What the route calls the upload when no file came (e.g. `请求中没有文件（multipart 的 file 字段）`). */
  missingFile: string;
  /**
   * Reads the part to the end (to a temporary file, into memory): its
   * rejection is the request's answer. Called at most once. On a failure it
   * removes what it wrote itself; when the upload is refused after it
   * succeeded, `discard` is called with its result, so that nothing stays
   * behind.
   */
  consume: (part: FilePart) => Promise<T>;
  discard?: (result: T) => Promise<void>;
}

/** The only part name the uploads accept. */
export const FILE_FIELD = 'file';

/** How a part's name is shown when a client sent it empty or without one. */
export function partName(name: unknown): string {
  return typeof name === 'string' && name !== '' ? name : '（未命名的字段）';
}

/**
 * A boundary as RFC 2046 §5.1.1 allows it (`bchars`, 1 to 70, no trailing
 * space). busboy takes longer or odder ones; a client that sends one is not
 * a browser or curl, and what it means by the body is anyone's guess.
 */
const RFC2046_BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** The boundary parameter of a multipart content type (unquoted), or null when there is none. */
export function boundaryOf(contentType: string | undefined): string | null {
  const match = /;\s*boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/i.exec(contentType ?? '');
  if (!match) return null;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '');
}

/**
 * What a refusal answers: our own HttpError as it is; an error of the
 * machine (a full disk, a folder it may not write: it has a `syscall`) as
 * itself, a 500 that is logged, since the client did nothing wrong; anything
 * else the parser or the part's stream raised is the body's fault.
 */
function answerFor(error: unknown): unknown {
  if (error instanceof HttpError) return error;
  if (typeof (error as { syscall?: unknown } | null)?.syscall === 'string') return error;
  return malformed();
}

const malformed = () => badRequest('上传的内容格式错误或不完整（multipart/form-data），请重新上传');

/**
 * Receives the one file of a multipart request. Resolves with what `consume`
 * made of it once the whole body was read; rejects with an HttpError (400,
 * 413) for any other shape, after `discard`-ing what was consumed. Never
 * throws from an event handler.
 */
export function receiveSingleFile<T>(req: Request, options: SingleFileOptions<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const boundary = boundaryOf(req.headers['content-type']);
    if (boundary !== null && !RFC2046_BOUNDARY.test(boundary)) {
      reject(badRequest('multipart 的分隔符（boundary）不合规：应为 1 至 70 个字母、数字或 \'()+_,-./:=? 及空格（不以空格结尾）'));
      return;
    }
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        // One byte past the limit, so that a file of exactly maxBytes passes
        // (busboy flags the limit on reaching it, not on passing it); a few
        // fields are let through the parser only to be named in the refusal.
        limits: { files: 1, fileSize: options.maxBytes + 1, fields: 20, fieldSize: 4096, parts: 21, headerPairs: 20 },
      });
    } catch {
      // No multipart content type, or no usable boundary.
      reject(badRequest(`请以 multipart/form-data 上传，且只含一个文件（字段 ${FILE_FIELD}）`));
      return;
    }

    let settled = false;
    let consumed: Promise<T> | undefined;
    let part: Transform | undefined;
    let consumedStream: Readable | undefined;
    const refuse = (error: unknown) => {
      if (settled) return;
      settled = true;
      // Stop feeding the parser; what the client still sends is read and dropped.
      req.unpipe(parser);
      req.resume();
      // A consumer still reading gets no more bytes: fail its stream so that it ends (and removes what it wrote).
      part?.destroy(error instanceof Error ? error : new Error('upload refused'));
      const cleanup = consumed ? consumed.then((result) => options.discard?.(result), () => undefined) : Promise.resolve();
      void cleanup.catch(() => undefined).finally(() => reject(answerFor(error)));
    };
    /** A handler whose exception becomes this request's answer instead of the process's end. */
    const guarded = <A extends unknown[]>(handler: (...args: A) => void) => (...args: A) => {
      try {
        handler(...args);
      } catch (error) {
        refuse(error);
      }
    };

    parser.on('field', guarded((name: unknown) => refuse(unknownFields([partName(name)]))));
    parser.on('file', guarded((name: unknown, stream: Readable, info: { filename?: string }) => {
      // busboy fails a file stream it cannot finish (a truncated body): an
      // error event with no listener would end the process.
      stream.on('error', guarded((error: unknown) => (consumedStream === stream ? part?.destroy(error instanceof Error ? error : new Error(String(error))) : undefined)));
      // busboy waits for each file stream to be read: drain it whatever we do with it.
      // (A body that arrived whole is still parsed after a refusal: its later parts are only drained.)
      if (settled) {
        stream.resume();
        return;
      }
      if (name !== FILE_FIELD) {
        stream.resume();
        refuse(unknownFields([partName(name)]));
        return;
      }
      if (consumed) {
        stream.resume();
        refuse(badRequest('每次只能上传一个文件'));
        return;
      }
      let size = 0;
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          callback(size > options.maxBytes ? options.tooLarge() : null, chunk);
        },
      });
      // Whoever reads the part sees its errors; this listener only keeps an
      // error raised before the consumer attached from being uncaught.
      counted.on('error', () => undefined);
      part = counted;
      consumedStream = stream;
      stream.pipe(counted);
      consumed = Promise.resolve().then(() => options.consume({ stream: counted, filename: typeof info?.filename === 'string' ? info.filename : undefined }));
      consumed.catch(guarded((error: unknown) => {
        stream.resume();
        refuse(error);
      }));
    }));
    parser.on('filesLimit', guarded(() => refuse(badRequest('每次只能上传一个文件'))));
    parser.on('partsLimit', guarded(() => refuse(badRequest('表单字段过多'))));
    parser.on('fieldsLimit', guarded(() => refuse(badRequest('表单字段过多'))));
    parser.on('error', guarded(() => refuse(malformed())));
    parser.on('close', guarded(() => {
      if (settled) return;
      if (!consumed) {
        refuse(badRequest(options.missingFile));
        return;
      }
      consumed.then(
        guarded((result: T) => {
          if (settled) {
            void Promise.resolve(options.discard?.(result)).catch(() => undefined);
            return;
          }
          settled = true;
          resolve(result);
        }),
        () => undefined,
      );
    }));
    req.on('aborted', guarded(() => refuse(badRequest('上传被中断'))));
    req.on('error', guarded(() => refuse(badRequest('上传被中断'))));
    req.pipe(parser);
  });
}
