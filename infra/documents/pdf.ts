// A document's layout (domain/documents.ts) as a PDF, with PDFKit: A4, set
// in Noto Sans SC (infra/documents/fonts.ts; embedded as a subset, so the
// text is real text), tables drawn cell by cell across pages with their
// header repeated, line charts drawn with PDFKit's own vector paths, and
// 第 N 页 共 M 页 at the foot of each page.
import PDFDocument from 'pdfkit';
import type { Block, DocumentModel, LineChart } from '../../domain/documents';
import { formatValue } from '../../domain/ls-index/catalogue';
import { cjkFonts } from './fonts';

type Pdf = PDFKit.PDFDocument;

const MARGIN = { top: 64, bottom: 64, left: 60, right: 60 };
const INK = '#1a1a1a';
const MUTED = '#555555';
const RULE = '#8a8a8a';
const HEADER_FILL = '#eef2f0';
/** Series colours: dark and distinct in print; reference lines are dashed. */
const COLOURS = ['#1f5fa8', '#2e7d4f', '#c0392b', '#8e44ad'];
const REGULAR = 'cjk';
const BOLD = 'cjk-bold';

export async function renderPdf(model: DocumentModel): Promise<Buffer> {
  // Before anything is drawn: without the font there is no document (fonts.ts).
  const fonts = cjkFonts();
  const doc = new PDFDocument({ size: 'A4', margins: MARGIN, bufferPages: true, info: { Title: model.title, Creator: '贵州省“两山”实践创新基地管理系统' }, lang: 'zh-CN', displayTitle: true });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);
  doc.font(REGULAR).fillColor(INK);
  for (const block of model.blocks) drawBlock(doc, block);
  numberPages(doc);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

const textWidth = (doc: Pdf) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
const bottom = (doc: Pdf) => doc.page.height - doc.page.margins.bottom;

