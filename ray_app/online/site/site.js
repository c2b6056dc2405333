// The page's behaviour. Live mode calls this server's API; recorded mode (the static export) replays results
// recorded from the real engine. All API text reaches the DOM through textContent (el() below), never as markup.
"use strict";
(() => {
  const MODE = document.documentElement.dataset.mode === "recorded" ? "recorded" : "live";
  if (MODE === "live") document.getElementById("nav-review").hidden = false;  // the review page needs the server
  const REC = window.HARMONIZE_RECORDED || null;
  const $ = (id) => document.getElementById(id);
  const SYS = { RXNORM: "RxNorm", SNOMEDCT_US: "SNOMED CT" };
  const SIGNALS = ["dense", "fuzzy", "lexical", "sty", "agreement", "drug"];
  // weight -> the signal it multiplies (w_context multiplies the count of meaning-changing words: the remainder)
  const WEIGHT_OF = { w_dense: "dense", w_fuzzy: "fuzzy", w_lexical: "lexical", w_sty: "sty", w_agg: "agreement", w_drug: "drug" };
  const FLAG_MEANING = {
    needs_review: "confidence below the review threshold: more likely wrong than right, have a person check it",
    ingredient_fallback: "the stated strength or form exists in no product: the ingredient is returned",
    unknown_entity_type: "the entity type is not Medicine, Diagnosis, Procedure or Lab (or a variant)",
    empty_input: "there was no text to map",
    non_string_input: "the input was not text; it was converted",
    truncated: "the text was longer than the limit and was cut",
    binary_characters_removed: "control or binary characters were removed from the text",
  };
  const VIA_MEANING = { exact: "the same text is a catalog string", drug: "the medicine parser (ingredient, strength, form)",
    dense: "nearest by meaning (embeddings + FAISS)", lexical: "shared rare words (BM25)" };
  let EXAMPLES = [];  // [text, type, expected code, what it took]: examples.json, or the recorded copy
  let DEMO_CHIPS = [];

  function el(tag, props, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === "class") n.className = v;
      else if (k === "text") n.textContent = String(v);
      else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? "" : String(v));
    }
    for (const kid of kids.flat()) if (kid != null) n.append(kid instanceof Node ? kid : String(kid));
    return n;
  }
  const fmt = (x, d = 3) => (typeof x === "number" ? x.toFixed(d) : "–");
  const pct = (x) => `${Math.round(x * 100)}%`;

  // ------------------------------------------------------------------ API (live) or replay (recorded)
  class ApiError extends Error { constructor(status, msg) { super(msg); this.status = status; } }
  let token = "";
  const recKey = (text, type) => `${type.trim().toLowerCase()}|${text.trim().toLowerCase().replace(/\s+/g, " ")}`;

  function replay(path, body) {
    if (!REC) throw new ApiError(0, "no recorded results in this copy");
    if (path === "v1/health") return REC.health;
    const one = (text, type, k) => {
      const hit = REC.results[recKey(text, type)];
      if (!hit) throw new ApiError(404, `“${text}” (${type}) was not recorded in this static copy; try one of the examples`);
      return { ...hit, candidates: hit.candidates.slice(0, k) };
    };
    if (path === "v1/map") return { request_id: "recorded", ...one(body.text, body.entity_type, body.top_k), timings_ms: null };
    if (path === "v1/map/batch") return { request_id: "recorded", results: body.items.map((i) => one(i.text, i.entity_type, body.top_k)) };
    throw new ApiError(404, `${path} is not available in the static copy`);
  }

  async function api(path, body) {
    if (MODE === "recorded") return replay(path, body);
    // errors are RFC 9457 problems: {type, title, status, detail, errors}
    const headers = { "content-type": "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(path, { method: body ? "POST" : "GET", headers, body: body ? JSON.stringify(body) : undefined });
    let data = null;
    try { data = await r.json(); } catch (_) { /* 503 bodies from the proxy are plain text */ }
    if (!r.ok) {
      const retry = r.headers.get("retry-after");
      const msg = (data && typeof data.detail === "string" ? data.detail : null) ||
        (r.status === 503 ? `the server is at capacity; try again${retry ? ` in ${retry} s` : " in a moment"}` : r.statusText);
      if (r.status === 401) $("token-field").hidden = false;
      throw new ApiError(r.status, msg);
    }
    return data;
  }

  // ------------------------------------------------------------------ weights
  let defaults = { w_dense: 0.65, w_fuzzy: 0.05, w_lexical: 0.05, w_sty: 0.3, w_agg: 0, w_drug: 0.6, w_context: 0.02 };
  let RANGE = [0, 2];  // what the API accepts per weight (health.scoring.range)
  const weights = {};
  const changedWeights = () => {
    const out = {};
    for (const [k, v] of Object.entries(weights)) if (Math.abs(v - defaults[k]) > 1e-9) out[k] = v;
    return Object.keys(out).length ? out : null;
  };

  function buildSliders() {
    const list = $("slider-list");
    list.replaceChildren();
    for (const [name, value] of Object.entries(defaults)) {
      weights[name] = value;
      const id = `slider-${name}`;
      const out = el("output", { for: id, id: `${id}-out`, text: value.toFixed(2) });
      const input = el("input", { type: "range", id, name, min: RANGE[0], max: RANGE[1], step: 0.05, value,
        "aria-describedby": "sliders-query", disabled: MODE === "recorded" });
      input.addEventListener("input", () => {
        weights[name] = Number(input.value);
        out.textContent = Number(input.value).toFixed(2);
        warnAllZero();
        scheduleRefresh();
      });
      list.append(el("div", { class: "slider" }, el("label", { for: id, text: name }), out, input));
    }
    if (MODE === "recorded") {
      $("weights-reset").disabled = true;
      $("weights-status").textContent = "Re-ranking needs the live API: run harmonize serve.";
    }
  }

  function warnAllZero() {
    const zero = Object.values(weights).every((v) => v === 0);
    $("weights-warning").hidden = !zero;
  }

  let timer = null;
  function scheduleRefresh() {
    clearTimeout(timer);
    $("weights-status").textContent = "re-ranking…";
    timer = setTimeout(() => { refreshRanking(); if (lastDemo) runDemo(lastDemo, false); }, 180);
  }

  // ------------------------------------------------------------------ scoring table
  const state = { text: "chest xr", type: "Procedure" };
  let baseline = null; // codes in default-weight order for the current query
  let rankSeq = 0;

  async function refreshRanking() {
    const seq = ++rankSeq;
    const key = recKey(state.text, state.type);
    const query = { text: state.text, entity_type: state.type, top_k: 8 };
    $("sliders-query").textContent = `Re-ranking “${state.text}” (${state.type}).`;
    try {
      const w = changedWeights();
      let res = null;
      if (!baseline || baseline.key !== key) { // the default-weight order, to show what moved
        res = await api("v1/map", query);
        baseline = { key, codes: res.candidates.map((c) => c.code) };
      }
      if (w || !res) res = await api("v1/map", { ...query, ...(w ? { weights: w } : {}) });
      if (seq !== rankSeq) return;
      renderRanking(res.candidates);
      $("weights-status").textContent = w ? `custom weights: ${Object.entries(w).map(([k, v]) => `${k}=${v}`).join(", ")}` :
        (MODE === "recorded" ? "Re-ranking needs the live API: run harmonize serve." : "engine defaults");
    } catch (e) {
      if (seq === rankSeq) {
        $("rank-body").replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "muted", text: e.message })));
        $("weights-status").textContent = "";
      }
    }
  }

  function renderRanking(cands) {
    const before = baseline ? baseline.codes : [];
    const rows = cands.map((c, i) => {
      const was = before.indexOf(c.code);
      const delta = was < 0 ? "new" : was > i ? `▲${was - i}` : was < i ? `▼${i - was}` : "·";
      return el("tr", { class: delta !== "·" ? "moved" : null, "data-code": c.code },
        el("td", { text: String(i + 1) }), el("td", {}, el("code", { text: c.code })),
        el("td", { text: c.description }), el("td", { class: "num", text: fmt(c.score) }),
        el("td", { class: "delta", text: delta, title: "rank change against the engine defaults" }));
    });
    $("rank-body").replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 5, class: "muted", text: "no candidates" }))]));
  }

  // ------------------------------------------------------------------ demo
  let lastDemo = null;
  // One scale on every card: the ranking score, as a share of the most a candidate can score under the current
  // weights (every signal at 1). The calibrated confidence belongs to the answer, and is shown once, above the cards.
  function scoreScale(system) {
    const w = { ...defaults, ...weights };
    let top = 0;
    for (const [name, sig] of Object.entries(WEIGHT_OF)) if (sig !== "drug" || system === "RXNORM") top += w[name] || 0;
    return top > 0 ? top : 1;
  }

  function contributions(c) {
    const w = { ...defaults, ...weights };
    const rows = [];
    let sum = 0;
    for (const [name, sig] of Object.entries(WEIGHT_OF)) {
      const v = (c.signals || {})[sig];
      if (typeof v !== "number") continue;
      const part = (w[name] || 0) * v;
      sum += part;
      rows.push(el("tr", {}, el("td", {}, el("code", { text: name })), el("td", { class: "num", text: fmt(w[name] || 0, 2) }),
        el("td", { class: "num", text: `× ${fmt(v)}` }), el("td", { class: "num", text: `= ${fmt(part)}` })));
    }
    const rest = c.score - sum;
    rows.push(el("tr", {}, el("td", {}, el("code", { text: "w_context" })), el("td", { class: "num", text: fmt(w.w_context || 0, 2) }),
      el("td", { class: "num", text: "× words" }), el("td", { class: "num", text: `= ${fmt(Math.abs(rest) < 5e-4 ? 0 : rest)}` })));
    return el("table", { class: "contrib", "aria-label": "each weight's contribution to the score" },
      el("thead", {}, el("tr", {}, el("th", { text: "weight" }), el("th", { text: "value" }), el("th", { text: "signal" }), el("th", { text: "adds" }))),
      el("tbody", {}, rows),
      el("tfoot", {}, el("tr", {}, el("td", { colspan: 3, text: "score" }), el("td", { class: "num", text: fmt(c.score) }))));
  }

  function card(c, i, res, confident) {
    const best = i === 0;
    const scale = scoreScale(c.system);
    const meter = el("span");
    meter.style.width = pct(Math.max(0, Math.min(1, c.score / scale)));
    const sig = el("div", { class: "signals" });
    for (const name of SIGNALS) {
      if (!(name in (c.signals || {}))) continue;
      const v = c.signals[name];
      const bar = el("span");
      bar.style.width = pct(Math.max(0, Math.min(1, v)));
      sig.append(el("span", { text: name }), el("div", { class: "bar", role: "img", "aria-label": `${name} ${fmt(v)}` }, bar),
        el("span", { class: "num", text: fmt(v) }));
    }
    const flags = best ? res.flags.map((f) => el("span", { class: "tag flag", title: FLAG_MEANING[f] || f, text: f })) : [];
    const anchors = res.anchors || [];
    const why = [
      el("li", {}, "proposed by ", el("b", { text: (c.via || []).join(", ") || "—" }),
        (c.via || []).length ? ` (${c.via.map((v) => VIA_MEANING[v] || v).join("; ")})` : ""),
      el("li", {}, "matched catalog string: ", el("q", { text: c.matched })),
      anchors.length > 1 ? el("li", { class: "expansions" }, "expansions applied: ", el("q", { text: anchors[0] }), " → ",
        anchors.slice(1).flatMap((a, k) => [k ? ", " : "", el("q", { text: a })])) :
        el("li", { class: "expansions" }, "no expansion applied: the query was searched as written"),
      ...(best ? res.flags.map((f) => el("li", {}, el("code", { text: f }), `: ${FLAG_MEANING[f] || "see the API docs"}`)) : []),
    ];
    return el("li", { class: `card${best ? " best" : ""}${confident ? "" : " weak"}`, "data-code": c.code },
      el("span", { class: "card-rank", text: `#${c.rank}` }),
      el("div", { class: "card-head" }, el("span", { class: "pill", text: SYS[c.system] || c.system }),
        el("code", { class: "card-code", text: c.code })),
      el("div", { class: "conf" }, el("span", { class: "conf-num", text: fmt(c.score) }),
        el("span", { class: "conf-label", text: `score · of ${fmt(scale, 2)} max` }),
        el("div", { class: "meter", title: "score as a share of the most a candidate can score under these weights" }, meter)),
      el("div", { class: "card-desc", text: c.description }),
      el("div", { class: "tags" }, el("span", { class: "tag" }, el("b", { text: "STY" }), c.sty),
        el("span", { class: "tag" }, el("b", { text: "TTY" }), c.tty), flags),
      el("details", { class: "why" }, el("summary", { text: "Why this?" }), el("ul", { class: "why-list" }, why), sig,
        contributions(c)));
  }

  function verdict(res) {
    const confident = Boolean(res.code) && !res.flags.includes("needs_review");
    if (!res.candidates.length) {
      return [false, el("li", { class: "verdict no-match" }, el("b", { text: "No match" }),
        el("span", { text: res.flags.length ? res.flags.map((f) => `${f}: ${FLAG_MEANING[f] || f}`).join("; ") : "nothing in the catalog came close" }))];
    }
    if (!confident) {
      return [false, el("li", { class: "verdict no-match" }, el("b", { text: "No confident match" }),
        el("span", { text: `Confidence ${pct(res.confidence)}: below the review threshold, so this is more likely wrong than right. ` +
          "The closest candidates are listed for a person to review, not as an answer." }))];
    }
    return [true, el("li", { class: "verdict match" }, el("b", {}, `${SYS[res.system] || res.system} `, el("code", { text: res.code }), ` · ${res.description}`),
      el("span", { class: "small", text: `confidence ${pct(res.confidence)} (a calibrated probability that this code is right)` +
        (res.flags.length ? ` · flags: ${res.flags.join(", ")}` : "") }))];
  }

  async function runDemo(q, syncRanking = true) {
    lastDemo = q;
    const meta = $("demo-meta");
    const list = $("demo-results");
    meta.textContent = "mapping…";
    $("demo-submit").disabled = true;
    try {
      const w = changedWeights();
      const t0 = performance.now();
      const res = await api("v1/map", { text: q.text, entity_type: q.type, top_k: q.k, ...(w ? { weights: w } : {}) });
      const ms = performance.now() - t0;
      const [confident, head] = verdict(res);
      list.replaceChildren(head, ...res.candidates.map((c, i) => card(c, i, res, confident)));
      const sys = res.system ? ` → ${SYS[res.system] || res.system}` : "";
      meta.textContent = MODE === "recorded" ? `recorded result${sys} · replayed, not computed now` :
        `${Math.round(ms)} ms round trip (server ${fmt(res.timings_ms.total, 1)} ms: prepare ${fmt(res.timings_ms.prepare, 1)}, ` +
        `match ${fmt(res.timings_ms.match, 1)})${sys}${w ? " · custom weights" : ""} · request ${res.request_id.slice(0, 8)}`;
      if (syncRanking && (q.text !== state.text || q.type !== state.type)) {
        state.text = q.text;
        state.type = q.type;
        refreshRanking();
      }
    } catch (e) {
      list.replaceChildren();
      meta.textContent = `${e.status ? `error ${e.status}: ` : ""}${e.message}`;
    } finally {
      $("demo-submit").disabled = false;
    }
  }

  function setupDemo() {
    const form = $("demo-form");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      token = $("demo-token").value.trim();
      const text = $("demo-text").value.trim();
      if (!text) { $("demo-meta").textContent = "type some clinical text first"; return; }
      runDemo({ text, type: $("demo-type").value, k: Number($("demo-k").value) });
    });
    const chips = $("demo-examples");
    for (const [text, type] of DEMO_CHIPS) {
      chips.append(el("button", { type: "button", class: "chip-btn", text: `${text} · ${type}`, onclick: () => {
        $("demo-text").value = text; $("demo-type").value = type; form.requestSubmit();
      } }));
    }
    const dl = $("demo-suggestions");
    for (const [text] of DEMO_CHIPS) dl.append(el("option", { value: text }));
    document.addEventListener("keydown", (ev) => {
      const typing = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
      if (ev.key === "/" && !typing) { ev.preventDefault(); $("demo-text").focus(); }
    });
  }

  // ------------------------------------------------------------------ examples table + hero ticker
  async function loadExamples() {
    const body = $("examples-body");
    try {
      const res = await api("v1/map/batch", { items: EXAMPLES.map(([text, type]) => ({ text, entity_type: type })), top_k: 1 });
      body.replaceChildren(...res.results.map((r, i) => {
        const [text, type, expect, note] = EXAMPLES[i];
        const ok = r.code === expect;
        return el("tr", {},
          el("td", {}, el("q", { text })), el("td", { text: type }),
          el("td", {}, el("code", { text: r.code || "—" }), ok ? el("span", { class: "ok", title: "matches the expected code", text: " ✓" }) : null),
          el("td", { text: r.description }), el("td", { class: "num", text: pct(r.confidence) }), el("td", { class: "muted", text: note }));
      }));
      startTicker(res.results.map((r, i) => ({ text: EXAMPLES[i][0], type: EXAMPLES[i][1], r })));
    } catch (e) {
      body.replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "muted", text: `could not load: ${e.message}` })));
    }
  }

  function startTicker(items) {
    const fig = document.querySelector(".ticker");
    let i = 0;
    let paused = false;
    fig.addEventListener("mouseenter", () => { paused = true; });
    fig.addEventListener("mouseleave", () => { paused = false; });
    $("ticker-note").textContent = MODE === "recorded" ? "recorded results from the engine" : "live results from this server";
    setInterval(() => {
      if (paused || document.hidden || !items.length) return;
      i = (i + 1) % items.length;
      const { text, type, r } = items[i];
      fig.classList.remove("swap");
      void fig.offsetWidth; // restart the animation
      fig.classList.add("swap");
      $("ticker-in").textContent = `"${text}"`;
      $("ticker-type").textContent = type;
      $("ticker-sys").textContent = SYS[r.system] || r.system;
      $("ticker-code").textContent = r.code;
      $("ticker-desc").textContent = r.description;
    }, 3200);
  }

  // ------------------------------------------------------------------ small widgets
  function setupPopovers() {
    const buttons = [...document.querySelectorAll("button.q")];
    const close = (b) => { b.setAttribute("aria-expanded", "false"); $(b.getAttribute("aria-controls")).hidden = true; };
    const open = (b) => { buttons.forEach((o) => { if (o !== b) { close(o); o.dataset.pinned = ""; } });
      b.setAttribute("aria-expanded", "true"); $(b.getAttribute("aria-controls")).hidden = false; };
    for (const b of buttons) {
      // hover and focus open it; a click (or Enter) pins it open, a second click closes it
      b.addEventListener("mouseenter", () => open(b));
      b.addEventListener("focus", () => open(b));
      b.addEventListener("mouseleave", () => { if (!b.dataset.pinned && document.activeElement !== b) close(b); });
      b.addEventListener("blur", () => { if (!b.dataset.pinned) close(b); });
      b.addEventListener("click", () => {
        if (b.dataset.pinned) { b.dataset.pinned = ""; close(b); } else { b.dataset.pinned = "1"; open(b); }
      });
    }
    document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") buttons.forEach((b) => { b.dataset.pinned = ""; close(b); }); });
  }

  function setupNav() {
    const toggle = document.querySelector(".nav-toggle");
    const nav = $("site-nav");
    const set = (on) => { nav.classList.toggle("open", on); toggle.setAttribute("aria-expanded", String(on)); };
    toggle.addEventListener("click", () => set(!nav.classList.contains("open")));
    for (const a of nav.querySelectorAll("a")) a.addEventListener("click", () => set(false));
    document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") set(false); });
  }

  function setupOrigin() {
    // the snippets call this server: in live mode, the page's own origin
    if (MODE !== "live" || !/^https?:$/.test(location.protocol)) return;
    for (const n of document.querySelectorAll(".origin")) n.textContent = location.origin;
  }

  async function loadFigures() {
    let fig = null;
    try { fig = REC && REC.figures ? REC.figures : await (await fetch("figures.json")).json(); } catch (_) { /* below */ }
    const body = $("perf-body");
    if (!fig) { body.replaceChildren(el("tr", {}, el("td", { colspan: 3, class: "muted", text: "figures.json could not be read" }))); return; }
    body.replaceChildren(...fig.figures.map((f) => el("tr", { "data-key": f.key }, el("td", { text: f.what }),
      el("td", { text: f.value }), el("td", { text: f.source }))));
    for (const [k, st] of Object.entries(fig.stats || {})) {
      if ($(`stat-${k}`)) { $(`stat-${k}`).textContent = st.value; $(`stat-${k}-label`).textContent = st.label; }
    }
  }

  function setupTabs() {
    const tabs = [...document.querySelectorAll('[role="tab"]')];
    const select = (t) => {
      for (const o of tabs) {
        const on = o === t;
        o.setAttribute("aria-selected", String(on));
        o.tabIndex = on ? 0 : -1;
        $(o.getAttribute("aria-controls")).hidden = !on;
      }
      t.focus();
    };
    tabs.forEach((t, i) => {
      t.addEventListener("click", () => select(t));
      t.addEventListener("keydown", (ev) => {
        if (ev.key === "ArrowRight") select(tabs[(i + 1) % tabs.length]);
        if (ev.key === "ArrowLeft") select(tabs[(i - 1 + tabs.length) % tabs.length]);
      });
    });
    for (const b of document.querySelectorAll("button.copy")) {
      b.addEventListener("click", async () => {
        const text = b.parentElement.querySelector("code").textContent;
        try { await navigator.clipboard.writeText(text); b.textContent = "Copied"; } catch (_) { b.textContent = "Select + copy"; }
        setTimeout(() => { b.textContent = "Copy"; }, 1400);
      });
    }
  }

  async function setupMode() {
    const badge = $("mode-badge");
    if (MODE === "recorded") {
      badge.textContent = "Recorded results";
      badge.classList.add("recorded");
      const when = REC ? REC.recorded_at : "?";
      $("demo-lede").textContent = `This static copy replays results recorded from the real engine (${when}, catalog ` +
        `${REC ? REC.health.catalog.fingerprint : "?"}): pick an example. Run harmonize serve for the live API.`;
      $("examples-source").textContent = "(recorded from the engine)";
      $("foot-mode").textContent = `Static copy: results recorded ${when}`;
      for (const a of document.querySelectorAll('a[href="docs"]')) a.removeAttribute("href");
    }
    try {
      const h = await api("v1/health");
      if (MODE === "live") { badge.textContent = "Live API"; badge.classList.add("live"); }
      if (h.scoring && h.scoring.weights) defaults = h.scoring.weights;
      if (h.scoring && Array.isArray(h.scoring.range)) RANGE = h.scoring.range;
      if (h.auth_required) $("token-field").hidden = false;
      if (h.index && h.index.rows) {
        const n = Object.values(h.index.rows).reduce((a, b) => a + b, 0);
        $("stat-rows").textContent = n.toLocaleString("en-US");
      }
    } catch (e) {
      if (MODE === "live") badge.textContent = "API unreachable";
    }
  }

  async function loadExampleList() {
    try {
      const ex = REC ? REC.examples : await (await fetch("examples.json")).json();
      EXAMPLES = ex.hackathon;
      DEMO_CHIPS = ex.demo;
    } catch (_) { /* the page still works without its example lists */ }
  }

  async function main() {
    setupPopovers();
    setupNav();
    setupTabs();
    setupOrigin();
    loadFigures();
    await loadExampleList();
    setupDemo();
    await setupMode();
    buildSliders();
    $("weights-reset").addEventListener("click", () => {
      for (const [name, v] of Object.entries(defaults)) {
        weights[name] = v;
        $(`slider-${name}`).value = v;
        $(`slider-${name}-out`).textContent = v.toFixed(2);
      }
      warnAllZero();
      scheduleRefresh();
    });
    refreshRanking();
    loadExamples();
  }
  main();
})();
