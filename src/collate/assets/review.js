/* collate review: decide on variants in the page; only on pages `collate review` serves.
   Every call carries the run's token in X-Collate-Token and the entry's version in
   If-Match: a decision made on a page older than the file (a hand edit, a git pull)
   is refused by the server with 409, and the page asks to reload instead of
   overwriting what someone else wrote. */
(function () {
  "use strict";
  var node = document.getElementById("collate-review");
  if (!node) { return; }
  var cfg = JSON.parse(node.textContent);
  var versions = cfg.versions;
  var statusOf = cfg.status;
  var keys = cfg.keys;
  var banner = document.getElementById("review-banner");
  var base = "/api/sets/" + encodeURIComponent(cfg.set);

  // the token came in the address; once the page has it, keep it out of history and bookmarks
  if (location.search) { history.replaceState(null, "", location.pathname + location.hash); }

  function call(method, url, body, version) {
    var headers = { "Content-Type": "application/json", "X-Collate-Token": cfg.token };
    if (version) { headers["If-Match"] = '"' + version + '"'; }
    return fetch(url, {
      method: method, headers: headers, body: JSON.stringify(body),
      credentials: "same-origin", cache: "no-store", redirect: "error"
    }).then(function (response) {
      return response.json().then(function (json) {
        return { ok: response.ok, status: response.status, body: json };
      }, function () {
        return { ok: false, status: response.status, body: { error: "HTTP " + response.status } };
      });
    }, function () {
      return { ok: false, status: 0, body: { error: "the review server does not answer (was it stopped?)" } };
    });
  }

  function entry(id) { return document.getElementById(id); }
  function form(id) { var li = entry(id); return li ? li.querySelector("form.decide") : null; }

  function say(id, text, failed) {
    var f = form(id);
    if (!f) { return; }
    var out = f.querySelector(".saved");
    out.textContent = text;
    out.classList.toggle("failed", !!failed);
  }

  function warn(message) {
    banner.textContent = "";
    var p = document.createElement("p");
    p.textContent = message;
    var again = document.createElement("button");
    again.type = "button";
    again.textContent = "Reload the page";
    again.addEventListener("click", function () { location.reload(); });
    banner.appendChild(p);
    banner.appendChild(again);
    banner.hidden = false;
  }

  function counts() {
    var n = {};
    Object.keys(statusOf).forEach(function (id) { n[statusOf[id]] = (n[statusOf[id]] || 0) + 1; });
    document.querySelectorAll("#filters input[data-group=status]").forEach(function (box) {
      var count = box.parentNode.querySelector(".count");
      if (count) { count.textContent = String(n[box.value] || 0); }
    });
  }

  function show(id, status, note, version) {
    var li = entry(id);
    versions[id] = version;
    statusOf[id] = status;
    if (!li) { return; }
    [li, document.getElementById("t-" + id)].forEach(function (el) {
      if (!el) { return; }
      Array.prototype.slice.call(el.classList).forEach(function (c) {
        if (c.slice(0, 3) === "st-") { el.classList.remove(c); }
      });
      el.classList.add("st-" + status);
    });
    var badge = li.querySelector(".meta .status");
    if (badge) { badge.className = "status st-" + status; badge.textContent = status; }
    var f = form(id);
    var radio = f.querySelector("input[type=radio][value='" + CSS.escape(status) + "']");
    if (radio) { radio.checked = true; }
    var area = f.querySelector("textarea");
    // a note being typed stays when only the status changed
    var typing = area.value !== (area.dataset.saved || "") && area.value !== note;
    area.dataset.saved = note;
    if (!typing) { area.value = note; }
    var shown = li.querySelector("p.note");
    if (!note && shown) { shown.remove(); }
    if (note) {
      if (!shown) {
        shown = document.createElement("p");
        shown.className = "note";
        f.parentNode.insertBefore(shown, f);
      }
      shown.textContent = "";
      var h = document.createElement("span");
      h.className = "note-h";
      h.textContent = "Note:";
      shown.appendChild(h);
      shown.appendChild(document.createTextNode(" "));
      // as the offline page has it: a word that is a variant's id links to it
      note.split(/\b([0-9a-f]{10})\b/).forEach(function (piece) {
        if (!piece) { return; }
        if (Object.prototype.hasOwnProperty.call(versions, piece)) {
          var a = document.createElement("a");
          a.href = "#" + piece;
          a.textContent = piece;
          shown.appendChild(a);
        } else {
          shown.appendChild(document.createTextNode(piece));
        }
      });
    }
    editing(f, typing || !note);
    document.dispatchEvent(new CustomEvent("collate:status", { detail: { id: id, status: status } }));
  }

  // the note shows once: read (with its links) and an "Edit note" button, or the box being edited
  function editing(f, on) {
    var li = f.closest("li.entry");
    var shown = li.querySelector("p.note");
    var hasNote = !!(f.querySelector("textarea").dataset.saved);
    on = on || !hasNote;
    if (shown) { shown.hidden = on; }
    f.querySelector(".note-edit").hidden = !on;
    f.querySelector(".save-note").hidden = !on;
    f.querySelector(".edit-note").hidden = on;
  }

  function refused(id, result) {
    if (result.status === 409) {
      warn(result.body.error + " Reload the page to see the file as it is now.");
    }
    say(id, "not saved: " + result.body.error, true);
  }

  function decide(id, change) {
    say(id, "saving…", false);
    return call("PUT", base + "/variants/" + encodeURIComponent(id), change, versions[id]).then(function (result) {
      if (!result.ok) { refused(id, result); return; }
      show(id, result.body.status, result.body.note, result.body.version);
      say(id, result.body.merged ? "saved (merged with an edit made on disk)" : "saved", false);
    });
  }

  document.addEventListener("change", function (event) {
    var t = event.target;
    if (t.type === "radio" && t.closest("form.decide")) {
      decide(t.closest("form.decide").dataset.id, { status: t.value });
    }
  });
  document.addEventListener("click", function (event) {
    var t = event.target;
    if (t.classList && t.classList.contains("edit-note")) {
      var g = t.closest("form.decide");
      editing(g, true);
      g.querySelector("textarea").focus();
    }
    if (t.classList && t.classList.contains("save-note")) {
      var f = t.closest("form.decide");
      decide(f.dataset.id, { note: f.querySelector("textarea").value });
    }
  });
  document.addEventListener("input", function (event) {
    var t = event.target;
    if (t.tagName === "TEXTAREA" && t.closest("form.decide")) {
      var f = t.closest("form.decide");
      say(f.dataset.id, t.value === (t.dataset.saved || "") ? "" : "note not saved yet", false);
    }
  });
  document.querySelectorAll("form.decide textarea").forEach(function (t) { t.dataset.saved = t.value; });
  document.addEventListener("keydown", function (event) {
    // Escape leaves a note being edited as it was saved
    var t = event.target;
    if (event.key !== "Escape" || t.tagName !== "TEXTAREA" || !t.closest("form.decide") || !t.dataset.saved) { return; }
    var f = t.closest("form.decide");
    t.value = t.dataset.saved;
    say(f.dataset.id, "", false);
    editing(f, false);
    f.querySelector(".edit-note").focus();
  });
  document.querySelectorAll("form.decide").forEach(function (f) {
    f.addEventListener("submit", function (event) { event.preventDefault(); });
  });

  function current() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id.slice(0, 2) === "t-") { id = id.slice(2); }
    if (Object.prototype.hasOwnProperty.call(versions, id)) { return id; }
    var focused = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("#apparatus li.entry");
    return focused ? focused.id : null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var t = event.target;
    if (t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
              (t.tagName === "INPUT" && !/^(checkbox|radio|button)$/.test(t.type)))) { return; }
    var status = keys[event.key];
    if (!status) { return; }
    var id = current();
    if (id === null) { return; }
    event.preventDefault();
    decide(id, { status: status });
  });

  document.getElementById("batch-apply").addEventListener("click", function () {
    var status = document.getElementById("batch-status").value;
    var ids = Array.prototype.slice.call(document.querySelectorAll("#apparatus li.entry"))
      .filter(function (li) { return li.getClientRects().length > 0; })
      .map(function (li) { return li.id; });
    if (!ids.length) { warn("No variant is shown: nothing to mark."); return; }
    var question = "Mark all " + ids.length + " shown variant" + (ids.length === 1 ? "" : "s") +
      " as \u201c" + status + "\u201d?";
    if (!window.confirm(question)) { return; }
    var expected = {};
    ids.forEach(function (id) { expected[id] = versions[id]; });
    call("POST", base + "/batch", { ids: ids, status: status, versions: expected }).then(function (result) {
      if (!result.ok) {
        warn("Nothing was marked: " + result.body.error + (result.status === 409 ? " Reload the page to see the file as it is now." : ""));
        return;
      }
      result.body.variants.forEach(function (v) { show(v.id, v.status, v.note, v.version); });
      banner.hidden = true;
    });
  });
  counts();
  document.addEventListener("collate:status", counts);
}());
