// The upload page's few behaviours: drag-and-drop, upload progress, the problems filter,
// and live progress (server-sent events, with polling every second as the fallback).
"use strict";

(function upload() {
  const form = document.getElementById("upload");
  if (!form) return;
  const input = document.getElementById("file");
  const drop = document.getElementById("drop");
  const chosen = document.getElementById("chosen");
  const show = () => { chosen.textContent = input.files.length ? input.files[0].name : ""; };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((e) => drop.addEventListener(e, () => drop.classList.remove("over")));
  drop.addEventListener("drop", (ev) => { ev.preventDefault(); input.files = ev.dataTransfer.files; show(); });
  form.addEventListener("submit", (ev) => {
    if (!input.files.length || !window.XMLHttpRequest) return;
    ev.preventDefault();
    const bar = document.getElementById("upload-progress");
    bar.hidden = false;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = (p) => { if (p.lengthComputable) bar.value = (100 * p.loaded) / p.total; };
    xhr.onload = () => {
      if (xhr.responseURL && xhr.status < 400) { window.location = xhr.responseURL; return; }
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = () => { form.submit(); };
    xhr.send(new FormData(form));
  });
})();

(function problemsFilter() {
  const box = document.getElementById("only-problems");
  if (box) box.addEventListener("change", () => { window.location = box.dataset.href; });
})();

(function progress() {
  const job = document.getElementById("job");
  if (!job) return;
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => values[k]);
  const el = (id) => document.getElementById(id);
  let finished = false;
  function draw(s) {
    const state = el("state");
    state.dataset.finished = s.finished ? "1" : "0";
    state.textContent = s.queued ? fill(job.dataset.tQueued, { n: s.ahead }) : !s.finished ? state.textContent || "…" : "";
    for (const [bar, value] of [["bar", s.sent], ["bar-done", s.done]]) {
      el(bar).max = s.total || 1;
      el(bar).value = value;
    }
    el("sent-of").textContent = fill(job.dataset.tSentof, { sent: s.sent, total: s.total });
    el("done-of").textContent = fill(job.dataset.tDoneof, { done: s.done, total: s.total });
    if (s.answered_at) {
      el("heard").textContent = fill(job.dataset.tHeard, { time: new Date(s.answered_at).toLocaleTimeString() });
    }
    el("waiting").hidden = s.finished || s.queued || s.sent <= s.done;
    el("waiting").textContent = fill(job.dataset.tWaiting, { n: s.sent - s.done });
    el("rate").textContent = s.seconds_left !== null ? fill(job.dataset.tRate, { rate: s.rate, left: s.seconds_left }) + " ·" : "";
    el("waits").textContent = fill(job.dataset.tWaits, { n: s.rate_limit_waits });
    const table = el("live-counts");
    table.replaceChildren(...Object.entries(s.counts).map(([k, v]) => {
      const tr = document.createElement("tr");
      for (const text of [k, v]) { const td = document.createElement("td"); td.textContent = text; tr.appendChild(td); }
      return tr;
    }));
    if (el("stopping")) el("stopping").hidden = !s.stopping;
    if (s.finished && !finished) {
      finished = true;
      window.location.reload();  // the results step is rendered by the server
    }
  }
  function poll() {
    fetch(job.dataset.status, { credentials: "same-origin" }).then((r) => r.json()).then((s) => {
      draw(s);
      if (!finished) setTimeout(poll, 1000);
    }).catch(() => setTimeout(poll, 2000));
  }
  if (el("state").dataset.finished === "1") return;
  if (window.EventSource) {
    const source = new EventSource(job.dataset.events);
    source.onmessage = (m) => draw(JSON.parse(m.data));
    source.onerror = () => { source.close(); if (!finished) poll(); };
  } else {
    poll();
  }
})();

(function fixedRow() {
  // After a fix the page comes back at #row-N (or #fix-error): keyboard focus goes there too.
  const target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null;
  if (!target) return;
  const fix = target.querySelector("details.fix[open] input, details.fix[open] select");
  (fix || target).focus();
})();

