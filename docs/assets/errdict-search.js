/* errdict search: the ranking of `errdict search` (errdict/_search.py), over the sharded index the
   generator writes (generator/sitedata.py). The constants (weights, stop words, ...) come from the
   index's manifest, so there is one definition of them, in Python. Runs in the browser and in Node
   (the tests compare it with the Python ranking query by query).

   Also the nearest-code suggestions of errdict/_catalog.py (suggest), for the "go to code" box and
   the 404 page. */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) { module.exports = api; } else { root.ErrdictSearch = api; }
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  /* The words of a text as search compares them: NFKC, case-folded, apostrophes dropped, runs of
     ASCII letters and digits. (Python's casefold also turns the sharp s into "ss".) */
  function words(text) {
    var folded = String(text).normalize("NFKC").toLowerCase().replace(/\u00df/g, "ss").replace(/['\u2019]/g, "");
    return folded.match(/[a-z0-9]+/g) || [];
  }

  function isDigits(token) { return /^[0-9]+$/.test(token); }

  /* loader(path) returns a promise of the parsed JSON of a file of the index ("manifest.json.gz", ...):
     the files are gzip-compressed; the loader decompresses them (see gunzipJson). */
  function Index(loader) {
    this.loader = loader;
    this.files = {};
    this.manifest = null;
  }

  Index.prototype.load = function (path) {
    if (!this.files[path]) {
      var self = this;
      this.files[path] = Promise.resolve(this.loader(path)).catch(function (error) {
        delete self.files[path];
        throw error;
      });
    }
    return this.files[path];
  };

  Index.prototype.ready = function () {
    var self = this;
    if (this.manifest) { return Promise.resolve(this.manifest); }
    return this.load("manifest.json.gz").then(function (manifest) {
      self.manifest = manifest;
      self.stop = new Set(manifest.stop_words);
      self.codeWords = new Set(manifest.code_query_words);
      self.shardSet = new Set(manifest.shards);
      self.codeText = manifest.codes.map(function (code, i) { return [String(code), i]; });
      self.codeText.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]; });
      return manifest;
    });
  };

  /* The shard of a word: the longest shard prefix it starts with. */
  Index.prototype.shardOf = function (word) {
    for (var length = word.length; length > 0; length--) {
      if (this.shardSet.has(word.slice(0, length))) { return word.slice(0, length); }
    }
    return "";
  };

  /* The shards that may hold the token or words starting with it: the token's own shard, and (for a
     token long enough to match by its start) every longer shard prefix that starts with it. */
  Index.prototype.shardsFor = function (token) {
    var own = this.shardOf(token), found = own ? [own] : [];
    if (token.length >= this.manifest.min_prefix) {
      this.manifest.shards.forEach(function (prefix) {
        if (prefix.length > token.length && prefix.slice(0, token.length) === token) { found.push(prefix); }
      });
    }
    return found;
  };

  /* Where the token matches (errdict._search.Index._matches): places, entry -> field -> position ->
     score; fields, entry * 4096 + field -> kind * 256 + word count of that field. */
  Index.prototype.matches = function (token) {
    var self = this, m = this.manifest;
    return Promise.all(this.shardsFor(token).map(function (prefix) {
      return self.load("s-" + prefix + ".json.gz");
    })).then(function (shards) {
      var places = new Map(), fields = new Map();
      function add(flat, factor) {
        for (var i = 0; i < flat.length; i += 3) {
          var entry = flat[i], field = flat[i + 1] >> 8, position = flat[i + 1] & 255, kind = flat[i + 2] >> 8;
          fields.set(entry * 4096 + field, flat[i + 2]);
          var byField = places.get(entry);
          if (!byField) { byField = new Map(); places.set(entry, byField); }
          var at = byField.get(field);
          if (!at) { at = new Map(); byField.set(field, at); }
          if (!at.has(position)) { at.set(position, m.weights[kind] * factor); }
        }
      }
      var postings = new Map();
      shards.forEach(function (shard) {
        Object.keys(shard).forEach(function (word) { postings.set(word, shard[word]); });
      });
      if (postings.has(token)) { add(postings.get(token), 1.0); }
      if (token.length >= m.min_prefix) {
        var longer = [];
        postings.forEach(function (_, word) {
          if (word !== token && word.slice(0, token.length) === token) { longer.push(word); }
        });
        longer.sort();
        longer.forEach(function (word) { add(postings.get(word), m.prefix_factor); });
      }
      return { places: places, fields: fields };
    });
  };

  Index.prototype.codeQuery = function (digits) {
    var list = this.codeText, found = [], lo = 0, hi = list.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (list[mid][0] < digits) { lo = mid + 1; } else { hi = mid; } }
    for (var at = lo; at < list.length && list[at][0].slice(0, digits.length) === digits; at++) { found.push(list[at][1]); }
    var codes = this.manifest.codes, wanted = parseInt(digits, 10);
    found.sort(function (a, b) {
      var ea = codes[a] !== wanted ? 1 : 0, eb = codes[b] !== wanted ? 1 : 0;
      return ea !== eb ? ea - eb : codes[a] - codes[b];
    });
    return found;
  };

  /* The entries matching text, best first, as indexes into the manifest's codes (Index.ranked). */
  Index.prototype.ranked = function (text) {
    var self = this;
    return this.ready().then(function (m) {
      var tokens = words(String(text).slice(0, m.max_query_chars)).slice(0, m.max_words * 2);
      if (!tokens.length) { return []; }
      var digits = tokens.filter(isDigits);
      if (digits.length && tokens.every(function (t) { return isDigits(t) || self.codeWords.has(t); })) {
        var joined = digits.join("");
        return joined.length <= 6 ? self.codeQuery(joined) : [];
      }
      var seen = new Set(), meaningful = [];
      tokens.forEach(function (t) { if (!self.stop.has(t) && !seen.has(t)) { seen.add(t); meaningful.push(t); } });
      meaningful = meaningful.slice(0, m.max_words);
      if (!meaningful.length) { return []; }
      return Promise.all(meaningful.map(function (t) { return self.matches(t); })).then(function (perToken) {
        var first = perToken[0].places, scored = [];
        first.forEach(function (_, entry) {
          for (var i = 1; i < perToken.length; i++) { if (!perToken[i].places.has(entry)) { return; } }
          var score = 0;
          perToken.forEach(function (found) {
            var best = -Infinity;
            found.places.get(entry).forEach(function (places) {
              places.forEach(function (value) { if (value > best) { best = value; } });
            });
            score += best;
          });
          score += self.bonus(entry, perToken);
          scored.push([-score, m.ranks.slice(2 * entry, 2 * entry + 2), m.codes[entry], entry]);
        });
        scored.sort(function (a, b) {
          if (a[0] !== b[0]) { return a[0] - b[0]; }
          if (a[1] !== b[1]) { return a[1] < b[1] ? -1 : 1; }
          return a[2] - b[2];
        });
        return scored.map(function (row) { return row[3]; });
      });
    });
  };

  /* The best phrase or whole-field bonus of one entry over its fields (Index._bonus). */
  Index.prototype.bonus = function (entry, perToken) {
    var m = this.manifest, count = perToken.length, bonus = 0;
    perToken[0].places.get(entry).forEach(function (places, field) {
      var kindOfField = perToken[0].fields.get(entry * 4096 + field) >> 8;
      if (m.fields[kindOfField] === "description") { return; }  /* matched word by word only */
      var starts = Array.from(places.keys());
      for (var i = 1; i < count; i++) {
        var following = perToken[i].places.get(entry).get(field);
        starts = starts.filter(function (position) { return following !== undefined && following.has(position + i); });
      }
      var packed = perToken[0].fields.get(entry * 4096 + field), length = packed & 255, weight = m.weights[packed >> 8];
      if (!starts.length || (count === 1 && length !== 1)) { return; }
      var found = count > 1 ? m.phrase_bonus * weight : 0;
      if (starts.indexOf(0) !== -1 && length === count) { found += m.whole_bonus * weight; }
      if (found > bonus) { bonus = found; }
    });
    return bonus;
  };

  /* The results for display: [{code, title, summary, explained}] of the first `limit`. */
  Index.prototype.search = function (text, limit) {
    var self = this;
    return this.ranked(text).then(function (entries) {
      var shown = entries.slice(0, limit === undefined ? 10 : limit), chunk = self.manifest.docs_chunk;
      var chunks = Array.from(new Set(shown.map(function (entry) { return Math.floor(entry / chunk); })));
      return Promise.all(chunks.map(function (n) { return self.load("d-" + n + ".json.gz"); })).then(function (loaded) {
        var byChunk = new Map();
        chunks.forEach(function (n, i) { byChunk.set(n, loaded[i]); });
        var results = shown.map(function (entry) {
          var row = byChunk.get(Math.floor(entry / chunk))[entry % chunk];
          return { code: row[0], title: row[1], summary: row[2], explained: row[3] === 1 };
        });
        results.total = entries.length;
        return results;
      });
    });
  };

  /* --- the nearest known codes to an unknown one (errdict._catalog.suggest) ------------------------ */

  function oneEditApart(a, b) {
    if (a === b) { return false; }
    if (a.length === b.length) {
      var diffs = [];
      for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { diffs.push(i); } }
      return diffs.length === 1 || (diffs.length === 2 && diffs[1] === diffs[0] + 1 &&
        a[diffs[0]] === b[diffs[1]] && a[diffs[1]] === b[diffs[0]]);
    }
    if (Math.abs(a.length - b.length) !== 1) { return false; }
    var shorter = a.length < b.length ? a : b, longer = a.length < b.length ? b : a;
    for (var j = 0; j < longer.length; j++) { if (longer.slice(0, j) + longer.slice(j + 1) === shorter) { return true; } }
    return false;
  }

  function suggest(codes, code, limit) {
    var text = String(code);
    var keyed = codes.map(function (other) {
      var otherText = String(other);
      return [oneEditApart(text, otherText) ? 0 : 1, otherText.length !== text.length ? 1 : 0, Math.abs(other - code), other];
    });
    keyed.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]; });
    return keyed.slice(0, Math.max(0, limit === undefined ? 3 : limit)).map(function (row) { return row[3]; });
  }

  /* The JSON a fetched .json.gz file holds, in the browser: decompressed with DecompressionStream unless
     the host already undid the compression (then the bytes no longer start with gzip's magic number). */
  function gunzipJson(response) {
    return response.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
        return JSON.parse(new TextDecoder().decode(bytes));
      }
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      return new Response(stream).text().then(JSON.parse);
    });
  }

  return { Index: Index, words: words, suggest: suggest, oneEditApart: oneEditApart, gunzipJson: gunzipJson };
}));
