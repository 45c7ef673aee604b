// A document's layout (domain/documents.ts) as an editable Word file, with
// the `docx` package: A4, the body in 宋体 and headings in 黑体 (the fonts
// every Chinese Word or WPS has; the PDF carries its own font instead),
// tables with their header repeated on each page, the line charts as native
// Word charts (editable, their data kept in the file), and 第 N 页 共 M 页 in
// the footer.
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
} from 'docx';
import { ChartRun } from 'docx/charts';
import type { Block, DocumentModel, LineChart } from '../../domain/documents';

const BODY_FONT = '宋体';
const HEADING_FONT = '黑体';
/** A4 with 2.5 cm margins: the text is 16 cm wide, in twentieths of a point. */
const TEXT_WIDTH_TWIPS = 9070;
const COLOURS = ['1F5FA8', '2E7D4F', 'C0392B', '8E44AD'];
const font = (name: string) => ({ ascii: name, eastAsia: name, hAnsi: name, cs: name });

export async function renderDocx(model: DocumentModel): Promise<Buffer> {
  const doc = new Document({
    title: model.title,
    creator: '贵州省“两山”实践创新基地管理系统',
    styles: { default: { document: { run: { font: font(BODY_FONT), size: 22 }, paragraph: { spacing: { line: 360 } } } } },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ size: 18, children: ['第 ', PageNumber.CURRENT, ' 页 共 ', PageNumber.TOTAL_PAGES, ' 页'] })] })],
          }),
        },
        children: model.blocks.flatMap(blockToWord),
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function blockToWord(block: Block): FileChild[] {
  switch (block.kind) {
    case 'title':
      return [new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: block.text, bold: true, size: 36, font: font(HEADING_FONT) })] })];
    case 'heading':
      return [new Paragraph({ spacing: { before: 240, after: 120 }, keepNext: true, children: [new TextRun({ text: block.text, bold: true, size: 26, font: font(HEADING_FONT) })] })];
    case 'paragraph':
      // Two characters of first-line indent, as Chinese official writing does.
      return [new Paragraph({ alignment: AlignmentType.JUSTIFIED, indent: { firstLine: 440 }, children: [new TextRun(block.text)] })];
    case 'note':
      return [new Paragraph({ spacing: { after: 120 }, children: [new TextRun({ text: block.text, size: 18, color: '555555' })] })];
    case 'table':
      return [tableToWord(block.columns, block.rows), new Paragraph({ children: [] })];
    case 'charts':
      return chartsToWord(block.charts);
    case 'signature':
      return [new Paragraph({ spacing: { before: 480 }, children: [] }), ...block.lines.map((line) => new Paragraph({ alignment: AlignmentType.RIGHT, children: [new TextRun(line)] }))];
  }
}

function tableToWord(columns: ReadonlyArray<{ title: string; width: number }>, rows: readonly string[][]): Table {
  const widths = columns.map((c) => Math.round(c.width * TEXT_WIDTH_TWIPS));
  const border = { style: BorderStyle.SINGLE, size: 4, color: '8A8A8A' };
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i] ?? 600, type: WidthType.DXA },
      borders: { top: border, bottom: border, left: border, right: border },
      margins: { top: 40, bottom: 40, left: 80, right: 80 },
      ...(header ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: 'EEF2F0' } } : {}),
      children: [new Paragraph({ spacing: { line: 280 }, children: [new TextRun({ text, size: 18, bold: header, ...(header ? { font: font(HEADING_FONT) } : {}) })] })],
    });
  return new Table({
    width: { size: TEXT_WIDTH_TWIPS, type: WidthType.DXA },
    columnWidths: widths,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: columns.map((c, i) => cell(c.title, i, true)) }),
      ...rows.map((r) => new TableRow({ cantSplit: true, children: r.map((text, i) => cell(text, i, false)) })),
    ],
  });
}

/** Two native line charts a paragraph, ratios on a percent axis. */
function chartsToWord(charts: readonly LineChart[]): Paragraph[] {
  const out: Paragraph[] = [];
  for (let i = 0; i < charts.length; i += 2) {
    out.push(new Paragraph({ keepLines: true, children: charts.slice(i, i + 2).map(chartRun) }));
  }
  return out;
}

function chartRun(chart: LineChart): ChartRun {
  return new ChartRun({
    type: 'line',
    title: { text: chart.title, font: { size: 10, bold: true, name: BODY_FONT } },
    font: { name: BODY_FONT },
    categories: chart.years.map((y) => `${y}年`),
    series: chart.series.map((s, k) => ({
      name: s.name,
      values: s.values,
      ...(s.dashed ? { line: { color: '7F7F7F', width: 1, dash: 'dash' as const } } : { color: COLOURS[k % COLOURS.length] as string }),
    })),
    markers: true,
    valueAxis: { numberFormat: chart.valueKind === 'ratio' ? '0.0%' : 'General', ...(chart.valueKind === 'quantity' ? { title: chart.unit } : {}) },
    legend: { position: 'bottom', font: { size: 8 } },
    transformation: { width: 296, height: 220 },
    altText: { name: chart.title, description: `${chart.title}：${chart.series.map((s) => `${s.name} ${s.values.map((v, i) => `${chart.years[i]}年${v ?? '无数据'}`).join('，')}`).join('；')}`, title: chart.title },
  });
}
