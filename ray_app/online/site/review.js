// The review page: upload -> mapping job (live progress) -> keyboard-driven review queue -> exports.
// API text is inserted with textContent only (the page's CSP allows no inline script or style).
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  };
  const fmt = (x, d = 3) => (typeof x === "number" ? x.toFixed(d) : "–");
  const SETTLED = new Set(["reviewed", "not_in_catalog"]);
  const state = { job: null, items: [], cur: 0, summary: null, poll: null, searchFor: -1 };
  let token = sessionStorage.getItem("harmonize-token") || "";

  // ------------------------------------------------------------------ API
  class ApiError extends Error { constructor(status, msg, body) { super(msg); this.status = status; this.body = body; } }

  async function api(path, { method = "GET", json, body, headers = {}, raw = false } = {}) {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    if (json !== undefined) h["content-type"] = "application/json";
    const r = await fetch(path, { method, headers: h, body: json !== undefined ? JSON.stringify(json) : body });
    if (r.ok) return raw ? r : r.json();
    let data = null;
    try { data = await r.json(); } catch (_) { /* not a problem body */ }
    if (r.status === 401) $("rv-token-field").hidden = false;
    throw new ApiError(r.status, (data && (data.detail || (data.issue && data.issue[0].diagnostics))) || r.statusText, data);
  }

  function showError(id, err) {
    const n = $(id);
    n.textContent = err ? (err.status ? `${err.status}: ${err.message}` : String(err.message || err)) : "";
    n.hidden = !err;
  }

  async function saveBlob(path, name) {
    const r = await api(path, { raw: true });
    const url = URL.createObjectURL(await r.blob());
    const a = el("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
  }

  // ------------------------------------------------------------------ upload and jobs
  const upload = { file: null };

  async function startUpload(textCol, typeCol) {
    const f = upload.file;
    if (!f) return;
    showError("rv-upload-error", null);
    const q = new URLSearchParams({ filename: f.name });
    if (textCol) q.set("text_column", textCol);
    if (typeCol) q.set("type_column", typeCol);
    try {
      const job = await api(`v1/review/jobs?${q}`, { method: "POST", body: f, headers: { "content-type": "application/octet-stream" } });
      $("rv-columns").hidden = true;
      followJob(job);
    } catch (err) {
      if (err.status === 422 && err.body && err.body.columns) return pickColumns(err);
      showError("rv-upload-error", err);
    }
  }

  function pickColumns(err) {
    const cols = err.body.columns;
    $("rv-columns-note").textContent = `${err.message}. Columns in ${upload.file.name}:`;
    for (const [id, guess] of [["rv-text-col", /text|desc|term|name|entity$/i], ["rv-type-col", /type|kind|category/i]]) {
      const sel = $(id);
      sel.replaceChildren(...cols.map((c) => { const o = el("option", "", c); o.value = c; return o; }));
      const hit = cols.find((c) => guess.test(c));
      if (hit) sel.value = hit;
    }
    $("rv-columns").hidden = false;
    $("rv-text-col").focus();
  }

  function eta(s) {
    if (s === null || s === undefined) return "–";
    return s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;
  }

  function renderJob(job) {
    const p = job.progress;
    $("rv-job").hidden = false;
    $("rv-job-name").textContent = job.filename + (job.parent ? " (reviewed, mapped again)" : "");
    $("rv-job-status").textContent = job.status;
    $("rv-progress").value = p.fraction || 0;
    const parts = [`${p.rows_done.toLocaleString()} / ${p.rows_total.toLocaleString()} rows`,
                   `${p.rows_per_s.toLocaleString()} rows/s`];
    if (job.status === "running" || job.status === "queued") parts.push(`ETA ${eta(p.eta_s)}`);
    else parts.push(`${p.elapsed_s} s`);
    if (job.status === "failed" || job.status === "interrupted") parts.push(job.error || "");
    $("rv-job-figures").textContent = parts.join(" · ");
    $("rv-downloads").hidden = job.status !== "done";
    $("rv-go-count").textContent = job.items ? `(${job.items} items)` : "";
  }

  function followJob(job) {
    state.job = job;
    renderJob(job);
    clearTimeout(state.poll);
    const tick = async () => {
      try {
        const j = await api(`v1/review/jobs/${job.id}`);
        state.job = j;
        renderJob(j);
        if (j.status === "done") { loadJobs(); return openQueue(j.id, 0); }
        if (j.status === "queued" || j.status === "running") state.poll = setTimeout(tick, 400);
      } catch (err) { showError("rv-upload-error", err); }
    };
    tick();
  }

  async function loadJobs() {
    let data;
    try { data = await api("v1/review/jobs"); } catch (err) { showError("rv-upload-error", err); return; }
    $("rv-limit").textContent = `${Math.round(data.upload_max_bytes / 1048576)} MB`;
    $("rv-jobs-count").textContent = data.jobs.length;
    $("rv-jobs-list").replaceChildren(...data.jobs.map((j) => {
      const li = el("li");
      const b = el("button", "linkish", `${j.filename}${j.parent ? " (reviewed)" : ""}`);
      b.type = "button";
      b.disabled = j.status !== "done";
      b.addEventListener("click", () => { followJob(j); });
      li.append(b, el("span", "small muted", ` ${j.status} · ${j.rows.toLocaleString()} rows · ${new Date(j.created * 1000).toLocaleString()}`));
      return li;
    }));
  }

  // ------------------------------------------------------------------ the queue
  async function openQueue(jobId, index) {
    const items = [];
    let summary = null;
    for (let offset = 0; ; offset += 500) {
      const page = await api(`v1/review/jobs/${jobId}/queue?offset=${offset}&limit=500`);
      items.push(...page.items);
      summary = page.summary;
      if (items.length >= page.total || !page.items.length) break;
    }
    state.items = items;
    state.summary = summary;
    state.jobId = jobId;
    $("rv-remap").disabled = false;
    renderList();
    select(Math.min(index || 0, Math.max(0, items.length - 1)), false);
  }

  function flagged(item) { return item.flags.some((f) => !SETTLED.has(f)); }

  function decisionText(d) {
    if (!d) return "";
    if (d.status === "not_in_catalog") return "not in catalog";
    if (d.status === "commented") return "comment";
    return d.code;
  }

  function listRow(item, i) {
    const li = el("li", "rv-row");
    li.dataset.index = i;
    li.classList.toggle("flagged", flagged(item));
    li.classList.toggle("decided", !!(item.decision && item.decision.status !== "commented"));
    const b = el("button", "rv-row-btn");
    b.type = "button";
    b.tabIndex = -1;
    b.append(el("span", "rv-row-text", item.text), el("span", "rv-row-meta",
      `${item.entity_type} · ${item.rows} row${item.rows === 1 ? "" : "s"} · ${fmt(item.confidence, 2)}`));
    const d = el("span", "rv-row-decision", decisionText(item.decision) || (flagged(item) ? "flagged" : ""));
    b.append(d);
    b.addEventListener("click", () => select(i, true));
    li.append(b);
    return li;
  }

  function renderList() {
    $("rv-list").replaceChildren(...state.items.map(listRow));
    renderSummary();
  }

  function renderSummary() {
    const s = state.summary;
    if (!s) return;
    $("rv-summary").textContent = `${s.decided.toLocaleString()} / ${s.items.toLocaleString()} items decided · ` +
      `${s.rows_decided.toLocaleString()} / ${s.rows.toLocaleString()} rows · flagged ${s.flagged_decided} / ${s.flagged}`;
    $("rv-review-progress").value = s.items ? s.decided / s.items : 0;
  }

  function select(i, focus) {
    if (!state.items.length) return;
    state.cur = Math.max(0, Math.min(state.items.length - 1, i));
    for (const li of $("rv-list").querySelectorAll("li.current")) li.classList.remove("current");
    const row = $("rv-list").children[state.cur];
    if (row) {
      row.classList.add("current");
      row.scrollIntoView({ block: "nearest" });
    }
    history.replaceState(null, "", `#job=${state.jobId}&item=${state.cur}`);
    renderItem();
    if (focus) $("rv-item").focus({ preventScroll: true });
  }

  function sigCells(tr, c) {
    for (const k of ["dense", "fuzzy", "lexical", "sty"]) tr.append(el("td", "num sig", fmt(c.signals[k], 2)));
  }

  function renderItem() {
    const item = state.items[state.cur];
    const box = $("rv-item");
    box.replaceChildren($("rv-item-tpl").content.cloneNode(true));
    box.dataset.index = state.cur;
    box.querySelector(".rv-etype").textContent = `${state.cur + 1} / ${state.items.length} · ${item.entity_type} → ${item.system}`;
    box.querySelector(".rv-text").textContent = item.text;
    const flags = item.flags.length ? item.flags.join(", ") : "no flags";
    box.querySelector(".rv-meta").textContent = `${item.rows} row${item.rows === 1 ? "" : "s"} · confidence ${fmt(item.confidence, 2)} · ${flags}`;
    const dec = box.querySelector(".rv-decision");
    if (item.decision) {
      dec.hidden = false;
      const d = item.decision;
      dec.append(el("b", "", d.status === "approved" ? `${d.code} ${d.description}` : decisionText(d)),
                 el("span", "small", ` by ${d.reviewer}`));
      if (d.comment) dec.append(el("span", "small rv-dec-comment", `“${d.comment}”`));
    }
    const body = box.querySelector(".rv-cands tbody");
    item.candidates.forEach((c, k) => {
      const tr = el("tr");
      tr.dataset.rank = k + 1;
      if (item.decision && item.decision.code === c.code) tr.classList.add("chosen");
      const key = el("td", "rank");
      const kb = el("button", "rank-btn", k < 9 ? String(k + 1) : "·");
      kb.type = "button";
      kb.setAttribute("aria-label", `choose candidate ${k + 1}: ${c.code} ${c.description}`);
      kb.addEventListener("click", () => decide({ action: "choose", rank: k + 1 }));
      key.append(kb);
      const desc = el("td", "desc");
      desc.append(el("code", "", c.code), document.createTextNode(" "), el("span", "", c.description),
                  el("span", "rv-sig-line small muted",
                     `dense ${fmt(c.signals.dense, 2)} · fuzzy ${fmt(c.signals.fuzzy, 2)} · lexical ${fmt(c.signals.lexical, 2)} · sty ${fmt(c.signals.sty, 2)}`));
      tr.append(key, desc, el("td", "num", fmt(c.score, 3)));
      sigCells(tr, c);
      body.append(tr);
    });
    if (!item.candidates.length) {
      const tr = el("tr");
      const td = el("td", "muted", item.code ? `${item.code} ${item.description}` : "no candidates: search the catalog below");
      td.colSpan = 7;
      tr.append(td);
      body.append(tr);
    }
    box.querySelector('[data-act="accept"]').addEventListener("click", () => decide({ action: "accept" }));
    box.querySelector('[data-act="not_in_catalog"]').addEventListener("click", () => decide({ action: "not_in_catalog" }));
    box.querySelector('[data-act="comment"]').addEventListener("click", openComment);
    const ta = box.querySelector(".rv-comment textarea");
    ta.value = (item.decision && item.decision.comment) || "";
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); saveComment(ta.value); }
      if (e.key === "Escape") { e.preventDefault(); box.querySelector(".rv-comment").hidden = true; box.focus(); }
    });
    const form = box.querySelector(".rv-search");
    const input = form.querySelector("input");
    input.value = "";
    form.addEventListener("submit", (e) => { e.preventDefault(); search(input.value); });
    input.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); box.focus(); } });
  }

  function openComment() {
    const c = $("rv-item").querySelector(".rv-comment");
    c.hidden = false;
    c.querySelector("textarea").focus();
  }

  async function saveComment(text) {
    const item = state.items[state.cur];
    const d = item.decision;
    // with a decision: the same decision again, now with the comment; without one: a comment only
    const body = !d || d.status === "commented" ? { action: "comment" }
      : d.status === "not_in_catalog" ? { action: "not_in_catalog" } : { action: "choose", code: d.code };
    await decide({ ...body, comment: text }, false);
  }

  async function search(term) {
    const item = state.items[state.cur];
    const list = $("rv-item").querySelector(".rv-search-results");
    if (!term.trim()) return;
    list.replaceChildren(el("li", "muted", "searching…"));
    try {
      const q = new URLSearchParams({ term, type: item.entity_type, max: "5" });
      const res = await api(`v1/search?${q}`);
      state.searchFor = state.cur;
      list.replaceChildren(...res.candidates.map((c) => {
        const li = el("li");
        const b = el("button", "rv-pick", "");
        b.type = "button";
        b.append(el("code", "", c.code), document.createTextNode(` ${c.description} `), el("span", "small muted", `score ${fmt(c.score, 3)}`));
        b.addEventListener("click", () => decide({ action: "choose", code: c.code }));
        b.addEventListener("keydown", (e) => {
          const sib = e.key === "ArrowDown" ? li.nextElementSibling : e.key === "ArrowUp" ? li.previousElementSibling : null;
          if (sib) { e.preventDefault(); sib.querySelector("button").focus(); }
          if (e.key === "Escape") { e.preventDefault(); $("rv-item").focus(); }
        });
        li.append(b);
        return li;
      }));
      const first = list.querySelector("button");
      if (first) first.focus();
    } catch (err) { list.replaceChildren(el("li", "rv-error", err.message)); }
  }

  async function decide(body, advance = true) {
    const reviewer = $("rv-reviewer").value.trim();
    if (!reviewer) { $("rv-reviewer").focus(); showError("rv-upload-error", new Error("enter your name as reviewer first")); return; }
    const item = state.items[state.cur];
    const idx = state.cur;
    try {
      const res = await api(`v1/review/jobs/${state.jobId}/items/${item.id}/decision`, { method: "POST", json: { reviewer, ...body } });
      const was = item.decision && item.decision.status !== "commented";
      item.decision = res.decision;
      const now = res.decision.status !== "commented";
      if (now && !was) {
        state.summary.decided += 1;
        state.summary.rows_decided += item.rows;
        if (flagged(item)) state.summary.flagged_decided += 1;
      }
      $("rv-list").children[idx].replaceWith(listRow(item, idx));
      renderSummary();
      if (advance && idx === state.cur && idx < state.items.length - 1) select(idx + 1, true);
      else select(idx, true);
    } catch (err) {
      const box = $("rv-item");
      box.querySelector(".rv-actions").append(el("p", "rv-error", `${err.status}: ${err.message}`));
    }
  }

  // ------------------------------------------------------------------ keyboard
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    if (e.ctrlKey || e.metaKey || e.altKey || !state.items.length) return;
    if (t && t.tagName === "BUTTON" && (e.key === "Enter" || e.key === " ") && !t.closest(".rv-list")) return;
    const item = state.items[state.cur];
    let done = true;
    if (e.key === "j" || e.key === "ArrowDown") select(state.cur + 1, true);
    else if (e.key === "k" || e.key === "ArrowUp") select(state.cur - 1, true);
    else if (/^[1-9]$/.test(e.key) && Number(e.key) <= item.candidates.length) decide({ action: "choose", rank: Number(e.key) });
    else if (e.key === "Enter") decide({ action: "accept" });
    else if (e.key === "n") decide({ action: "not_in_catalog" });
    else if (e.key === "c") openComment();
    else if (e.key === "/") $("rv-item").querySelector(".rv-search input").focus();
    else if (e.key === "Escape") $("rv-item").focus();
    else done = false;
    if (done) e.preventDefault();
  });

  // ------------------------------------------------------------------ start
  function wire() {
    const who = $("rv-reviewer");
    who.value = localStorage.getItem("harmonize-reviewer") || "";
    who.addEventListener("change", () => localStorage.setItem("harmonize-reviewer", who.value.trim()));
    $("rv-token").value = token;
    $("rv-token").addEventListener("change", () => {
      token = $("rv-token").value.trim();
      sessionStorage.setItem("harmonize-token", token);
      loadJobs();
    });
    const drop = $("rv-drop");
    const take = (f) => { if (f) { upload.file = f; startUpload(); } };
    $("rv-file").addEventListener("change", (e) => take(e.target.files[0]));
    drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); take(e.dataTransfer.files[0]); });
    $("rv-start").addEventListener("click", () => startUpload($("rv-text-col").value, $("rv-type-col").value));
    for (const b of document.querySelectorAll("[data-download]")) {
      b.addEventListener("click", () => {
        const j = state.job;
        const stem = j.filename.replace(/\.[^.]+$/, "");
        saveBlob(`v1/review/jobs/${j.id}/download?format=${b.dataset.download}`, `${stem}_mapped.${b.dataset.download}`)
          .catch((err) => showError("rv-upload-error", err));
      });
    }
    $("rv-go-review").addEventListener("click", () => setTimeout(() => $("rv-item").focus({ preventScroll: true }), 0));
    $("rv-export-csv").addEventListener("click", () => saveBlob("v1/review/export?format=csv", "decisions.csv")
      .catch((err) => showError("rv-export-error", err)));
    $("rv-export-cm").addEventListener("click", () => saveBlob("v1/review/export?format=conceptmap", "conceptmap.json")
      .catch((err) => showError("rv-export-error", err)));
    $("rv-remap").addEventListener("click", async () => {
      showError("rv-export-error", null);
      try {
        const j = await api(`v1/review/jobs/${state.jobId}/remap`, { method: "POST" });
        $("rv-export-note").textContent = "Mapping the file again with every decision applied; its downloads appear under Upload.";
        followJob(j);
      } catch (err) { showError("rv-export-error", err); }
    });
  }

  async function boot() {
    wire();
    try {
      const h = await api("v1/health");
      $("rv-status").textContent = "live api";
      $("rv-status").classList.add("live");
      if (h.auth_required) $("rv-token-field").hidden = !!token;
    } catch (err) { $("rv-status").textContent = "offline"; }
    await loadJobs();
    const m = /job=([0-9a-f]{16})(?:&item=(\d+))?/.exec(location.hash);
    if (m) {
      try {
        const j = await api(`v1/review/jobs/${m[1]}`);
        state.job = j;
        renderJob(j);
        if (j.status === "done") await openQueue(j.id, Number(m[2] || 0));
        else followJob(j);
      } catch (err) { showError("rv-upload-error", err); }
    }
  }
  boot();
})();
