import { readFile } from "node:fs/promises";
import { extname } from "node:path";

/**
 * An image for a model's file input (a first frame when chaining shots), in one of the forms
 * Replicate's input-file docs allow: an http(s) URL or data URI passes through; a local file
 * becomes a data URI when small (Replicate recommends them under 1 MB) and is uploaded through
 * the Files API otherwise. Data URIs are preferred because they are deterministic: a resumed
 * create sends the same input and can be matched to a prediction an earlier process made.
 */

export const DATA_URI_MAX_BYTES = 1024 * 1024;

const TYPES: Record<string, string> = { ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp", ".gif": "image/gif" };

export interface FileInputValue {
  value: string;
  /** True when the value is an upload URL (differs on every upload). */
  uploaded: boolean;
}

export async function fileInputValue(src: string, upload: (bytes: Buffer, contentType: string) => Promise<string>, maxDataUriBytes = DATA_URI_MAX_BYTES): Promise<FileInputValue> {
  if (/^https?:\/\//i.test(src) || /^data:/i.test(src)) return { value: src, uploaded: false };
  const bytes = await readFile(src);
  if (!bytes.length) throw new Error(`image file is empty: ${src}`);
  const type = TYPES[extname(src).toLowerCase()] ?? "application/octet-stream";
  if (bytes.length <= maxDataUriBytes) return { value: `data:${type};base64,${bytes.toString("base64")}`, uploaded: false };
  return { value: await upload(bytes, type), uploaded: true };
}
