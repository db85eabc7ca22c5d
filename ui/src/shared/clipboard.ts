// Writing text to the clipboard from a click. WebKitGTK allows it only
// while the click is being handled, so this must be called synchronously
// from the handler (the text is already in the page: see copy_text in the
// history). A selected hidden textarea and "copy" first, then the async
// Clipboard API where the webview offers it.

export function writeClipboard(text: string): Promise<void> {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    // Deprecated but the one way WebKitGTK lets a click write the clipboard synchronously.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  if (ok) return Promise.resolve();
  // Absent outside secure contexts, whatever the DOM types say.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  return Promise.reject(new Error("クリップボードにコピーできませんでした。"));
}