/** Starts a new page unless `height` still fits on this one. */
function ensureRoom(doc: Pdf, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function drawBlock(doc: Pdf, block: Block): void {
  const x = doc.page.margins.left;
  const width = textWidth(doc);
  switch (block.kind) {
    case 'title':
      doc.font(BOLD).fontSize(18).fillColor(INK).text(block.text, x, doc.y, { width, align: 'center', lineGap: 6 });
      doc.moveDown(1);
      return;
    case 'heading':
      ensureRoom(doc, 60);
      doc.moveDown(0.6);
      doc.font(BOLD).fontSize(13).fillColor(INK).text(block.text, x, doc.y, { width, lineGap: 4 });
      doc.moveDown(0.4);
      return;
    case 'paragraph':
      doc.font(REGULAR).fontSize(11).fillColor(INK).text(block.text, x, doc.y, { width, indent: 22, lineGap: 5, align: 'justify' });
      doc.moveDown(0.5);
      return;
    case 'note':
      doc.font(REGULAR).fontSize(9).fillColor(MUTED).text(block.text, x, doc.y, { width, lineGap: 3 });
      doc.fillColor(INK).moveDown(0.5);
      return;
    case 'table':
      drawTable(doc, block.columns, block.rows);
      doc.moveDown(0.5);
      return;
    case 'charts':
      drawCharts(doc, block.charts);
      return;
    case 'signature':
      ensureRoom(doc, 30 + block.lines.length * 20);
      doc.moveDown(2);
      for (const line of block.lines) doc.font(REGULAR).fontSize(11).fillColor(INK).text(line, x, doc.y, { width: width - 20, align: 'right', lineGap: 4 });
      return;
  }
}

function drawTable(doc: Pdf, columns: ReadonlyArray<{ title: string; width: number }>, rows: readonly string[][]): void {
  const left = doc.page.margins.left;
  const width = textWidth(doc);
  const widths = columns.map((c) => c.width * width);
  const pad = 4;
  const size = 9;
  const heightOf = (cells: readonly string[], font: string) =>
    Math.max(...cells.map((text, i) => doc.font(font).fontSize(size).heightOfString(text, { width: (widths[i] ?? 20) - 2 * pad, lineGap: 2 }))) + 2 * pad;
  const drawRow = (cells: readonly string[], font: string, fill?: string) => {
    const h = heightOf(cells, font);
    let cx = left;
    const y = doc.y;
    cells.forEach((text, i) => {
      const w = widths[i] ?? 20;
      if (fill) doc.rect(cx, y, w, h).fill(fill);
      doc.rect(cx, y, w, h).lineWidth(0.5).strokeColor(RULE).stroke();
      doc.font(font).fontSize(size).fillColor(INK).text(text, cx + pad, y + pad, { width: w - 2 * pad, lineGap: 2 });
      cx += w;
    });
    doc.x = left;
    doc.y = y + h;
  };
  const header = columns.map((c) => c.title);
  ensureRoom(doc, heightOf(header, BOLD) + (rows[0] ? heightOf(rows[0], REGULAR) : 0));
  drawRow(header, BOLD, HEADER_FILL);
  for (const row of rows) {
    if (doc.y + heightOf(row, REGULAR) > bottom(doc)) {
      doc.addPage();
      drawRow(header, BOLD, HEADER_FILL);
    }
    drawRow(row, REGULAR);
  }
}

/** Two charts a row, each with its title, axes, the years along the bottom and a legend. */
function drawCharts(doc: Pdf, charts: readonly LineChart[]): void {
  const left = doc.page.margins.left;
  const gap = 16;
  const w = (textWidth(doc) - gap) / 2;
  const h = 170;
  for (let i = 0; i < charts.length; i += 2) {
    ensureRoom(doc, h + 8);
    const y = doc.y;
    charts.slice(i, i + 2).forEach((chart, k) => drawChart(doc, chart, left + k * (w + gap), y, w, h));
    doc.x = left;
    doc.y = y + h + 8;
  }
}

/** A readable scale: about four steps of 1, 2 or 5 times a power of ten; a share stays within 0–100%, a count above 0. */
function niceScale(min: number, max: number, ratio: boolean): { lo: number; hi: number; step: number } {
  const share = ratio && max <= 1;
  const nonNegative = min >= 0;
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  return { lo: nonNegative ? Math.max(0, lo) : lo, hi: share ? Math.min(1, hi) : hi, step };
}

function drawChart(doc: Pdf, chart: LineChart, x: number, y: number, w: number, h: number): void {
  doc.save();
  doc.rect(x, y, w, h).lineWidth(0.5).strokeColor('#cccccc').stroke();
  doc.font(BOLD).fontSize(8.5).fillColor(INK).text(chart.title, x + 6, y + 5, { width: w - 12, height: 22, ellipsis: true, lineGap: 1 });
  const label = (v: number) => (chart.valueKind === 'ratio' ? formatValue(v, 'ratio') : formatValue(v, 'quantity'));
  const plot = { x: x + 46, y: y + 30, w: w - 58, h: h - 72 };
  const values = chart.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  // References alone (a target, the provincial average) are no chart of the base.
  if (!chart.series.some((s) => !s.dashed && s.values.some((v) => v !== null))) {
    doc.font(REGULAR).fontSize(8).fillColor(MUTED).text('暂无数据', plot.x, plot.y + plot.h / 2 - 5, { width: plot.w, align: 'center' });
    doc.restore();
    return;
  }
  const scale = niceScale(Math.min(...values), Math.max(...values), chart.valueKind === 'ratio');
  const yOf = (v: number) => plot.y + plot.h - ((v - scale.lo) / (scale.hi - scale.lo)) * plot.h;
  const n = chart.years.length;
  const xOf = (i: number) => (n === 1 ? plot.x + plot.w / 2 : plot.x + (i / (n - 1)) * plot.w);

  // Grid and value labels.
  for (let v = scale.lo; v <= scale.hi + scale.step / 2; v += scale.step) {
    const gy = yOf(v);
    doc.moveTo(plot.x, gy).lineTo(plot.x + plot.w, gy).lineWidth(0.3).strokeColor('#dddddd').stroke();
    doc.font(REGULAR).fontSize(6.5).fillColor(MUTED).text(label(Number(v.toFixed(10))), x + 2, gy - 4, { width: 40, align: 'right', lineBreak: false });
  }
  doc.moveTo(plot.x, plot.y).lineTo(plot.x, plot.y + plot.h).lineTo(plot.x + plot.w, plot.y + plot.h).lineWidth(0.6).strokeColor(RULE).stroke();
  chart.years.forEach((year, i) => {
    doc.font(REGULAR).fontSize(7).fillColor(MUTED).text(`${year}年`, xOf(i) - 20, plot.y + plot.h + 3, { width: 40, align: 'center', lineBreak: false });
  });

  // The series: lines broken where a year has no value, a dot on each point.
  chart.series.forEach((s, k) => {
    const colour = s.dashed ? '#7f7f7f' : (COLOURS[k % COLOURS.length] as string);
    doc.lineWidth(s.dashed ? 0.8 : 1.4).strokeColor(colour);
    if (s.dashed) doc.dash(3, { space: 2 });
    let drawing = false;
    s.values.forEach((v, i) => {
      if (v === null) {
        drawing = false;
        return;
      }
      if (drawing) doc.lineTo(xOf(i), yOf(v));
      else doc.moveTo(xOf(i), yOf(v));
      drawing = true;
    });
    doc.stroke();
    doc.undash();
    if (!s.dashed) s.values.forEach((v, i) => v !== null && doc.circle(xOf(i), yOf(v), 1.8).fill(colour));
  });

  // Legend, under the years.
  let lx = x + 8;
  const ly = y + h - 16;
  chart.series.forEach((s, k) => {
    const colour = s.dashed ? '#7f7f7f' : (COLOURS[k % COLOURS.length] as string);
    doc.lineWidth(s.dashed ? 0.8 : 1.4).strokeColor(colour);
    if (s.dashed) doc.dash(3, { space: 2 });
    doc.moveTo(lx, ly + 4).lineTo(lx + 14, ly + 4).stroke();
    doc.undash();
    doc.font(REGULAR).fontSize(6.5).fillColor(INK);
    const tw = doc.widthOfString(s.name);
    doc.text(s.name, lx + 17, ly, { lineBreak: false });
    lx += 17 + tw + 10;
  });
  doc.restore();
}

/** 第 N 页 共 M 页, centred in the bottom margin of every page. */
function numberPages(doc: Pdf): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the margin must not start a new page.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(REGULAR).fontSize(8).fillColor(MUTED).text(`第 ${i + 1} 页 共 ${range.count} 页`, doc.page.margins.left, doc.page.height - margin / 2 - 4, { width: textWidth(doc), align: 'center', lineBreak: false });
    doc.page.margins.bottom = margin;
  }
}
