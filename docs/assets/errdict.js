/* errdict: site search (header box, home box, search page), "go to code" with the nearest codes,
   the 404 page's suggestions, filterable and sortable code tables whose filter lives in the address,
   and the "copy" button of the customer text. The ranking itself is errdict-search.js. */
(function () {
  "use strict";

  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* keep "." */ }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  function fetchJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status + " for " + url); }
      return response.json();
    });
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function codeUrl(code) { return new URL("codes/" + code + "/", siteRoot()).href; }
  function upstreamUrl(code) { return "https://www.twilio.com/docs/api/errors/" + code; }

  /* --- search --------------------------------------------------------------------------------- */

  var index = null;
  function searchIndex() {
    if (!index) {
      var base = new URL("search/", siteRoot());
      index = new window.ErrdictSearch.Index(function (path) {
        return fetch(new URL(path, base).href).then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status + " for " + path); }
          return window.ErrdictSearch.gunzipJson(response);
        });
      });
    }
    return index;
  }

  function renderResults(list, results, query) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = element("li", { "class": "errdict-search-result" });
      var link = element("a", { href: codeUrl(result.code) });
      link.appendChild(element("strong", {}, String(result.code)));
      link.appendChild(document.createTextNode(" " + result.title));
      item.appendChild(link);
      if (!result.explained) { item.appendChild(element("span", { "class": "errdict-badge" }, "not explained yet")); }
      if (result.summary) { item.appendChild(element("span", { "class": "errdict-search-summary" }, result.summary)); }
      list.appendChild(item);
    });
    list.dataset.query = query;
  }

  function wireSearch(form) {
    var input = form.querySelector("input[type=search]");
    var list = form.querySelector(".errdict-search-results");
    var status = form.querySelector(".errdict-search-status");
    var isPage = form.hasAttribute("data-errdict-search-page");
    var latest = 0;
    function run() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (isPage) {
        var address = new URL(location.href);
        if (query) { address.searchParams.set("q", query); } else { address.searchParams.delete("q"); }
        history.replaceState(history.state, "", address.href);
      }
      if (!query) {
        if (list) { list.textContent = ""; }
        if (status) { status.textContent = ""; }
        return;
      }
      searchIndex().search(query, isPage ? 50 : 8).then(function (results) {
        if (ticket !== latest) { return; }  /* an answer to an older query */
        if (list) { renderResults(list, results, query); }
        if (status) {
          status.textContent = results.total ? results.total + " code" + (results.total === 1 ? "" : "s") + " found" +
            (results.total > results.length ? ", showing the first " + results.length : "") : "Nothing matches “" + query + "”.";
        }
        form.dataset.searched = query;
      }, function () { if (status) { status.textContent = "Search could not load its index."; } });
    }
    var timer = null;
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 60); });
    form.addEventListener("submit", function (event) {
      var first = list && list.querySelector("a");
      if (!isPage && first && list.dataset.query === input.value.trim()) {
        event.preventDefault();
        location.href = first.href;  /* Enter opens the best match */
      } else if (isPage) {
        event.preventDefault();
        run();
      }
    });
    if (isPage) {
      var q = new URL(location.href).searchParams.get("q");
      if (q) { input.value = q; run(); }
    }
  }

  function addHeaderSearch() {
    var header = document.querySelector(".md-header__inner");
    if (!header || document.querySelector(".errdict-header-search") || document.querySelector("[data-errdict-search-page]")) { return; }
    var form = element("form", { "class": "errdict-header-search errdict-search-form", role: "search", "aria-label": "Search codes from any page",
      action: new URL("search/", siteRoot()).href, method: "get", "data-errdict-search": "" });
    var label = element("label", { "for": "errdict-header-search-input", "class": "errdict-visually-hidden" }, "Search codes");
    var input = element("input", { id: "errdict-header-search-input", name: "q", type: "search",
      placeholder: "Search codes", autocomplete: "off" });
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(element("ol", { "class": "errdict-search-results", "aria-live": "polite" }));
    var source = header.querySelector(".md-header__source");
    header.insertBefore(form, source);
  }

  /* --- go to code, and the 404 page ----------------------------------------------------------- */

  var codeList = null;
  function loadCodes() {
    if (!codeList) {
      codeList = fetchJson(new URL("api/code-list.json", siteRoot()).href).then(function (data) {
        return { list: data.codes, codes: new Set(data.codes.map(String)), moved: data.moved || {} };
      });
      codeList.catch(function () { codeList = null; });
    }
    return codeList;
  }

  function say(form, nodes) {
    var out = form.querySelector(".errdict-goto__message");
    out.textContent = "";
    (nodes || []).forEach(function (node) { out.appendChild(typeof node === "string" ? document.createTextNode(node) : node); });
    out.classList.toggle("errdict-goto__message--shown", Boolean(nodes && nodes.length));
  }

  function unknownCode(form, code, data) {
    var nearest = window.ErrdictSearch.suggest(data.list, parseInt(code, 10), 3);
    var parts = ["There is no code ", element("strong", {}, code), " in the dictionary, which holds every code of the upstream provider's list. "];
    if (nearest.length) {
      parts.push("The nearest known codes: ");
      nearest.forEach(function (other, i) {
        parts.push(element("a", { href: codeUrl(other) }, String(other)));
        parts.push(i < nearest.length - 1 ? ", " : ". ");
      });
    }
    parts.push("You can also look it up on ");
    parts.push(element("a", { href: upstreamUrl(code), rel: "noopener" }, "the upstream provider's site"));
    parts.push(".");
    say(form, parts);
  }

  function goToCode(form) {
    var raw = form.querySelector("input").value.trim();
    var digits = raw.match(/\d+/g);
    if (!raw) { say(form, ["Type a code, for example 21610."]); return; }
    if (!digits) { say(form, ["A code is a number, for example 21610. To look up words, use search."]); return; }
    var code = String(parseInt(digits.join(""), 10));
    say(form, ["Looking up " + code + "…"]);
    loadCodes().then(function (data) {
      if (data.codes.has(code)) {
        location.href = codeUrl(data.moved[code] || code);
      } else {
        unknownCode(form, code, data);
      }
    }, function () { location.href = codeUrl(code); });
  }

  function wireGoto(form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); goToCode(form); });
    form.querySelector("input").addEventListener("input", function () { say(form, []); });
    if (form.hasAttribute("data-errdict-goto-from-address")) {
      var found = location.pathname.match(/(?:^|\/)(?:codes\/)?([1-9][0-9]{2,5})\/?(?:index\.html)?$/);
      if (found) {
        form.querySelector("input").value = found[1];
        loadCodes().then(function (data) { unknownCode(form, found[1], data); });
      }
    }
  }

  /* --- code tables: filter in place (state in the address), sort by column --------------------- */

  var FILTERS = ["q", "level", "product", "kind"];

  // The table shows the first LIMIT matching rows (all of them when the page has no script) and a
  // button to show every match: laying out thousands of rows would make a keystroke take well over
  // 50 ms. The rows beyond LIMIT leave the table when the page loads, before anyone types; until then
  // errdict.css keeps them out of the layout (its rule `tr:nth-child(n+101)` is LIMIT + 1), so that the
  // page is not laid out with every row first.
  var LIMIT = 100;

  function wireTable(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var texts = new Map(rows.map(function (row) { return [row, row.textContent.toLowerCase()]; }));
    var order = rows.slice();  // the rows in the current sort order
    var current = rows.slice();  // the rows in the table now
    var expanded = false;
    var form = document.querySelector("form.errdict-filter");
    var count = form && form.querySelector(".errdict-count");
    var more = element("p", { "class": "errdict-more" });
    var moreButton = element("button", { type: "button", "class": "md-button" }, "");
    more.appendChild(moreButton);
    more.hidden = true;
    (table.parentNode.classList.contains("errdict-table-wrap") ? table.parentNode : table).after(more);

    function value(name) { var field = form && form.elements[name]; return field ? field.value : ""; }

    function show(wanted) {
      var same = wanted.length === current.length;
      for (var i = 0; same && i < wanted.length; i++) { same = wanted[i] === current[i]; }
      if (same) { return; }
      var fragment = document.createDocumentFragment();
      wanted.forEach(function (row) { fragment.appendChild(row); });
      body.replaceChildren(fragment);
      current = wanted;
    }

    function apply(remember) {
      var text = value("q").trim().toLowerCase();
      var words = text ? text.split(/\s+/) : [];
      var level = value("level"), product = value("product"), kind = value("kind");
      var matches = order.filter(function (row) {
        if ((level && row.dataset.level !== level) || (product && row.dataset.product !== product) ||
            (kind && row.dataset.kind !== kind)) { return false; }
        var rowText = texts.get(row);
        for (var w = 0; w < words.length; w++) { if (rowText.indexOf(words[w]) === -1) { return false; } }
        return true;
      });
      var wanted = expanded ? matches : matches.slice(0, LIMIT);
      show(wanted);
      more.hidden = wanted.length === matches.length;
      moreButton.textContent = matches.length === rows.length ? "Show all " + rows.length + " codes" :
        "Show all " + matches.length + " matching codes";
      if (count) {
        count.textContent = (matches.length === rows.length ? rows.length + " codes" : matches.length + " of " + rows.length + " codes") +
          (wanted.length < matches.length ? ", the first " + wanted.length + " shown" : "");
      }
      if (remember) {
        var address = new URL(location.href);
        FILTERS.forEach(function (name) {
          var v = value(name).trim();
          if (v) { address.searchParams.set(name, v); } else { address.searchParams.delete(name); }
        });
        history.replaceState(history.state, "", address.href);
      }
    }

    function restore() {
      var params = new URL(location.href).searchParams;
      FILTERS.forEach(function (name) {
        var field = form.elements[name];
        if (field && params.has(name)) { field.value = params.get(name); }
      });
      expanded = false;
      apply(false);
    }

    moreButton.addEventListener("click", function () { expanded = true; apply(false); });
    if (form) {
      form.addEventListener("input", function () { expanded = false; apply(true); });
      form.addEventListener("change", function () { expanded = false; apply(true); });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      window.addEventListener("pageshow", restore);
      restore();
    }

    table.querySelectorAll("th[data-sort]").forEach(function (th, column) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sort === "num";
        var keyed = rows.map(function (row) {
          var cell = row.cells[column].textContent.trim();
          return { row: row, key: numeric ? parseInt(cell, 10) : cell.toLowerCase(), code: parseInt(row.cells[0].textContent, 10) };
        });
        keyed.sort(function (a, b) {
          var diff = a.key < b.key ? -1 : a.key > b.key ? 1 : a.code - b.code;
          return ascending ? diff : -diff;
        });
        order = keyed.map(function (item) { return item.row; });
        apply(false);
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); } });
    });
    table.classList.add("errdict-wired");  // the script holds the rows now: the style sheet stops hiding any
  }

  /* --- copy the customer text ------------------------------------------------------------------- */

  function wireCopy(button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      var text = source ? source.textContent : "";
      var done = function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy this text"; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(source); done(); });
      } else {
        fallbackCopy(source);
        done();
      }
    });
  }

  function fallbackCopy(source) {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { document.execCommand("copy"); } catch (e) { /* the text stays selected for the user */ }
  }

  function start() {
    addHeaderSearch();
    document.querySelectorAll("form[data-errdict-search]").forEach(wireSearch);
    document.querySelectorAll("form[data-errdict-goto]").forEach(wireGoto);
    document.querySelectorAll("table.errdict-codes").forEach(wireTable);
    document.querySelectorAll("button.errdict-copy").forEach(wireCopy);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
