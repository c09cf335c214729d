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
