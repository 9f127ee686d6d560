/* errdict: the "go to code" box, the home search box and the filterable, sortable code tables. */
(function () {
  "use strict";

  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* keep "." */ }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  /* --- go to code ------------------------------------------------------------------------- */

  var codeList = null;
  function loadCodes() {
    if (!codeList) {
      codeList = fetch(new URL("api/code-list.json", siteRoot())).then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      }).then(function (data) {
        return { codes: new Set(data.codes.map(String)), moved: data.moved || {} };
      });
      codeList.catch(function () { codeList = null; });
    }
    return codeList;
  }

  function say(form, text, html) {
    var out = form.querySelector(".errdict-goto__message");
    if (html) { out.innerHTML = html; } else { out.textContent = text; }
    out.classList.toggle("errdict-goto__message--shown", Boolean(text || html));
  }

  function goToCode(form) {
    var raw = form.querySelector("input").value.trim();
    var digits = raw.match(/\d+/);
    if (!raw) { say(form, "Type a code, for example 21610."); return; }
    if (!digits) { say(form, "A code is a number, for example 21610. To look up words, use search."); return; }
    var code = String(parseInt(digits[0], 10));
    say(form, "Looking up " + code + "…");
    loadCodes().then(function (data) {
      if (data.codes.has(code)) {
        location.href = new URL("codes/" + code + "/", siteRoot()).href;
      } else {
        var search = new URL("./", siteRoot());
        search.searchParams.set("q", code);
        say(form, null, "There is no code <strong>" + code + "</strong> in the dictionary. " +
          "Check the number, or <a href=\"" + search.href + "\">search for it</a> or browse " +
          "<a href=\"" + new URL("codes/", siteRoot()).href + "\">all codes</a>.");
      }
    }, function () {
      location.href = new URL("codes/" + code + "/", siteRoot()).href;
    });
  }

  document.querySelectorAll("form[data-errdict-goto]").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); goToCode(form); });
    form.querySelector("input").addEventListener("input", function () { say(form, ""); });
  });

  /* --- the home search box opens the site search with what was typed ------------------------ */

  function openSiteSearch(text) {
    var toggle = document.querySelector("input[data-md-toggle=search]");
    var query = document.querySelector("input[data-md-component=search-query]");
    if (!toggle || !query) { return false; }
    if (!toggle.checked) { toggle.checked = true; toggle.dispatchEvent(new Event("change")); }
    query.value = text;
    query.focus();
    query.dispatchEvent(new Event("input", { bubbles: true }));
    query.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
    return true;
  }

  document.querySelectorAll("form.errdict-search").forEach(function (form) {
    var input = form.querySelector("input");
    input.addEventListener("input", function () {
      if (input.value.trim() && openSiteSearch(input.value)) { input.value = ""; }
    });
    form.addEventListener("submit", function (event) {
      if (openSiteSearch(input.value)) { event.preventDefault(); }
    });
  });

  /* --- code tables: filter in place, sort by column ----------------------------------------- */

  document.querySelectorAll("table.errdict-codes").forEach(function (table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    var form = document.querySelector("form.errdict-filter");
    var count = form && form.querySelector(".errdict-count");

    function apply() {
      var text = form.elements.text.value.trim().toLowerCase();
      var words = text ? text.split(/\s+/) : [];
      var level = form.elements.level.value;
      var product = form.elements.product.value;
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var row = rows[i];
        var ok = (!level || row.dataset.level === level) && (!product || row.dataset.product === product);
        for (var w = 0; ok && w < words.length; w++) { ok = texts[i].indexOf(words[w]) !== -1; }
        row.hidden = !ok;
        if (ok) { shown++; }
      }
      if (count) { count.textContent = shown === rows.length ? rows.length + " codes" : shown + " of " + rows.length + " codes"; }
    }

    if (form) {
      var timer = null;
      form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, rows.length > 2000 ? 120 : 0); });
      form.addEventListener("change", apply);
      apply();
    }

    table.querySelectorAll("th[data-sort]").forEach(function (th, column) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      function sort() {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var numeric = th.dataset.sort === "num";
        var keyed = rows.map(function (row, index) {
          var cell = row.cells[column].textContent.trim();
          return { row: row, key: numeric ? parseInt(cell, 10) : cell.toLowerCase(), code: parseInt(row.cells[0].textContent, 10), index: index };
        });
        keyed.sort(function (a, b) {
          var order = a.key < b.key ? -1 : a.key > b.key ? 1 : a.code - b.code;
          return ascending ? order : -order;
        });
        var fragment = document.createDocumentFragment();
        keyed.forEach(function (item) { fragment.appendChild(item.row); });
        body.appendChild(fragment);
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); } });
    });
  });
})();
