// Pickers: an <input data-suggest="/api/v1/…/suggest" list="ID"> gets its
// <datalist id="ID"> refilled as the user types: each option's value is a
// firm's USCC, its label the name and town. Without this script the field
// still takes a USCC typed in full. No build, no external resource.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !window.fetch) { return; }
    var timer = 0, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === last || q.length < 2) { return; }
        last = q;
        fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (d) {
            list.textContent = "";
            (d.items || []).forEach(function (it) {
              var o = document.createElement("option");
              o.value = it.uscc;
              o.label = it.name + (it.town_name ? "（" + it.town_name + "）" : "");
              o.textContent = o.label;
              list.appendChild(o);
            });
          })
          .catch(function () { /* the field still takes a USCC */ });
      }, 200);
    });
  });
})();
