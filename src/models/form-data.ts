/**
 * A web `FormData` (with its `File` and `Blob` values) as a multipart/form-data body: its entries
 * become parts in their order, strings as fields, files with their name and type, as `fetch`
 * sends them.
 */
import type { DataInput } from './body.js';
import type { FileSpec, FilesInput } from './multipart.js';

/** A web FormData, from Node's global or another copy of undici (hence no `instanceof`). */
export function isFormData(value: unknown): value is FormData {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.prototype.toString.call(value) === '[object FormData]'
  );
}

/**
 * The parts of `form` as `files` entries: a string value is a field (`[null, value]`: no file
 * name), a File is a file part with its name and type (`application/octet-stream` when it has
 * none, as fetch), in the form's order.
 */
export function formDataFiles(form: FormData): Array<[string, FileSpec]> {
  const out: Array<[string, FileSpec]> = [];
  for (const [name, value] of form as unknown as Iterable<[string, string | File]>) {
    if (typeof value === 'string') out.push([name, [null, value]]);
    else out.push([name, [value.name, value, value.type || 'application/octet-stream']]);
  }
  return out;
}

/**
 * `data` and `files` with any FormData among them turned into `files` entries (the form's parts
 * first, then the other `files`); `data` is then left empty.
 */
export function foldFormData(
  data: DataInput | FormData,
  files: FilesInput | FormData | null | undefined,
): { data: DataInput; files: FilesInput | null | undefined } {
  const fromData = isFormData(data) ? formDataFiles(data) : null;
  const ownFiles = isFormData(files) ? formDataFiles(files) : files;
  if (fromData === null) return { data: data as DataInput, files: ownFiles };
  if (ownFiles == null) return { data: null, files: fromData };
  const rest = Array.isArray(ownFiles) ? ownFiles : entriesOf(ownFiles);
  return { data: null, files: [...fromData, ...rest] };
}

function entriesOf(files: FilesInput): Array<readonly [string, FileSpec]> {
  if (typeof (files as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(files as Iterable<readonly [string, FileSpec]>)];
  }
  return Object.entries(files as Record<string, FileSpec>);
}
