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
