/* hyoka site search. No dependencies. Finds every project whose normalised
   text contains the normalised query (NFKC, lowercase, no whitespace: the
   same steps as src/search/normalize.rs), using the static index under
   search/ (format: src/search/index.rs). Only the shards of the query's
   grams and the chunks of the results shown are fetched; a query of more
   than four UTF-16 units is narrowed by its four-unit windows and checked
   against the text of each result as it is shown. Every URL is
   resolved against this script's own URL, so the site works from any
   subpath or from disk over HTTP. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.fetch || !window.URL || !String.prototype.normalize || !window.TextDecoder) {
    return;
  }
  var root = new URL('../', script.src);
  var PAGE = 20;

  function norm(s) {
    return s.normalize('NFKC').toLowerCase().replace(/[\s\u0085\ufeff\u0000]/g, '');
  }

  var MAX_GRAM = 4;

  /* UTF-16 code units: what the index's grams are made of. */
  function units(s) {
    var u = [];
    for (var i = 0; i < s.length; i++) {
      u.push(s.charCodeAt(i));
    }
    return u;
  }

  /* Gram order (src/search/index.rs): unit by unit, and a gram after the
     longer grams it begins. */
  function gramCmp(a, b) {
    for (var i = 0; i < a.length && i < b.length; i++) {
      if (a[i] !== b[i]) {
        return a[i] - b[i];
      }
    }
    return b.length - a.length;
  }

  /* What the last query fetched and when (the browser test reads it):
     bytes of index and chunks downloaded; piecesAt/matchedAt: shards in,
     ranked; chunksAt/renderedAt: result chunks in, results on the page. */
  var stats = { bytes: 0, piecesAt: 0, matchedAt: 0, chunksAt: 0, renderedAt: 0 };
  window.hyokaSearch = { normalize: norm, stats: stats };
  var cache = new Map();
  function get(path, kind) {
    if (!cache.has(path)) {
      var p = fetch(new URL(path, root).href).then(function (r) {
        if (!r.ok) {
          throw new Error(path + ': ' + r.status);
        }
        return r.arrayBuffer().then(function (b) {
          stats.bytes += b.byteLength;
          return kind === 'bin' ? new Uint8Array(b) : JSON.parse(new TextDecoder().decode(b));
        });
      });
      p.catch(function () { cache.delete(path); });
      cache.set(path, p);
    }
    return cache.get(path);
  }

  function varint(b, st) {
    var v = 0, shift = 0, byte;
    do {
      if (st.at >= b.length) {
        return 0;
      }
      byte = b[st.at++];
      v += (byte & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (byte >= 0x80 && shift < 35);
    return v;
  }

  function readGram(b, st) {
    var n = b[st.at++], g = [];
    for (var i = 0; i < n; i++) {
      g.push(b[st.at] | (b[st.at + 1] << 8));
      st.at += 2;
    }
    return g;
  }

  /* The first gram of every shard. */
  var dirPromise = null;
  function directory() {
    if (!dirPromise) {
      dirPromise = get('search/dir.bin', 'bin').then(function (b) {
        var st = { at: 0 }, dir = [];
        while (st.at < b.length) {
          dir.push(readGram(b, st));
        }
        return dir;
      });
      dirPromise.catch(function () { dirPromise = null; });
    }
    return dirPromise;
  }

  /* The last shard whose first gram is not after `g`. */
  function shardOf(dir, g) {
    var lo = 0, hi = dir.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (gramCmp(dir[mid], g) <= 0) { lo = mid + 1; } else { hi = mid; }
    }
    return Math.max(0, lo - 1);
  }

  /* Sets of documents are bitmaps of `nbytes` bytes. */
  function decodeSet(b, from, to, nbytes) {
    var out = new Uint8Array(nbytes);
    if (to <= from) {
      return out;
    }
    if (b[from] === 1) {
      out.set(b.subarray(from + 1, Math.min(to, from + 1 + nbytes)));
      return out;
    }
    var st = { at: from + 1 }, last = 0;
    while (st.at < to) {
      last += varint(b, st);
      var d = last - 1;
      if (d >= 0 && (d >> 3) < nbytes) {
        out[d >> 3] |= 1 << (d & 7);
      }
    }
    return out;
  }

  /* {name, all} sets of gram `g` (empty when it is in no document). */
  function lookup(m, dir, g) {
    var nbytes = Math.ceil(m.docs / 8);
    if (!dir.length) {
      return Promise.resolve({ name: new Uint8Array(nbytes), all: new Uint8Array(nbytes) });
    }
    return get('search/g/' + shardOf(dir, g) + '.bin', 'bin').then(function (b) {
      var st = { at: 0 };
      while (st.at < b.length) {
        var x = readGram(b, st);
        var n1 = varint(b, st), s1 = st.at;
        st.at += n1;
        var n2 = varint(b, st), s2 = st.at;
        st.at += n2;
        if (gramCmp(x, g) === 0) {
          return { name: decodeSet(b, s1, s1 + n1, nbytes), all: decodeSet(b, s2, s2 + n2, nbytes) };
        }
      }
      return { name: new Uint8Array(nbytes), all: new Uint8Array(nbytes) };
    });
  }

  function or(a, b) {
    for (var i = 0; i < a.length; i++) { a[i] |= b[i]; }
    return a;
  }
  function and(a, b) {
    for (var i = 0; i < a.length; i++) { a[i] &= b[i]; }
    return a;
  }
  function has(set, d) {
    return (set[d >> 3] >> (d & 7)) & 1;
  }
  function each(set, f) {
    for (var i = 0; i < set.length; i++) {
      if (set[i]) {
        for (var bit = 0; bit < 8; bit++) {
          if (set[i] & (1 << bit)) { f(i * 8 + bit); }
        }
      }
    }
  }

  /* The query, then the query with each synonym group word it contains
     replaced by the group's other words (as src/search/query.rs). */
  function variants(q, groups) {
    q = norm(q);
    if (!q) {
      return [];
    }
    var out = [q];
    groups.forEach(function (g) {
      g.forEach(function (w) {
        if (!w || q.indexOf(w) < 0) {
          return;
        }
        g.forEach(function (o) {
          if (o !== w) {
            var v = q.split(w).join(o);
            if (out.indexOf(v) < 0) {
              out.push(v);
            }
          }
        });
      });
    });
    return out;
  }

  /* A variant of at most four units is one gram, and its sets are exact
     ("sure"); a longer one gives candidates: the documents holding all its
     four-unit windows, checked against their text when shown. */
  function search(q) {
    return get('search/index.json', 'json').then(function (m) {
      return directory().then(function (dir) { return [m, dir]; });
    }).then(function (md) {
      var m = md[0], dir = md[1];
      var vs = variants(q, m.synonyms);
      var grams = vs.map(function (v) {
        var u = units(v);
        if (u.length <= MAX_GRAM) {
          return [u];
        }
        var ws = [];
        for (var i = 0; i + MAX_GRAM <= u.length; i++) {
          ws.push(u.slice(i, i + MAX_GRAM));
        }
        return ws;
      });
      var flat = [].concat.apply([], grams);
      return Promise.all(flat.map(function (g) { return lookup(m, dir, g); })).then(function (sets) {
        stats.piecesAt = performance.now();
        var nbytes = Math.ceil(m.docs / 8);
        var sure = new Uint8Array(nbytes), sureName = new Uint8Array(nbytes);
        var cand = new Uint8Array(nbytes), candName = new Uint8Array(nbytes);
        var long = [], k = 0;
        grams.forEach(function (ws, i) {
          var all = ws.map(function () { return sets[k++]; });
          if (vs[i].length <= MAX_GRAM) {
            or(sure, all[0].all);
            or(sureName, all[0].name);
            return;
          }
          long.push(vs[i]);
          var a = all[0].all.slice(), n = all[0].name.slice();
          for (var j = 1; j < all.length; j++) {
            and(a, all[j].all);
            and(n, all[j].name);
          }
          or(cand, a);
          or(candName, n);
        });
        /* Name matches (sure or to check) first, then the rest, each in
           project order. */
        var first = [], rest = [], unknown = 0, count = 0;
        for (var d = 0; d < m.docs; d++) {
          var s = has(sure, d), c = has(cand, d);
          if (!s && !c) {
            continue;
          }
          count++;
          if (!s) {
            unknown++;
          }
          (has(sureName, d) || has(candName, d) ? first : rest).push(d);
        }
        stats.matchedAt = performance.now();
        return {
          m: m, variants: vs, long: long, sure: sure, sureName: sureName,
          first: first, rest: rest, demoted: [], out: [], count: count, unknown: unknown
        };
      });
    });
  }

  function chunkOf(r, d) {
    return get('search/c/' + Math.floor(d / r.m.chunk) + '.json', 'json');
  }

  function within(r, texts) {
    return r.long.some(function (v) {
      return texts.some(function (t) { return norm(t).indexOf(v) >= 0; });
    });
  }

  /* Checks the next results until `want` are known (or none are left):
     r.out gets {doc, data} in rank order. A name candidate that turns out
     to match elsewhere only joins the rest, which starts once the name
     matches are done. */
  function fill(r, want) {
    if (r.out.length >= want) {
      return Promise.resolve();
    }
    if (!r.first.length && r.demoted) {
      r.rest = r.rest.concat(r.demoted).sort(function (a, b) { return a - b; });
      r.demoted = null;
    }
    var inFirst = r.first.length > 0;
    var queue = inFirst ? r.first : r.rest;
    var batch = queue.splice(0, want - r.out.length);
    if (!batch.length) {
      return Promise.resolve();
    }
    return Promise.all(batch.map(function (d) { return chunkOf(r, d); })).then(function (chunks) {
      batch.forEach(function (d, i) {
        var data = chunks[i][d % r.m.chunk];
        var sure = has(r.sure, d);
        if (inFirst && has(r.sureName, d)) {
          r.out.push({ doc: d, data: data });
          return;
        }
        var hit = sure || within(r, data.t.concat([data.n, data.d, data.s]));
        if (!sure) {
          r.unknown--;
          if (!hit) {
            r.count--;
          }
        }
        if (!hit) {
          return;
        }
        if (inFirst && !within(r, [data.n])) {
          r.demoted.push(d);
        } else {
          r.out.push({ doc: d, data: data });
        }
      });
      return fill(r, want);
    });
  }

  function esc(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  /* Where the first of `vs` occurs in `text`, in `text`'s own indices:
     the text is normalised cluster by cluster (a character and the marks
     that follow it), which gives the same string as normalising it whole
     in all but rare cases; then the match is mapped back. */
  function locate(text, vs) {
    var whole = norm(text);
    var k0 = -1;
    for (var k = 0; k < vs.length && k0 < 0; k++) {
      if (whole.indexOf(vs[k]) >= 0) { k0 = k; }
    }
    if (k0 < 0) {
      return null;
    }
    if (whole === text) {
      var j = text.indexOf(vs[k0]);
      return [j, j + vs[k0].length];
    }
    var clusters = text.match(/[^\p{M}\uff9e\uff9f][\p{M}\uff9e\uff9f]*|[\p{M}\uff9e\uff9f]+/gu) || [];
    var normed = '', from = [], to = [], at = 0;
    clusters.forEach(function (c) {
      var n = norm(c);
      for (var i = 0; i < n.length; i++) {
        from.push(at);
        to.push(at + c.length);
      }
      normed += n;
      at += c.length;
    });
    if (normed !== whole) {
      return null;
    }
    for (k = k0; k < vs.length; k++) {
      var i = normed.indexOf(vs[k]);
      if (i >= 0) {
        return [from[i], to[i + vs[k].length - 1]];
      }
    }
    return null;
  }

  function marked(text, vs, around) {
    var r = locate(text, vs);
    if (!r) {
      return null;
    }
    var s = 0, e = text.length;
    if (around) {
      s = Math.max(0, r[0] - around);
      e = Math.min(text.length, r[1] + around * 2);
    }
    return (s > 0 ? '…' : '') + esc(text.slice(s, r[0])) + '<mark>' + esc(text.slice(r[0], r[1])) +
      '</mark>' + esc(text.slice(r[1], e)) + (e < text.length ? '…' : '');
  }

  function item(d, vs) {
    var li = document.createElement('li');
    li.className = 'search-hit';
    var name = marked(d.n, vs, 0) || esc(d.n);
    var html = '<h2><a href="' + esc(new URL(d.u, root).href) + '">' + name + '</a></h2><p class="search-meta">';
    if (d.r) {
      html += '<span class="rating" data-color="' + esc(d.r[1]) + '"><span class="code">' + esc(d.r[0]) + '</span>' +
        (d.r[2] ? '<span class="label">' + esc(d.r[2]) + '</span>' : '') + '</span> ';
    } else {
      html += '<span class="none" title="評価なし">—</span> ';
    }
    html += '<span>' + esc(d.d) + '</span><span>' + esc(d.s) + '</span></p>';
    var texts = d.t.concat([d.d, d.s]);
    for (var i = 0; i < texts.length; i++) {
      var snip = marked(texts[i].replace(/\s+/g, ' '), vs, 30);
      if (snip) {
        html += '<p class="search-snippet">' + snip + '</p>';
        break;
      }
    }
    li.innerHTML = html;
    var badge = li.querySelector('.rating');
    if (badge) {
      badge.style.setProperty('--c', badge.getAttribute('data-color'));
    }
    return li;
  }

  var form = document.querySelector('form.site-search');
  if (!form) {
    return;
  }
  var input = form.querySelector('input[name="q"]');
  var searchPage = new URL('search.html', root);
  var list = document.getElementById('search-results');
  var status = document.getElementById('search-status');
  var more = document.getElementById('search-more');
  var onSearchPage = !!(list && status);

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var q = input.value;
    if (onSearchPage) {
      run(q);
    } else {
      window.location.href = searchPage.href + '?q=' + encodeURIComponent(q);
    }
  });
  if (!onSearchPage) {
    return;
  }

  var seq = 0, shown = 0, current = null;
  function announce(r) {
    var also = r.variants.slice(1);
    var msg = '「' + r.query.trim() + '」を含む事業は' + (r.unknown > 0 ? '最大 ' : ' ') + r.count + ' 件です。';
    if (r.unknown > 0) {
      msg += '（長い語は、表示する事業ごとに本文を確かめています）';
    }
    if (also.length) {
      msg += '（同義語 ' + also.map(function (v) { return '「' + v + '」'; }).join('') + ' を含む事業も表示しています）';
    }
    status.textContent = msg;
  }

  function showMore() {
    var r = current, my = seq, upto = shown + PAGE;
    return fill(r, upto).then(function () {
      if (my !== seq) {
        return;
      }
      stats.chunksAt = performance.now();
      var frag = document.createDocumentFragment();
      r.out.slice(shown, upto).forEach(function (h) {
        frag.appendChild(item(h.data, r.variants));
      });
      list.appendChild(frag);
      shown = Math.min(upto, r.out.length);
      more.hidden = shown >= r.count;
      announce(r);
      stats.renderedAt = performance.now();
      stats.done = r.query;
    });
  }

  function run(q) {
    var my = ++seq;
    var url = searchPage.pathname + (norm(q) ? '?q=' + encodeURIComponent(q) : '');
    if (window.location.pathname + window.location.search !== url) {
      history.replaceState(null, '', url);
    }
    if (!norm(q)) {
      list.textContent = '';
      more.hidden = true;
      status.textContent = '検索する語を入力してください。';
      return Promise.resolve();
    }
    stats.bytes = 0;
    return search(q).then(function (r) {
      if (my !== seq) {
        return;
      }
      current = r;
      r.query = q;
      shown = 0;
      list.textContent = '';
      return showMore();
    }).catch(function () {
      if (my === seq) {
        status.textContent = '検索の索引を読み込めませんでした。時間をおいてもう一度お試しください。';
      }
    });
  }

  var timer = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 150);
  });
  more.addEventListener('click', function () {
    var first = list.children.length;
    showMore().then(function () {
      var a = list.children[first] && list.children[first].querySelector('a');
      if (a) { a.focus(); }
    });
  });
  window.hyokaSearch.run = run;
  var q0 = new URLSearchParams(window.location.search).get('q') || '';
  input.value = q0;
  run(q0);
}());
