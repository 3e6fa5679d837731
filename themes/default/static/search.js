/* hyoka site search. No dependencies. Finds every project whose normalised
   text contains the normalised query (NFKC, lowercase, no whitespace: the
   same steps as src/search/normalize.rs), using the static index under
   search/ (format: src/search/index.rs). Only the shards of the query's
   grams and the chunks of the results shown are fetched. Every URL is
   resolved against this script's own URL, so the site works from any
   subpath or from disk over HTTP. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !window.fetch || !window.URL || !String.prototype.normalize || !window.TextEncoder) {
    return;
  }
  var root = new URL('../', script.src);
  var PAGE = 20;

  function norm(s) {
    return s.normalize('NFKC').toLowerCase().replace(/[\s\u0085\ufeff]/g, '');
  }

  function fnv1a(s) {
    var b = new TextEncoder().encode(s);
    var h = 0x811c9dc5;
    for (var i = 0; i < b.length; i++) {
      h ^= b[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
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
        if (r.status === 404 && kind === 'bin') {
          return new Uint8Array(0);
        }
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

  function shardPath(m, gram) {
    var width = Math.max(1, Math.ceil(Math.log2(m.shards) / 4));
    var h = (fnv1a(gram) & (m.shards - 1)).toString(16);
    while (h.length < width) {
      h = '0' + h;
    }
    return 'search/g/' + h + '.bin';
  }

  /* Postings of `gram`: Map doc -> {ps: positions (bigram) or [first], n}. */
  function postings(m, gram, unigram) {
    return get(shardPath(m, gram), 'bin').then(function (b) {
      var want = new TextEncoder().encode(gram);
      var st = { at: 0 };
      var out = new Map();
      while (st.at < b.length) {
        var n = b[st.at++];
        var same = n === want.length;
        for (var i = 0; same && i < n; i++) {
          same = b[st.at + i] === want[i];
        }
        st.at += n;
        var len = varint(b, st);
        if (!same) {
          st.at += len;
          continue;
        }
        var end = st.at + len, doc = 0;
        while (st.at < end) {
          doc += varint(b, st);
          var k = varint(b, st), ps = [];
          if (unigram) {
            ps.push(varint(b, st));
          } else {
            for (var p = 0, j = 0; j < k; j++) {
              p += varint(b, st);
              ps.push(p);
            }
          }
          out.set(doc - 1, { ps: ps, n: k });
        }
        break;
      }
      return out;
    });
  }

  function has(sorted, x) {
    var lo = 0, hi = sorted.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < x) { lo = mid + 1; } else { hi = mid; }
    }
    return lo < sorted.length && sorted[lo] === x;
  }

  /* [doc, first position, count] for one normalised variant. */
  function matches(m, v) {
    var cs = Array.from(v);
    if (cs.length === 1) {
      return postings(m, v, true).then(function (l) {
        var out = [];
        l.forEach(function (e, d) { out.push([d, e.ps[0], e.n]); });
        return out;
      });
    }
    var grams = [];
    for (var i = 0; i + 1 < cs.length; i++) {
      grams.push(cs[i] + cs[i + 1]);
    }
    return Promise.all(grams.map(function (g) { return postings(m, g, false); })).then(function (lists) {
      var out = [];
      lists[0].forEach(function (e, d) {
        for (var i = 1; i < lists.length; i++) {
          if (!lists[i].has(d)) {
            return;
          }
        }
        var first = -1, count = 0;
        e.ps.forEach(function (p) {
          for (var i = 1; i < lists.length; i++) {
            if (!has(lists[i].get(d).ps, p + i)) {
              return;
            }
          }
          if (first < 0) { first = p; }
          count++;
        });
        if (count) {
          out.push([d, first, count]);
        }
      });
      return out;
    });
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

  function search(q) {
    return get('search/index.json', 'json').then(function (m) {
      var vs = variants(q, m.synonyms);
      var shards = [];
      vs.forEach(function (v) {
        var cs = Array.from(v);
        if (cs.length === 1) {
          shards.push(shardPath(m, v));
        }
        for (var i = 0; i + 1 < cs.length; i++) {
          shards.push(shardPath(m, cs[i] + cs[i + 1]));
        }
      });
      return Promise.all(shards.map(function (p) { return get(p, 'bin'); })).then(function () {
        stats.piecesAt = performance.now();
        return Promise.all(vs.map(function (v) { return matches(m, v); }));
      }).then(function (all) {
        var hits = new Map();
        all.forEach(function (list) {
          list.forEach(function (x) {
            var h = hits.get(x[0]) || { doc: x[0], inName: false, count: 0 };
            h.inName = h.inName || x[1] < (m.names[x[0]] || 0);
            h.count += x[2];
            hits.set(x[0], h);
          });
        });
        var ranked = Array.from(hits.values()).sort(function (a, b) {
          return (b.inName - a.inName) || (b.count - a.count) || (a.doc - b.doc);
        });
        stats.matchedAt = performance.now();
        return { m: m, variants: vs, hits: ranked };
      });
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
    if (normed !== norm(text)) {
      return null;
    }
    for (var k = 0; k < vs.length; k++) {
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
  function showMore() {
    var r = current, my = seq, upto = Math.min(r.hits.length, shown + PAGE);
    var docs = r.hits.slice(shown, upto);
    var chunks = {};
    docs.forEach(function (h) { chunks[Math.floor(h.doc / r.m.chunk)] = true; });
    return Promise.all(Object.keys(chunks).map(function (k) {
      return get('search/c/' + k + '.json', 'json').then(function (c) { chunks[k] = c; });
    })).then(function () {
      if (my !== seq) {
        return;
      }
      stats.chunksAt = performance.now();
      var frag = document.createDocumentFragment();
      docs.forEach(function (h) {
        var c = chunks[Math.floor(h.doc / r.m.chunk)];
        frag.appendChild(item(c[h.doc % r.m.chunk], r.variants));
      });
      list.appendChild(frag);
      shown = upto;
      more.hidden = shown >= r.hits.length;
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
      var also = r.variants.slice(1);
      var msg = '「' + q.trim() + '」を含む事業は ' + r.hits.length + ' 件です。';
      if (also.length) {
        msg += '（同義語 ' + also.map(function (v) { return '「' + v + '」'; }).join('') + ' を含む事業も表示しています）';
      }
      status.textContent = msg;
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
