/* collate report: filters, counts and next/previous variant.
   Filters work by writing one small stylesheet (the entries carry their kind,
   status and classes as CSS classes), so a page with thousands of variants does
   no work per entry, at load or on a change. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var dataNode = document.getElementById("collate-data");
  if (!dataNode) { return; }
  var data = JSON.parse(dataNode.textContent);
  var ids = data.ids;
  var position = {};
  ids.forEach(function (id, i) { position[id] = i; });
  var form = document.getElementById("filters");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var shown = document.getElementById("shown");
  var style = document.createElement("style");
  document.head.appendChild(style);
  var visible = ids.slice();
  var visibleSet = null;  // null: everything is visible

  function checked(group) {
    var out = {};
    boxes.forEach(function (b) { if (b.dataset.group === group && b.checked) { out[b.value] = true; } });
    return out;
  }

  function cls(name) { return "." + CSS.escape(name); }

  // groups where an entry shows when any of its values is ticked: its classes, the
  // witnesses that depart from the base in it (that group only with three witnesses or more)
  var anyOf = [["class", "c-", "classes"], ["witness", "w-", "witnesses"]];

  function apply() {
    var kinds = checked("kind"), statuses = checked("status");
    var hidden = [];
    boxes.forEach(function (b) {
      if (b.checked) { return; }
      if (b.dataset.group === "kind") { hidden.push(cls("k-" + b.value)); }
      if (b.dataset.group === "status") { hidden.push(cls("st-" + b.value)); }
    });
    var limits = [];
    anyOf.forEach(function (g) {
      var groupBoxes = boxes.filter(function (b) { return b.dataset.group === g[0]; });
      var on = groupBoxes.filter(function (b) { return b.checked; });
      if (on.length < groupBoxes.length && data[g[2]]) {
        hidden.push(".v" + on.map(function (b) { return ":not(" + cls(g[1] + b.value) + ")"; }).join(""));
        limits.push([data[g[2]], checked(g[0])]);
      }
    });
    if (hidden.length) {
      var list = hidden.join(", ");
      style.textContent = "#apparatus .entry:is(" + list + ") { display: none; }\n" +
        "#text .vm:is(" + list + ") { border-bottom-color: transparent; background: none; color: inherit; }\n" +
        "#text .vm:is(" + list + ") sup, #text .vm.point:is(" + list + ") { display: none; }\n";
    } else {
      style.textContent = "";
    }
    visible = [];
    visibleSet = {};
    function within(limit) { return limit[0][i].some(function (value) { return limit[1][value]; }); }
    for (var i = 0; i < ids.length; i++) {
      if (kinds[data.kind[i]] && statuses[data.status[i]] && limits.every(within)) {
        visible.push(ids[i]);
        visibleSet[ids[i]] = true;
      }
    }
    shown.textContent = "Showing " + visible.length + " of " + ids.length + " variant" + (ids.length === 1 ? "" : "s");
  }

  function current() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.slice(0, 2) === "t-") { id = id.slice(2); }
    return Object.prototype.hasOwnProperty.call(position, id) ? id : null;
  }

  function go(id) {
    if (location.hash === "#" + id) {
      reveal(id);
    } else {
      location.hash = id;  // scrolls, and :target highlights it
    }
    var node = document.getElementById(id);
    if (node) { node.focus({ preventScroll: true }); }
  }

  function step(delta) {
    if (!visible.length) { return; }
    var id = current();
    var at = id === null ? -1 : position[id];
    var target = null;
    if (delta > 0) {
      for (var i = 0; i < visible.length; i++) { if (position[visible[i]] > at) { target = visible[i]; break; } }
      if (target === null && at === -1) { target = visible[0]; }
    } else {
      for (var j = visible.length - 1; j >= 0; j--) {
        if (at === -1 || position[visible[j]] < at) { target = visible[j]; break; }
      }
    }
    if (target !== null) { go(target); }
  }

  function reveal(id) {
    // a link to a variant the filters hide shows everything again
    if (visibleSet && !visibleSet[id]) {
      boxes.forEach(function (b) { b.checked = true; });
      apply();
    }
    var node = document.getElementById(id);
    if (node) { node.scrollIntoView({ block: "center" }); }
  }

  form.addEventListener("change", apply);
  document.getElementById("show-all").addEventListener("click", function () {
    boxes.forEach(function (b) { b.checked = true; });
    apply();
  });
  document.getElementById("next-variant").addEventListener("click", function () { step(1); });
  document.getElementById("prev-variant").addEventListener("click", function () { step(-1); });
  window.addEventListener("hashchange", function () {
    var id = current();
    if (id !== null && location.hash.slice(1, 3) !== "t-") { reveal(id); }
  });
  // collate review changes a variant's status in the page: filter and count it anew
  document.addEventListener("collate:status", function (event) {
    var at = position[event.detail.id];
    if (at !== undefined) { data.status[at] = event.detail.status; apply(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var t = event.target;
    if (t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
              (t.tagName === "INPUT" && !/^(checkbox|radio|button)$/.test(t.type)))) { return; }
    if (event.key === "j" || event.key === "n") { step(1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "p") { step(-1); event.preventDefault(); }
  });
  // copy an entry's id (to find it in apparatus.toml, or to quote it); the selection is the fallback
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) { return; }
    var text = button.dataset.copy;
    var done = function () {
      button.classList.add("done");
      setTimeout(function () { button.classList.remove("done"); }, 1500);
    };
    var fallback = function () {
      var code = button.previousElementSibling;
      var range = document.createRange();
      range.selectNodeContents(code);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      try { if (document.execCommand("copy")) { done(); } } catch (e) { /* the id stays selected */ }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });
  apply();
}());
