/* hyoka list pages: sorting and filtering, as progressive enhancement.
 * Without this script every filter value is a link to a static page and the
 * table is complete. With it, the links of `nav[data-filters]` become one
 * <select> per filter, every column of `table[data-list]` can be sorted, and
 * the state lives in the query string (?series=…&dept=…&rating=…&sdg=…
 * &account=…&sort=…&order=asc|desc), so a URL can be shared and the back
 * button works. No dependencies; only relative URLs (works under any path).
 */
(function () {
  "use strict";
  var table = document.querySelector("table[data-list]");
  if (!table || !window.history || !window.URLSearchParams) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  rows.forEach(function (r, i) { r.dataset.index = String(i); });
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var nav = document.querySelector("nav[data-filters]");
  var filters = [];
  var status = null;
  var collator = window.Intl && Intl.Collator ? new Intl.Collator("ja") : null;

  function text(el) { return (el.textContent || "").replace(/\s+/g, " ").trim(); }

  /* The filters, built from the links: option value = data-value. */
  if (nav) {
    var form = document.createElement("form");
    form.className = "filter-form";
    form.setAttribute("aria-label", "絞り込み");
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    Array.prototype.forEach.call(nav.querySelectorAll("[data-filter]"), function (sec) {
      var name = sec.dataset.filter;
      var id = "filter-" + name;
      var wrap = document.createElement("div");
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = sec.dataset.label || name;
      var select = document.createElement("select");
      select.id = id;
      select.name = name;
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "すべて";
      select.appendChild(all);
      var groups = {};
      Array.prototype.forEach.call(sec.querySelectorAll("a[data-value]"), function (a) {
        var o = document.createElement("option");
        o.value = a.dataset.value;
        o.textContent = a.dataset.option || text(a);
        var g = a.dataset.group;
        if (g) {
          if (!groups[g]) {
            groups[g] = document.createElement("optgroup");
            groups[g].label = g;
            select.appendChild(groups[g]);
          }
          groups[g].appendChild(o);
        } else {
          select.appendChild(o);
        }
      });
      select.addEventListener("change", function () { commit(); });
      wrap.appendChild(label);
      wrap.appendChild(select);
      form.appendChild(wrap);
      filters.push(select);
    });
    var reset = document.createElement("button");
    reset.type = "button";
    reset.textContent = "条件をすべて解除";
    reset.addEventListener("click", function () {
      filters.forEach(function (s) { s.value = ""; });
      commit();
    });
    var wrapReset = document.createElement("div");
    wrapReset.appendChild(reset);
    form.appendChild(wrapReset);
    status = document.createElement("p");
    status.className = "status";
    status.setAttribute("role", "status");
    form.appendChild(status);
    var heading = nav.querySelector("h2");
    var intro = heading && heading.nextElementSibling;
    if (heading) heading.textContent = "絞り込み";
    if (intro && intro.tagName === "P") intro.hidden = true;
    Array.prototype.forEach.call(nav.querySelectorAll("[data-filter]"), function (sec) { sec.hidden = true; });
    nav.appendChild(form);
  }

  /* Sort buttons in the column heads that ask for them. */
  var sortState = { col: -1, order: "asc" };
  heads.forEach(function (th, i) {
    if (!th.dataset.sort) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "sort";
    while (th.firstChild) b.appendChild(th.firstChild);
    var arrow = document.createElement("span");
    arrow.className = "arrow";
    arrow.setAttribute("aria-hidden", "true");
    b.appendChild(arrow);
    th.appendChild(b);
    b.addEventListener("click", function () {
      var order = sortState.col === i && sortState.order === "asc" ? "desc" : "asc";
      sortState = { col: i, order: order };
      commit();
    });
  });

  function key(row, i) {
    var cell = row.cells[i];
    if (!cell) return "";
    return cell.hasAttribute("data-key") ? cell.getAttribute("data-key") : text(cell);
  }

  function sortRows() {
    var i = sortState.col;
    var ordered = rows.slice();
    if (i >= 0) {
      var numeric = heads[i].dataset.sort === "number";
      var sign = sortState.order === "desc" ? -1 : 1;
      ordered.sort(function (a, b) {
        var ka = key(a, i), kb = key(b, i);
        // Missing values last in either order; ties keep the page's order.
        if (ka === "" || kb === "") {
          if (ka !== kb) return ka === "" ? 1 : -1;
        } else {
          var c = numeric ? Number(ka) - Number(kb)
            : (collator ? collator.compare(ka, kb) : (ka < kb ? -1 : ka > kb ? 1 : 0));
          if (c !== 0) return sign * c;
        }
        return Number(a.dataset.index) - Number(b.dataset.index);
      });
    }
    ordered.forEach(function (r) { tbody.appendChild(r); });
    heads.forEach(function (th, j) {
      if (!th.dataset.sort) return;
      var arrow = th.querySelector(".arrow");
      if (j === i) {
        th.setAttribute("aria-sort", sortState.order === "asc" ? "ascending" : "descending");
        if (arrow) arrow.textContent = sortState.order === "asc" ? "▲" : "▼";
      } else {
        th.removeAttribute("aria-sort");
        if (arrow) arrow.textContent = "";
      }
    });
  }

  function filterRows() {
    var shown = 0;
    rows.forEach(function (r) {
      var ok = filters.every(function (s) {
        if (!s.value) return true;
        var have = (r.getAttribute("data-" + s.name) || "").split(" ");
        return have.indexOf(s.value) !== -1;
      });
      r.hidden = !ok;
      if (ok) shown += 1;
    });
    if (status) status.textContent = rows.length + "件中 " + shown + "件を表示しています";
  }

  /* State ⇄ query string. Only known names are read; values are compared,
   * never inserted as HTML. */
  function read() {
    var q = new URLSearchParams(window.location.search);
    filters.forEach(function (s) {
      var v = q.get(s.name) || "";
      var known = Array.prototype.some.call(s.options, function (o) { return o.value === v; });
      s.value = known ? v : "";
    });
    var col = Number(q.get("sort"));
    var valid = q.has("sort") && Number.isInteger(col) && col >= 0 && col < heads.length && heads[col].dataset.sort;
    sortState = valid ? { col: col, order: q.get("order") === "desc" ? "desc" : "asc" } : { col: -1, order: "asc" };
  }

  function query() {
    var q = new URLSearchParams(window.location.search);
    filters.forEach(function (s) { if (s.value) q.set(s.name, s.value); else q.delete(s.name); });
    if (sortState.col >= 0) {
      q.set("sort", String(sortState.col));
      q.set("order", sortState.order);
    } else {
      q.delete("sort");
      q.delete("order");
    }
    return q.toString();
  }

  function apply() { sortRows(); filterRows(); }

  function commit() {
    apply();
    var next = query();
    if (next !== window.location.search.replace(/^\?/, "")) {
      window.history.pushState(null, "", next ? "?" + next : window.location.pathname);
    }
  }

  window.addEventListener("popstate", function () { read(); apply(); });
  read();
  apply();
})();
