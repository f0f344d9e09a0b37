// Phone pages: steppers, chips, and an outbox that keeps sessions logged offline on the
// phone and sends them (exactly once, thanks to client_id) when the connection is back.
(function () {
  "use strict";
  var OUTBOX = "itbrehab-outbox";

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function readOutbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }
  function writeOutbox(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); showOutbox(); }

  function showOutbox() {
    var box = document.getElementById("outbox");
    if (!box) return;
    var items = readOutbox();
    var waiting = items.filter(function (i) { return !i.error; }).length;
    var failed = items.filter(function (i) { return i.error; });
    box.textContent = "";
    if (waiting) {
      var p = document.createElement("p");
      p.textContent = waiting + (waiting === 1 ? " session is" : " sessions are") + " saved on this phone, waiting to send.";
      box.appendChild(p);
    }
    // A session the server refused is never dropped silently: fix it or discard it.
    failed.forEach(function (item) {
      var row = document.createElement("p");
      row.className = "outbox-failed";
      row.textContent = "Not saved (" + item.fields.date + "): " + item.error + " ";
      var fix = document.createElement("a");
      fix.href = item.url;
      fix.className = "outbox-fix";
      fix.textContent = "Fix it";
      fix.addEventListener("click", function () {
        sessionStorage.setItem(FIX, JSON.stringify(item.fields));
        removeFromOutbox(item);
      });
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "outbox-discard";
      discard.textContent = "Discard";
      discard.addEventListener("click", function () {
        if (window.confirm("Discard this session? It has not been saved.")) removeFromOutbox(item);
      });
      row.appendChild(fix);
      row.appendChild(document.createTextNode(" · "));
      row.appendChild(discard);
      box.appendChild(row);
    });
    box.hidden = !waiting && !failed.length;
  }

  var FIX = "itbrehab-fix";
  function removeFromOutbox(item) {
    writeOutbox(readOutbox().filter(function (i) { return i.fields.client_id !== item.fields.client_id; }));
  }

  // Put a refused session back into the form, as the athlete entered it.
  function restore(form) {
    var saved = sessionStorage.getItem(FIX);
    if (!saved) return;
    sessionStorage.removeItem(FIX);
    var fields = JSON.parse(saved);
    Object.keys(fields).forEach(function (name) {
      if (name === "client_id" || name === "csrfmiddlewaretoken") return;
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "radio") input.checked = input.value === fields[name];
        else if (input.type === "checkbox") input.checked = true;
        else input.value = fields[name];
      });
    });
    var note = document.createElement("p");
    note.className = "form-errors";
    note.setAttribute("role", "alert");
    note.textContent = "This session was not saved. Check it and save again.";
    form.insertBefore(note, form.firstChild);
  }

  // A weak signal can leave a request hanging for minutes: give up after SEND_TIMEOUT_MS
  // and keep the session in the outbox (client_id makes a late duplicate harmless).
  var SEND_TIMEOUT_MS = 15000;
  function send(item) {
    var body = new URLSearchParams(item.fields);
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS) : null;
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": item.csrf },
      body: body,
      signal: controller ? controller.signal : undefined,
    }).finally(function () { clearTimeout(timer); });
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return;
    var items = readOutbox().filter(function (i) { return !i.error; });
    if (!items.length) return;
    flushing = true;
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        return send(item).then(function (response) {
          var rest = readOutbox().filter(function (i) { return i.fields.client_id !== item.fields.client_id; });
          if (response.ok) { writeOutbox(rest); return; }
          if (response.status === 400) {
            return response.json().then(function (data) {
              var messages = [];
              Object.keys(data.errors || {}).forEach(function (k) {
                data.errors[k].forEach(function (e) { messages.push(e.message); });
              });
              item.error = messages.join(" ") || "rejected";
              rest.push(item);
              writeOutbox(rest);
            });
          }
        }).catch(function () { /* still offline: keep it */ });
      });
    });
    chain.then(function () { flushing = false; showOutbox(); });
  }

  // Today's date in the clinic's time zone ("YYYY-MM-DD"), as the server judges "today".
  function clinicToday(zone) {
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
        .formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
      return parts.year + "-" + parts.month + "-" + parts.day;
    } catch (e) { return null; }
  }

  function setUpLogForm(form) {
    var idField = form.querySelector("input[name=client_id]");
    if (idField) idField.value = uuid4();  // a cached page must never reuse one
    restore(form);

    // Offline, the service worker shows the log page as it was cached, maybe days ago:
    // a date still at that day's "today" becomes today, or the session lands on the wrong day.
    var dateField = form.querySelector("input[name=date]");
    if (dateField && dateField.dataset.timeZone && dateField.value === dateField.max) {
      var today = clinicToday(dateField.dataset.timeZone);
      if (today && today > dateField.max) { dateField.max = today; dateField.value = today; }
    }

    form.querySelectorAll(".stepper").forEach(function (stepper) {
      var input = stepper.querySelector("input");
      var step = parseInt(stepper.dataset.step || "1", 10);
      function bump(delta) {
        var value = parseInt(input.value || "0", 10) + delta;
        input.value = Math.max(parseInt(input.min || "1", 10), Math.min(parseInt(input.max || "300", 10), value));
      }
      stepper.querySelector(".step-down").addEventListener("click", function () { bump(-step); });
      stepper.querySelector(".step-up").addEventListener("click", function () { bump(step); });
    });

    function toggleRunning() {
      var checked = form.querySelector("input[name=activity]:checked");
      var running = !checked || ["walk", "walk_run", "run"].indexOf(checked.value) >= 0;
      form.querySelectorAll(".running-only").forEach(function (el) { el.hidden = !running; });
    }
    // Intervals belong to walk–runs only: switching away clears them rather than leaving
    // numbers the server will refuse.
    function clearIntervals(event) {
      if (event.target.value === "walk_run") return;
      ["run_interval_sec", "walk_interval_sec", "repeats"].forEach(function (name) {
        var input = form.querySelector("[name=" + name + "]");
        if (input) input.value = "";
      });
    }
    form.querySelectorAll("input[name=activity]").forEach(function (el) {
      el.addEventListener("change", toggleRunning);
      el.addEventListener("change", clearIntervals);
    });
    toggleRunning();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = {};
      new FormData(form).forEach(function (value, key) { fields[key] = value; });
      var item = { url: form.action, csrf: fields.csrfmiddlewaretoken, fields: fields };
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      send(item).then(function (response) {
        if (response.ok) { window.location.href = form.dataset.done || "../?saved=1"; return; }
        form.submit();  // let the server show its messages beside the fields
      }).catch(function () {
        var items = readOutbox();
        items.push(item);
        writeOutbox(items);
        window.location.href = form.dataset.offline || "../?saved=offline";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("log-form");
    if (form) setUpLogForm(form);
    showOutbox();
    flush();
    window.addEventListener("online", flush);
    var sw = document.body.dataset.sw;
    if (sw && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(sw, { scope: sw.replace(/sw\.js$/, "") }).catch(function () {});
    }
  });
})();
