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
