// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Select the one-time API token when it is shown, ready to copy.
  const token = document.getElementById("new-token");
  if (token) { token.focus(); token.select(); }
  // Open a decision form's note field straight away.
  document.querySelectorAll("details.decision").forEach((details) => {
    details.addEventListener("toggle", () => {
      if (details.open) { const area = details.querySelector("textarea"); if (area) area.focus(); }
    });
  });
});

// Forms: the error summary takes the focus when the page loads (a screen reader reads it at once),
// and following one of its links focuses the field itself, not just the place on the page.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    const input = target.matches("input, select, textarea, button")
      ? target : target.querySelector("input, select, textarea, button");
    if (!input) return;
    event.preventDefault();
    const label = document.querySelector(`label[for='${input.id}']`) || target.closest("fieldset, .field") || input;
    label.scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
});
