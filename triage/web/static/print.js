// Progressive enhancement: with JavaScript the plan page shows a Print button;
// without it, the page says how to print (the button stays hidden).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-button");
  var hint = document.getElementById("print-hint");
  if (!button || typeof window.print !== "function") { return; }
  button.hidden = false;
  if (hint) { hint.hidden = true; }
  button.addEventListener("click", function () { window.print(); });
});
