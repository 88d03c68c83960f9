// Progressive enhancement only: every form works without this file.
// Buttons with data-confirm ask before they submit.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("button[data-confirm]");
  if (b && !window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
});
