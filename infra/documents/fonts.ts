// The CJK font the PDFs are set in: Noto Sans SC (SIL Open Font License),
// from the npm package @expo-google-fonts/noto-sans-sc, which `npm ci`
// installs wherever the project runs (the Docker image included). PDFKit
// embeds the subset a document uses, so the Chinese text of the PDF is real
// text (extractable, searchable). Without the font there is no PDF: a clear
// error naming the package, never a document of empty boxes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const CJK_FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc';
const FILES = {
  regular: `${CJK_FONT_PACKAGE}/400Regular/NotoSansSC_400Regular.ttf`,
  bold: `${CJK_FONT_PACKAGE}/700Bold/NotoSansSC_700Bold.ttf`,
} as const;

export interface CjkFonts {
  regular: Buffer;
  bold: Buffer;
}

/** The font is missing: said to the operator in Chinese and English, naming the package to install. */
export class CjkFontMissingError extends Error {
  constructor(file: string, cause: unknown) {
    super(
      `生成 PDF 所需的中文字体缺失（${file}）：请在项目目录运行 npm ci 安装 ${CJK_FONT_PACKAGE}。` +
        ` / The CJK font for PDF documents is missing (${file}): run \`npm ci\` in the project to install ${CJK_FONT_PACKAGE}.`,
      { cause },
    );
    this.name = 'CjkFontMissingError';
  }
}

const requireHere = createRequire(import.meta.url);

/** Reads both weights; `resolve` is the module resolution (replaced in tests to prove the error). */
export function loadCjkFonts(resolve: (specifier: string) => string = (s) => requireHere.resolve(s)): CjkFonts {
  const read = (specifier: string): Buffer => {
    try {
      return readFileSync(resolve(specifier));
    } catch (error) {
      throw new CjkFontMissingError(specifier, error);
    }
  };
  return { regular: read(FILES.regular), bold: read(FILES.bold) };
}

let cached: CjkFonts | undefined;
/** The fonts, read once per process (about 20 MB); a failed read is tried again next time. */
export function cjkFonts(): CjkFonts {
  cached ??= loadCjkFonts();
  return cached;
}
