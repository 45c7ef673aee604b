// The two renderers of a document layout (infra/documents): the PDF carries
// its Chinese as real text in the embedded Noto Sans SC (read back with
// pdf-parse), the Word file as runs and native charts; without the font
// there is a clear error naming the package, never a PDF of boxes.
import { PDFParse } from 'pdf-parse';
import { describe, expect, it } from 'vitest';
import type { DocumentModel } from '../../domain/documents';
import { renderDocument } from '../../infra/documents';
import { CJK_FONT_PACKAGE, CjkFontMissingError, loadCjkFonts } from '../../infra/documents/fonts';
import { docxText, zipEntry, zipEntryNames } from '../support/docx-text';

const model: DocumentModel = {
  title: '测试文档',
  fileName: '测试文档',
  blocks: [
    { kind: 'title', text: '关于赤水市“两山”实践创新基地的公示' },
    { kind: 'paragraph', text: '公示期：2026年12月4日 09:00至2026年12月10日 24:00（北京时间）。' },
    { kind: 'table', columns: [{ title: '序号', width: 0.2 }, { title: '指标', width: 0.8 }], rows: [['1', '环境空气质量优良天数比例']] },
    { kind: 'charts', charts: [{ title: '1. 环境空气质量优良天数比例', valueKind: 'ratio', unit: '%', years: [2027, 2028], series: [{ name: '实际值', values: [0.9, 0.93] }, { name: '全省平均', values: [0.91, null], dashed: true }] }] },
    { kind: 'signature', lines: ['遵义市生态环境局'] },
  ],
};

const flat = (s: string) => s.replace(/\s+/g, '');

describe('document renderers', () => {
  it('writes the PDF’s Chinese as extractable text, with the font embedded', async () => {
    const { bytes, contentType, fileName } = await renderDocument(model, 'pdf');
    expect(contentType).toBe('application/pdf');
    expect(fileName).toBe('测试文档.pdf');
    const text = flat((await new PDFParse({ data: bytes }).getText()).text);
    for (const s of ['关于赤水市“两山”实践创新基地的公示', '2026年12月10日24:00（北京时间）', '环境空气质量优良天数比例', '实际值', '2028年', '遵义市生态环境局', '第1页共1页']) expect(text).toContain(flat(s));
    expect(bytes.toString('latin1')).toMatch(/\/FontFile2/);
    expect(bytes.toString('latin1')).toMatch(/NotoSansSC/);
  });

  it('writes the Word file’s text as runs and the charts as native Word charts', async () => {
    const { bytes, contentType } = await renderDocument(model, 'docx');
    expect(contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const text = docxText(bytes);
    for (const s of ['关于赤水市“两山”实践创新基地的公示', '2026年12月10日 24:00（北京时间）', '环境空气质量优良天数比例', '遵义市生态环境局']) expect(text).toContain(s);
    const chart = zipEntryNames(bytes).find((n) => /^word\/charts\/chart\d+\.xml$/.test(n));
    expect(chart).toBeDefined();
    expect(zipEntry(bytes, chart!)!.toString('utf8')).toContain('实际值');
  });

  it('refuses to work without the font, naming the package to install', () => {
    const missing = () => loadCjkFonts(() => {
      throw new Error('Cannot find module');
    });
    expect(missing).toThrow(CjkFontMissingError);
    expect(missing).toThrow(new RegExp(`npm ci.*${CJK_FONT_PACKAGE.replace('/', '\\/')}`));
    expect(missing).toThrow(/中文字体缺失/);
    expect(() => loadCjkFonts(() => '/nonexistent/NotoSansSC.ttf')).toThrow(CjkFontMissingError);
  });
});
