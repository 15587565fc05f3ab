/**
 * The text of a script as it is saved to a file. Windows PowerShell 5.1 reads a .ps1 without a byte
 * order mark in the ANSI code page (Windows-1252 on Western systems), not UTF-8: "ё" (UTF-8 D1 91)
 * becomes "Ñ‘", and U+2018 is one of PowerShell's single quotes, so a value with such a character
 * would leave its quoted literal (about_Character_Encoding; shown with PowerShell's own tokenizer in
 * tests/integration/powershell-quote.test.ts). A UTF-8 BOM makes 5.1 read UTF-8. Other files are
 * left as they are (bash treats a BOM as part of the first command).
 */
export function scriptFileText(fileName: string, text: string): string {
  return /\.ps1$/i.test(fileName) && !text.startsWith('\uFEFF') ? `\uFEFF${text}` : text;
}

/** The undo script's file name next to a fix's: "x.ps1" -> "x-undo.ps1" (the name the fix's header gives). */
export function undoFileName(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}-undo${fileName.slice(dot)}` : `${fileName}-undo`;
}

/**
 * The n-th file of the same name, numbered before its extension ("x.ps1" -> "x-2.ps1"): PowerShell
 * runs only files ending in .ps1, so "x.ps1-2" would be a script nobody can run.
 */
export function numberedFileName(fileName: string, n: number): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `${fileName.slice(0, dot)}-${n}${fileName.slice(dot)}` : `${fileName}-${n}`;
}

/** `fileName`, or the first numbered name not in `taken` (case-insensitive, as Windows folders are); the name chosen is added to `taken`. */
export function uniqueFileName(fileName: string, taken: Set<string>): string {
  let name = fileName;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = numberedFileName(fileName, n);
  taken.add(name.toLowerCase());
  return name;
}
