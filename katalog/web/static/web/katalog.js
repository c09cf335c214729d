// Page behaviour without inline scripts, so that the Content Security Policy can forbid them:
// a select marked data-autosubmit sends its form when changed; a link marked data-back goes
// back in the history when there is one (its href is the way when there is not).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
// A block marked data-fold-narrow starts folded on a narrow screen, so that what it holds
// (the search filters) does not come before the results; without scripts it stays open.
for (const fold of document.querySelectorAll("details[data-fold-narrow]")) {
  if (window.matchMedia("(max-width: 800px)").matches) fold.open = false;
}
// A search form marked data-post-when-longer goes by POST when its text is long, so the address
// never grows past what the server takes.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-post-when-longer]");
  const box = form && form.elements.namedItem("q");
  if (box && box.value.length > Number(form.dataset.postWhenLonger)) form.method = "post";
});
// A one-line box drops the line breaks of a pasted list; keep the entries apart with "; " so the
// page can recognise the list and offer to screen it.
document.addEventListener("paste", (event) => {
  const box = event.target.closest("input[data-list-paste]");
  const text = box && event.clipboardData ? event.clipboardData.getData("text") : "";
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  if (lines.length < 2) return;
  event.preventDefault();
  box.setRangeText(lines.join("; "), box.selectionStart, box.selectionEnd, "end");
});
