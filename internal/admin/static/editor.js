// Broadsheet's editor, made better when scripts run (it works without them): a live
// preview of the Markdown body, an autosave of the whole form every few seconds, and
// images dropped or pasted onto the editor going into its upload field, and a heartbeat
// that names who else has the story open and says at once when someone saved it.
(function () {
  "use strict";
  var form = document.querySelector("form.editor");
  if (!form) return;
  var csrf = form.querySelector('input[name="csrf"]').value;
  var body = form.querySelector("#body");
  var status = document.getElementById("autosave-status");
  var every = parseInt(form.getAttribute("data-autosave-ms"), 10) || 15000;

  // Live preview.
  var preview = document.getElementById("live-preview");
  var timer = null;
  function refreshPreview() {
    var data = new FormData();
    data.append("csrf", csrf);
    data.append("body", body.value);
    fetch("/admin/preview", { method: "POST", body: data, credentials: "same-origin" })
      // A body too complex to render (422), or previews asked too often (429), come
      // back with a message to show instead.
      .then(function (r) { return r.ok || r.status === 422 || r.status === 429 ? r.text() : ""; })
      .then(function (html) { if (html) { preview.innerHTML = html; preview.hidden = false; } });
  }
  if (preview && body) {
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refreshPreview, 500);
    });
  }

  // The slug field suggests the address the headline will give.
  var title = form.querySelector("#title"), slug = form.querySelector("#slug");
  function slugify(t) {
    return t.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/['\u2019]/g, "")
      .replace(/[^a-z0-9\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 80);
  }
  if (title && slug) {
    var suggest = function () { slug.placeholder = slugify(title.value); };
    title.addEventListener("input", suggest);
    suggest();
  }

  // Autosave: only when something changed since the last one.
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  function autosave() {
    if (!dirty) return;
    dirty = false;
    var data = new FormData(form);
    data.delete("image_file");
    data.delete("action");
    fetch(form.getAttribute("data-autosave"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 401 || r.status === 303 || r.redirected) {
          if (status) status.textContent = "Your session has ended: sign in again in another tab, then save. Your text is still here.";
          dirty = true;
          return null;
        }
        return r.ok || r.status === 409 ? r.json() : null;
      })
      .then(function (j) {
        if (!j) return;
        if (j.conflict) { showConflict(j.conflict); return; }
        if (!status) return;
        // The time in the site's zone, as a <time> element like every time the admin shows.
        var t = document.createElement("time");
        t.dateTime = j.datetime;
        t.textContent = j.saved;
        status.replaceChildren("Draft autosaved at ", t, ".");
      })
      .catch(function () { dirty = true; });
  }
  setInterval(autosave, every);

  // Someone saved the story since this form was loaded: nothing typed here is in it.
  // The text stays in the form; the button sends it as a save, which the server answers
  // with the conflict (what changed, and the choice) instead of applying it.
  var conflictShown = "";
  function showConflict(message) {
    // On the conflict screen itself the choice is already shown.
    if (!status || conflictShown === message || form.querySelector('input[name="conflict_version"]')) return;
    conflictShown = message;
    status.textContent = message + " ";
    var review = document.createElement("button");
    review.type = "submit";
    review.name = "action";
    review.value = "save";
    review.textContent = "Review the conflict";
    review.formNoValidate = true;
    status.appendChild(review);
  }

  // Presence: a heartbeat while the tab is open says who else has the story open (the
  // server drops an editor two minutes after their last one), and when it was saved.
  var presenceURL = form.getAttribute("data-presence");
  var presence = document.getElementById("presence");
  var version = form.querySelector('input[name="version"]');
  function beat() {
    var data = new FormData();
    data.append("csrf", csrf);
    if (version) data.append("version", version.value);
    fetch(presenceURL, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        if (presence) {
          presence.textContent = "";
          (j.editors || []).forEach(function (e) {
            var p = document.createElement("p");
            p.textContent = e.text;
            presence.appendChild(p);
          });
        }
        if (j.conflict) showConflict(j.conflict);
      })
      .catch(function () {});
  }
  if (presenceURL) {
    setInterval(beat, parseInt(form.getAttribute("data-presence-ms"), 10) || 30000);
    window.addEventListener("pagehide", function () {
      var data = new FormData();
      data.append("csrf", csrf);
      data.append("leave", "1");
      if (navigator.sendBeacon) navigator.sendBeacon(presenceURL, data);
    });
  }

  // Images dropped or pasted go into the upload field.
  var file = form.querySelector("#image-file");
  function take(files) {
    if (!file || !files || !files.length || !/^image\//.test(files[0].type)) return false;
    var dt = new DataTransfer();
    dt.items.add(files[0]);
    file.files = dt.files;
    if (status) status.textContent = "Image " + files[0].name + " will be uploaded when you save. Describe it in the alt text field.";
    return true;
  }
  form.addEventListener("dragover", function (e) { e.preventDefault(); });
  form.addEventListener("drop", function (e) { if (take(e.dataTransfer.files)) e.preventDefault(); });
  form.addEventListener("paste", function (e) { if (e.clipboardData && take(e.clipboardData.files)) e.preventDefault(); });
})();

// The comment queue: the header's checkbox selects every comment of the page (without
// the script, "Apply to all on this page" does the same), and follows the rows' boxes.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  var form = document.querySelector("form.queue-form");
  if (!all || !form) return;
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="ids"]'));
  all.parentNode.hidden = false;
  function sync() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    all.checked = n > 0 && n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    all.indeterminate = false;
  });
  boxes.forEach(function (b) { b.addEventListener("change", sync); });
})();
