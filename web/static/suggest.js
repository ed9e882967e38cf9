// Pickers: an <input data-suggest="/api/v1/…/suggest" list="ID"> gets its
// <datalist id="ID"> refilled as the user types. Each option's value is what
// the field takes (a firm's USCC, a user's username), its label the name and
// where they belong. Without this script the field still takes the value
// typed in full (and a firm's exact name). No build, no external resource.
(function () {
  "use strict";
  function label(it) {
    var name = it.name || it.display_name || "";
    var where = it.town_name || it.group_name || "";
    if (typeof it.enterprises === "number") { where = "已结对 " + it.enterprises + " 家"; }
    return where ? name + "（" + where + "）" : name;
  }
  var inputs = document.querySelectorAll("input[data-suggest]");
  Array.prototype.forEach.call(inputs, function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list || !window.fetch) { return; }
    var timer = 0, last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === last || q === "") { return; }
        last = q;
        fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (d) {
            list.textContent = "";
            (d.items || []).forEach(function (it) {
              var o = document.createElement("option");
              o.value = it.uscc || it.username;
              o.label = label(it);
              o.textContent = o.label;
              list.appendChild(o);
            });
          })
          .catch(function () { /* the field still takes what is typed */ });
      }, 200);
    });
  });
})();
