/* Shared page helpers: strings, CSRF-aware fetch, expandable rows, print buttons, confirmations. */
(function () {
  "use strict";
  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }
  var strings = readJSON("cl-i18n") || {};
  var page = readJSON("cl-page") || {};
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : null;

  function t(key) { return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key; }
  function lang() { return page.lang === "en" ? "en" : "zh"; }
  function pick(obj, field) {
    if (!obj) return "";
    var a = lang() === "en" ? obj[field + "_en"] : obj[field + "_zh"];
    var b = lang() === "en" ? obj[field + "_zh"] : obj[field + "_en"];
    return a || b || obj[field] || "";
  }
  function errorMessage(body, status) {
    if (body && body.error) {
      var e = body.error;
      return (lang() === "en" ? e.message_en : e.message_zh) || e.message_zh || e.message_en || String(status);
    }
    return String(status);
  }
  /* fetch JSON; unsafe methods carry the session's CSRF token. Rejects with {status, message, body}. */
  function api(url, opts) {
    opts = opts || {};
    var headers = opts.headers || {};
    var method = (opts.method || "GET").toUpperCase();
    headers["Accept"] = "application/json";
    if (method !== "GET" && method !== "HEAD" && csrf) headers["X-CSRF-Token"] = csrf;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(opts.json);
    }
    return fetch(url, { method: method, headers: headers, body: opts.body, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (txt) {
          var body = null;
          try { body = txt ? JSON.parse(txt) : null; } catch (e) { body = null; }
          if (!r.ok) throw { status: r.status, message: errorMessage(body, r.status), body: body };
          return body;
        });
      });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "text") node.textContent = attrs[k];
        else if (k === "cls") node.className = attrs[k];
        else if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
    return node;
  }
  function fmt(x, digits) {
    if (x === null || x === undefined || x === "" || (typeof x === "number" && isNaN(x))) return "–";
    if (typeof x !== "number") return String(x);
    var d = digits === undefined ? (Math.abs(x) >= 100 ? 0 : 2) : digits;
    return x.toLocaleString(lang() === "en" ? "en-US" : "zh-CN", { maximumFractionDigits: d });
  }
  function table(headers, rows) {
    var thead = el("thead", null, [el("tr", null, headers.map(function (h) {
      return el("th", { cls: h.num ? "num" : null, scope: "col" }, [h.label]);
    }))]);
    var tbody = el("tbody", null, rows.map(function (r) {
      return el("tr", null, r.map(function (c, i) {
        return el("td", { cls: headers[i] && headers[i].num ? "num" : null }, [c === null || c === undefined ? "–" : c]);
      }));
    }));
    return el("table", { cls: "data" }, [thead, tbody]);
  }
  function sevBadge(sev) {
    var s = sev || "none";
    return el("span", { cls: "sev sev-" + s }, [t("sev." + s)]);
  }

  window.CL = { t: t, lang: lang, pick: pick, api: api, el: el, fmt: fmt, table: table, sevBadge: sevBadge,
                readJSON: readJSON, page: page, csrf: csrf };

  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof Element)) return;
    var exp = target.closest("button.expander");
    if (exp) {
      var row = document.getElementById(exp.getAttribute("aria-controls"));
      if (row) {
        var open = exp.getAttribute("aria-expanded") === "true";
        exp.setAttribute("aria-expanded", open ? "false" : "true");
        exp.textContent = open ? "+" : "−";
        row.classList.toggle("hidden", open);
      }
      return;
    }
    if (target.closest("[data-print]")) { ev.preventDefault(); window.print(); }
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      ev.preventDefault();
    }
  });
  document.addEventListener("change", function (ev) {
    var target = ev.target;
    if (target instanceof HTMLSelectElement && target.dataset.autosubmit !== undefined && target.form) {
      target.form.submit();
    }
  });
})();
