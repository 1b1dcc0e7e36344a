// django-celery-beat's periodic task page (templates/admin/djcelery/change_periodictask_form.html):
// show the picked crontab in words under its field, as the package's blocked inline script did.
(function () {
  "use strict";
  const data = document.getElementById("readable-crontabs");
  const select = document.getElementById("id_crontab");
  const help = document.querySelector(".field-crontab .help");
  if (!data || !select) return;
  const readable = JSON.parse(data.textContent);
  const original = help ? help.textContent : "";

  function show() {
    if (!help) return;
    const words = readable[select.value];
    help.replaceChildren(document.createTextNode(original));
    if (words) {
      help.append(document.createElement("br"), document.createTextNode("Translation: " + words));
    }
  }

  const row = document.querySelector(".field-crontab_translation");
  if (row) row.hidden = true; // the read-only translation row repeats what the help text says
  select.addEventListener("change", show);
  if (window.django && window.django.jQuery) {
    window.django.jQuery(select).on("change", show); // a select2 widget fires jQuery events only
  }
  show();
})();
