// Progressive enhancement only: every form works without this file.
// Buttons with data-confirm ask before they submit.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("button[data-confirm]");
  if (b && !window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
});

// The first page a browser opens remembers its time zone, so later pages
// show times in it; the footer's form changes it, with or without this.
(function () {
  if (document.cookie.split("; ").some(function (c) { return c.indexOf("portdesk_tz=") === 0; })) return;
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!tz || !/^[A-Za-z][A-Za-z0-9_+\-\/]{0,63}$/.test(tz)) return;
  var secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = "portdesk_tz=" + tz + "; Path=/; Max-Age=31536000; SameSite=Lax" + secure;
})();
