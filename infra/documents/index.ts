// One layout (domain/documents.ts), two files: the editable Word document and
// the PDF, with their media types and a Chinese download name.
import type { DocumentModel } from '../../domain/documents';
import { renderDocx } from './docx';
import { renderPdf } from './pdf';

export const DOCUMENT_FORMATS = {
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', render: renderDocx },
  pdf: { contentType: 'application/pdf', render: renderPdf },
} as const;
export type DocumentFormat = keyof typeof DOCUMENT_FORMATS;

export interface RenderedDocument {
  bytes: Buffer;
  contentType: string;
  /** `<name>.docx` or `<name>.pdf`. */
  fileName: string;
}

export async function renderDocument(model: DocumentModel, format: DocumentFormat): Promise<RenderedDocument> {
  const { contentType, render } = DOCUMENT_FORMATS[format];
  return { bytes: await render(model), contentType, fileName: `${model.fileName}.${format}` };
}
