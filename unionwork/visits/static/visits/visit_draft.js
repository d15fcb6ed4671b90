// The visit form keeps its draft in the browser (localStorage) and submits it when the network
// is back. A draft carries its number (client_key): sent twice, the server records it once.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  var saved = document.querySelector("[data-visit-saved]");
  function clearSaved(key) {
    for (var i = localStorage.length - 1; i >= 0; i--) {
      var k = localStorage.key(i);
      if (k && k.indexOf("uw-visit-draft-") === 0) {
        try {
          var d = JSON.parse(localStorage.getItem(k));
          if (d && d.fields && d.fields.client_key === key) localStorage.removeItem(k);
        } catch (e) { localStorage.removeItem(k); }
      }
    }
  }
  if (saved) clearSaved(saved.getAttribute("data-visit-saved"));
  if (!form) return;
  var key = form.getAttribute("data-draft-key");
  var offlineNote = document.getElementById("visit-offline-note");
  var draftNote = document.getElementById("visit-draft-note");
  var ck = form.querySelector("[name=client_key]");
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }
  function collect() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio") { if (el.checked) fields[el.name] = el.value; return; }
      if (el.type === "checkbox") {
        fields[el.name] = fields[el.name] || [];
        if (el.checked) fields[el.name].push(el.value);
        return;
      }
      if (el.tagName === "SELECT" && el.multiple) {
        fields[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
        return;
      }
      if (el.tagName === "SELECT") {
        var opt = el.options[el.selectedIndex];
        fields[el.name] = el.value;
        fields["__label_" + el.name] = opt ? opt.text : "";
        return;
      }
      fields[el.name] = el.value;
    });
    return fields;
  }
  function save(pending) {
    var old = load();
    localStorage.setItem(key, JSON.stringify({ fields: collect(), pending: pending || (old && old.pending) || false, at: Date.now() }));
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function restore(d) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !(el.name in d.fields) || el.type === "file" || el.name === "csrfmiddlewaretoken") return;
      var v = d.fields[el.name];
      if (el.type === "radio") { el.checked = el.value === v; return; }
      if (el.type === "checkbox") { el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0; return; }
      if (el.tagName === "SELECT") {
        if (el.tomselect) {
          if (v) { el.tomselect.addOption({ value: v, text: d.fields["__label_" + el.name] || v }); el.tomselect.setValue(v, true); }
          return;
        }
        if (v && !Array.prototype.some.call(el.options, function (o) { return o.value === v; })) {
          var o = document.createElement("option"); o.value = v; o.text = d.fields["__label_" + el.name] || v; el.appendChild(o);
        }
        el.value = v;
        return;
      }
      el.value = v;
    });
  }
  function showKind() {
    var checked = form.querySelector("[name=kind]:checked");
    var kind = checked ? checked.value : "enterprise";
    Array.prototype.forEach.call(form.querySelectorAll("[data-kind-section]"), function (s) {
      s.classList.toggle("d-none", s.getAttribute("data-kind-section") !== kind);
    });
  }
  function submitNow() {
    save(false);
    form.submit();
  }
  var draft = load();
  var fresh = !form.querySelector("[data-testid=form-errors]") && !form.querySelector(".text-danger.small");
  if (draft && draft.fields && fresh) {
    restore(draft);
    draftNote.classList.remove("d-none");
  }
  if (!ck.value) ck.value = newKey();
  showKind();
  save(false);
  form.addEventListener("input", function () { save(false); });
  form.addEventListener("change", function () { showKind(); save(false); });
  form.addEventListener("submit", function (ev) {
    if (!navigator.onLine) {
      ev.preventDefault();
      save(true);
      offlineNote.classList.remove("d-none");
    } else {
      save(false);
    }
  });
  window.addEventListener("online", function () {
    var d = load();
    if (d && d.pending) submitNow();
  });
  window.addEventListener("offline", function () { offlineNote.classList.remove("d-none"); });
  if (draft && draft.pending && navigator.onLine) submitNow();
  var locate = document.getElementById("visit-locate");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) {
        form.querySelector("[name=latitude]").value = p.coords.latitude.toFixed(6);
        form.querySelector("[name=longitude]").value = p.coords.longitude.toFixed(6);
        document.getElementById("visit-location").textContent = p.coords.latitude.toFixed(4) + ", " + p.coords.longitude.toFixed(4);
        save(false);
      });
    });
  }
})();
