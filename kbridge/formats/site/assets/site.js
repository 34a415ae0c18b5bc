/* kbridge static site: status and kind filters, and search over window.KBRIDGE_SEARCH.
   No network: everything needed is in the site's own files. Results are built with DOM calls and
   textContent only, never innerHTML, so nothing in a record can run as markup. */
(function () {
  "use strict";

  function setUpFilters() {
    document.querySelectorAll(".filters").forEach(function (group) {
      var attribute = group.dataset.filterGroup === "status" ? "status" : "kind";
      var scope = group.parentElement;
      var rows = scope.querySelectorAll(attribute === "status" ? "tr[data-status]" : "li[data-kind]");
      var count = scope.querySelector(".filter-count");
      function apply() {
        var shown = {};
        group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          shown[box.dataset.filterStatus || box.dataset.filterKind] = box.checked;
        });
        var visible = 0;
        rows.forEach(function (row) {
          var on = shown[row.dataset[attribute]] !== false;
          row.classList.toggle("hidden", !on);
          if (on) { visible += 1; }
        });
        if (count) { count.textContent = visible + " of " + rows.length + " shown"; }
      }
      group.addEventListener("change", apply);
      apply();
    });
  }

  var LETTER = /[\p{L}\p{N}]/u;

  function fold(text) {
    // One character out for each character in, so positions in the folded text are positions in
    // the original: accents and case dropped, everything but letters and digits a space.
    var out = "";
    for (var i = 0; i < text.length; i += 1) {
      var c = text.charAt(i);
      var f = c.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
      if (f.length !== 1) { f = c.toLowerCase().length === 1 ? c.toLowerCase() : " "; }
      out += LETTER.test(f) ? f : " ";
    }
    return out;
  }

  function findWord(haystack, term, from) {
    // Where `term` starts a word of `haystack` (so "lease" finds "lease", not "release").
    var at = haystack.indexOf(term, from || 0);
    while (at > 0 && haystack.charAt(at - 1) !== " ") {
      at = haystack.indexOf(term, at + 1);
    }
    return at;
  }

  function terms(query) {
    var found = [];
    var pattern = /"([^"]+)"|(\S+)/g;
    var match;
    while ((match = pattern.exec(query)) !== null) {
      var term = fold(match[1] || match[2]).split(" ").filter(Boolean).join(" ");
      if (term) { found.push(term); }
    }
    return found;
  }

  function score(entry, wanted) {
    var title = fold(entry.k + " " + entry.t);
    var body = fold(entry.b);
    var total = 0;
    for (var i = 0; i < wanted.length; i += 1) {
      var inTitle = findWord(title, wanted[i]) !== -1;
      var inBody = findWord(body, wanted[i]) !== -1;
      if (!inTitle && !inBody) { return 0; }
      total += (inTitle ? 10 : 0) + (inBody ? 1 : 0);
    }
    if (fold(entry.k).trim() === wanted.join(" ")) { total += 100; }
    return total;
  }

  function snippet(entry, wanted) {
    // Show the text around a word the title does not already show, if there is one.
    var text = entry.b;
    var folded = fold(text);
    var title = fold(entry.k + " " + entry.t);
    var ordered = wanted.filter(function (w) { return findWord(title, w) === -1; })
      .concat(wanted.filter(function (w) { return findWord(title, w) !== -1; }));
    var at = -1;
    var term = "";
    for (var i = 0; i < ordered.length && at === -1; i += 1) {
      at = findWord(folded, ordered[i]);
      term = ordered[i];
    }
    if (at === -1) { return { before: text.slice(0, 180), hit: "", after: "" }; }
    var start = Math.max(0, at - 80);
    return {
      before: (start > 0 ? "…" : "") + text.slice(start, at),
      hit: text.slice(at, at + term.length),
      after: text.slice(at + term.length, at + term.length + 120) + "…"
    };
  }

  function runSearch() {
    var results = document.getElementById("search-results");
    if (!results) { return; }
    var status = document.getElementById("search-status");
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var box = document.querySelector("form.search input[name=q]");
    if (box) { box.value = query; }
    var wanted = terms(query);
    if (!wanted.length) { return; }
    var index = window.KBRIDGE_SEARCH || [];
    var hits = [];
    index.forEach(function (entry) {
      var value = score(entry, wanted);
      if (value > 0) { hits.push({ entry: entry, score: value }); }
    });
    hits.sort(function (a, b) { return b.score - a.score || a.entry.k.localeCompare(b.entry.k); });
    status.textContent = hits.length === 1 ? "1 record matches." : hits.length + " records match.";
    var root = document.body.dataset.root || "";
    hits.slice(0, 200).forEach(function (hit) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + hit.entry.u;
      link.className = "key";
      link.textContent = hit.entry.k;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" " + hit.entry.t + " "));
      var chip = document.createElement("span");
      chip.className = "chip status-" + hit.entry.s;
      chip.textContent = hit.entry.s;
      item.appendChild(chip);
      var kind = document.createElement("span");
      kind.className = "via";
      kind.textContent = " " + hit.entry.d;
      item.appendChild(kind);
      var parts = snippet(hit.entry, wanted);
      var text = document.createElement("div");
      text.className = "snippet";
      text.appendChild(document.createTextNode(parts.before));
      if (parts.hit) {
        var mark = document.createElement("mark");
        mark.textContent = parts.hit;
        text.appendChild(mark);
      }
      text.appendChild(document.createTextNode(parts.after));
      item.appendChild(text);
      results.appendChild(item);
    });
  }

  setUpFilters();
  runSearch();
}());
