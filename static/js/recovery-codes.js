// The recovery codes page: "Copy codes" puts every code on the clipboard, one per line.
// A static file because the Content Security Policy allows no inline script.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-codes]").forEach(function (button) {
    var list = document.getElementById(button.dataset.copyCodes);
    var status = document.querySelector("[data-copy-status]");
    if (!list || !navigator.clipboard) {
      return; // the button stays hidden; the download link still works
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var codes = Array.from(list.querySelectorAll("code"), function (code) {
        return code.textContent.trim();
      });
      navigator.clipboard.writeText(codes.join("\n") + "\n").then(
        function () {
          status.textContent = "Copied " + codes.length + (codes.length === 1 ? " code" : " codes") + " to the clipboard.";
        },
        function () {
          status.textContent = "Copying was not allowed here; download the file instead.";
        }
      );
    });
  });
})();
