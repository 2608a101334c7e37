/* Data upload: multipart POST to the API with the CSRF header; the validation report as a table, one row per problem. */
(function () {
  "use strict";
  var CL = window.CL;
  var t = CL.t, el = CL.el;
  var form = document.getElementById("upload-form");
  if (!form) return;
  var status = document.getElementById("upload-status");
  var box = document.getElementById("upload-report");
  var summary = document.getElementById("upload-summary");
  var holder = document.getElementById("upload-problems");

  function problemsTable(problems) {
    var headers = [{ label: t("data.severity_col") }, { label: t("data.file_col") }, { label: t("data.table_col") },
                   { label: t("data.row_col"), num: true }, { label: t("data.column_col") }, { label: t("data.message_col") },
                   { label: t("data.fix_col") }];
    var rows = problems.map(function (p) {
      var sev = p.severity === "warning" ? "yellow" : "red";
      return [el("span", { cls: "sev sev-" + sev }, [t(p.severity === "warning" ? "data.warning" : "data.error")]),
              p.file || "–", p.table || "–", p.row === null || p.row === undefined ? "–" : String(p.row),
              p.column || "–",
              el("span", null, [CL.pick(p, "message"), p.value !== null && p.value !== undefined && p.value !== "" ? el("span", { cls: "muted small" }, [" (" + p.value + ")"]) : null]),
              CL.pick(p, "fix") || "–"];
    });
    return CL.table(headers, rows);
  }

  function show(ok, text, problems) {
    box.classList.remove("hidden");
    summary.className = "notice " + (ok ? "ok" : "error");
    summary.textContent = text;
    holder.replaceChildren();
    if (problems && problems.length) holder.appendChild(problemsTable(problems));
    box.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var fd = new FormData(form);
    if (!fd.get("dataset_name")) fd.delete("dataset_name");
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.textContent = t("data.uploading");
    CL.api("/api/v1/datasets/upload", { method: "POST", body: fd }).then(function (res) {
      button.disabled = false;
      status.textContent = "";
      var problems = res.problems || [];
      if (res.ok) {
        var v = res.version || {};
        var txt = t("data.ok").replace("{version}", (v.dataset || "") + " v" + (v.number || ""));
        var warns = problems.filter(function (p) { return p.severity === "warning"; }).length;
        if (warns) txt += " " + t("data.warnings").replace("{n}", warns);
        show(true, txt, problems);
      } else {
        show(false, t("data.bad"), problems);
      }
    }, function (err) {
      button.disabled = false;
      status.textContent = "";
      var details = err.body && err.body.error ? err.body.error.details || [] : [];
      var problems = details.filter(function (d) { return d && (d.message_zh || d.message_en) && (d.file !== undefined || d.table !== undefined); });
      show(false, problems.length ? t("data.bad") : err.message, problems);
    });
  });
})();
