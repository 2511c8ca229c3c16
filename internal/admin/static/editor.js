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


  // ---- The body's toolbar, shortcuts, pasting, inline images, word count and the
  // warning before leaving (issue 8, §2). Every change to the body goes through
  // replaceRange, which uses the browser's own editing (execCommand "insertText") so
  // that Ctrl+Z undoes it, falling back to setRangeText where that is not available.
  if (!body) return;

  function replaceRange(start, end, text, selStart, selEnd) {
    body.focus();
    body.setSelectionRange(start, end);
    var done = false;
    try { done = document.queryCommandSupported("insertText") && document.execCommand("insertText", false, text); } catch (e) { done = false; }
    if (!done) {
      body.setRangeText(text, start, end, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    body.setSelectionRange(selStart, selEnd === undefined ? selStart : selEnd);
  }

  // wrap toggles an inline marker (** or *) around the selection, keeping the
  // selection's outer white space outside the marker (CommonMark needs "**word**", not
  // "** word **"); with nothing selected the marker pair is typed with the cursor inside.
  function countRun(str, ch, fromEnd) {
    var n = 0;
    if (fromEnd) { for (var i = str.length - 1; i >= 0 && str[i] === ch; i--) n++; }
    else { for (var j = 0; j < str.length && str[j] === ch; j++) n++; }
    return n;
  }
  function wrap(marker) {
    var v = body.value, s = body.selectionStart, e = body.selectionEnd;
    var sel = v.slice(s, e);
    var lead = sel.match(/^\s*/)[0].length, trail = sel.match(/\s*$/)[0].length;
    if (lead === sel.length) { lead = sel.length; trail = 0; }
    var is = s + lead, ie = e - trail;
    // Already wrapped: unwrap (bold is a run of 2 or 3 stars each side, italic of 1 or 3).
    var before = countRun(v.slice(Math.max(0, is - 3), is), "*", true), after = countRun(v.slice(ie, ie + 3), "*", false);
    var has = marker === "**" ? before >= 2 && after >= 2 : (before === 1 || before === 3) && (after === 1 || after === 3);
    if (has) {
      var m = marker.length;
      replaceRange(is - m, ie + m, v.slice(is, ie), is - m, ie - m);
      return;
    }
    var inner = v.slice(is, ie);
    replaceRange(is, ie, marker + inner + marker, is + marker.length, ie + marker.length);
  }

  // Line commands act on every line the selection touches.
  function lineRange() {
    var v = body.value, s = body.selectionStart, e = body.selectionEnd;
    if (e > s && v[e - 1] === "\n") e--;
    var ls = v.lastIndexOf("\n", s - 1) + 1, le = v.indexOf("\n", e);
    if (le < 0) le = v.length;
    return { start: ls, end: le, lines: v.slice(ls, le).split("\n") };
  }
  var prefixes = {
    heading: { re: /^#{1,6} /, make: function () { return "## "; } },
    quote: { re: /^> ?/, make: function () { return "> "; } },
    bullets: { re: /^[-*+] /, make: function () { return "- "; } },
    numbers: { re: /^\d{1,9}[.)] /, make: function (i) { return (i + 1) + ". "; } }
  };
  function prefix(kind) {
    var p = prefixes[kind], r = lineRange();
    var filled = r.lines.filter(function (l) { return l.trim() !== ""; });
    var all = filled.length > 0 && filled.every(function (l) { return p.re.test(l); });
    var n = 0;
    var out = r.lines.map(function (l) {
      if (all) return l.replace(p.re, "");
      if (l.trim() === "" && r.lines.length > 1) return l;
      // Another block marker gives way (a heading made a quote loses its ##).
      var bare = l.replace(/^(#{1,6} |> ?|[-*+] |\d{1,9}[.)] )/, "");
      return p.make(n++) + bare;
    }).join("\n");
    // A list or quote needs a blank line before it to start a block of its own.
    var lead = "";
    if (!all && r.start > 1 && body.value.slice(r.start - 2, r.start) !== "\n\n" && kind !== "heading" &&
        !p.re.test(body.value.slice(body.value.lastIndexOf("\n", r.start - 2) + 1, r.start - 1))) lead = "\n";
    var text = lead + out;
    var caret = r.start + text.length;
    if (r.lines.length === 1) replaceRange(r.start, r.end, text, caret);
    else replaceRange(r.start, r.end, text, r.start + lead.length, caret);
  }

  // Dialogs: showModal keeps focus inside; closing returns it to the body, at the
  // selection it had.
  function openDialog(d, onClose) {
    var s = body.selectionStart, e = body.selectionEnd;
    d.returnValue = "";
    d.onclose = function () {
      var ok = onClose(d.returnValue);
      if (ok !== false) { body.focus(); if (ok !== true) body.setSelectionRange(s, e); }
    };
    d.showModal();
  }
  function showError(el, msg, field) {
    el.textContent = msg;
    el.hidden = !msg;
    if (field) {
      if (msg) { field.setAttribute("aria-invalid", "true"); field.setAttribute("aria-errormessage", el.id); field.focus(); }
      else { field.removeAttribute("aria-invalid"); field.removeAttribute("aria-errormessage"); }
    }
  }

  // Links: only addresses a reader's browser follows safely.
  var linkDialog = document.getElementById("md-link-dialog");
  function safeURL(u) {
    u = u.trim();
    if (/^(https?:\/\/[^\s/]|mailto:[^\s])/i.test(u) || /^\/(?!\/)/.test(u) || /^#./.test(u)) return u;
    if (/^www\.[^\s]+\.[^\s]+$/i.test(u)) return "https://" + u;
    if (/^[^\s@:/]+@[^\s@]+\.[^\s@]+$/.test(u)) return "mailto:" + u;
    return "";
  }
  function markdownURL(u) { return u.replace(/[ ()<>]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); }); }
  function link() {
    if (!linkDialog) return;
    var s = body.selectionStart, e = body.selectionEnd, sel = body.value.slice(s, e);
    var urlField = document.getElementById("md-link-url"), textField = document.getElementById("md-link-text");
    var err = document.getElementById("md-link-error");
    urlField.value = safeURL(sel) ? sel.trim() : "";
    textField.value = safeURL(sel) ? "" : sel;
    showError(err, "", urlField);
    openDialog(linkDialog, function (how) {
      if (how !== "ok") return;
      var url = safeURL(urlField.value);
      var text = textField.value.replace(/\s+/g, " ").trim() || urlField.value.trim();
      text = text.replace(/([\[\]\\])/g, "\\$1");
      var md = "[" + text + "](" + markdownURL(url) + ")";
      replaceRange(s, e, md, s + md.length);
      return true;
    });
    urlField.focus();
  }
  if (linkDialog) {
    linkDialog.querySelector("form").addEventListener("submit", function (ev) {
      if (ev.submitter && ev.submitter.value !== "ok") return;
      var urlField = document.getElementById("md-link-url");
      if (!safeURL(urlField.value)) {
        ev.preventDefault();
        showError(document.getElementById("md-link-error"), urlField.value.trim() === "" ?
          "Please type the address the link goes to." :
          "That address cannot be linked: use one starting with https://, http:// or mailto:, or / for a page of this site.", urlField);
      }
    });
  }

  // The toolbar: one tab stop, arrow keys move between its buttons (WAI-ARIA APG).
  var toolbar = form.querySelector(".md-toolbar");
  var actions = {
    bold: function () { wrap("**"); }, italic: function () { wrap("*"); }, link: link,
    heading: function () { prefix("heading"); }, quote: function () { prefix("quote"); },
    bullets: function () { prefix("bullets"); }, numbers: function () { prefix("numbers"); },
    image: function () { openLibrary("body"); }
  };
  if (toolbar) {
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    buttons.forEach(function (b, i) { b.tabIndex = i === 0 ? 0 : -1; });
    toolbar.hidden = false;
    // The toolbar's buttons keep the body's selection: a mouse press does not take focus.
    toolbar.addEventListener("mousedown", function (ev) { if (ev.target.closest("button")) ev.preventDefault(); });
    toolbar.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-md]");
      if (b && actions[b.dataset.md]) actions[b.dataset.md]();
    });
    toolbar.addEventListener("keydown", function (ev) {
      var i = buttons.indexOf(document.activeElement), next = -1;
      if (i < 0) return;
      if (ev.key === "ArrowRight" || ev.key === "ArrowDown") next = (i + 1) % buttons.length;
      else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") next = (i - 1 + buttons.length) % buttons.length;
      else if (ev.key === "Home") next = 0;
      else if (ev.key === "End") next = buttons.length - 1;
      if (next < 0) return;
      ev.preventDefault();
      buttons[i].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
  }

  // Shortcuts: Ctrl/Cmd+B, I, K in the body; Ctrl/Cmd+S anywhere in the form saves it
  // (the "save" action, which comes back to this editor).
  var submitting = false;
  function save() {
    var button = form.querySelector('button[name="action"][value="save"]');
    if (!button) {
      button = document.createElement("button");
      button.type = "submit"; button.name = "action"; button.value = "save"; button.hidden = true;
      form.appendChild(button);
    }
    if (form.requestSubmit) form.requestSubmit(button); else button.click();
  }
  document.addEventListener("keydown", function (ev) {
    if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.shiftKey) return;
    var k = ev.key.toLowerCase();
    if (k === "s" && (form.contains(ev.target) || ev.target === document.body)) { ev.preventDefault(); save(); return; }
    if (ev.target !== body) return;
    if (k === "b") { ev.preventDefault(); wrap("**"); }
    else if (k === "i") { ev.preventDefault(); wrap("*"); }
    else if (k === "k") { ev.preventDefault(); link(); }
  });

  // ---- Pasting from a word processor: the clipboard's HTML becomes Markdown. The HTML
  // is parsed into a separate, inert document (DOMParser runs no script and loads
  // nothing) and only read; nothing of it enters this page.
  var BLOCK = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|DD|DIV|DL|DT|FIGCAPTION|FIGURE|FOOTER|H[1-6]|HEADER|HR|LI|MAIN|NAV|OL|P|PRE|SECTION|TABLE|TBODY|THEAD|TFOOT|TR|TD|TH|UL|CAPTION)$/;
  var SKIP = /^(SCRIPT|STYLE|TEMPLATE|HEAD|TITLE|META|LINK|NOSCRIPT|IFRAME|OBJECT|EMBED|SVG|MATH|IMG|PICTURE|VIDEO|AUDIO|CANVAS|BUTTON|INPUT|SELECT|TEXTAREA|DEL|O:P|V:SHAPE|V:IMAGEDATA|W:SDT)$/;
  function styleOf(el) { return (el.getAttribute("style") || "").toLowerCase().replace(/\s+/g, ""); }
  function skipped(el) {
    if (SKIP.test(el.tagName)) return true;
    var st = styleOf(el), cls = el.getAttribute("class") || "";
    // Word: the list bullets it draws itself, its comments and their marks, hidden text.
    if (/mso-list:ignore|mso-element:comment|mso-special-character:comment|display:none/.test(st)) return true;
    if (/\bMsoComment(Reference|Text)\b|\bmsocom/i.test(cls)) return true;
    if (el.tagName === "A" && /^_msocom/i.test(el.getAttribute("name") || el.id || "")) return true;
    return false;
  }
  // The inline state an element gives its contents: bold, italic, code, or a link.
  function inlineState(el, st) {
    var n = { bold: st.bold, italic: st.italic, code: st.code, href: st.href };
    var t = el.tagName, css = styleOf(el);
    if (t === "B" || t === "STRONG") n.bold = true;
    if (t === "I" || t === "EM" || t === "CITE" || t === "DFN") n.italic = true;
    if (t === "CODE" || t === "KBD" || t === "SAMP" || t === "TT") n.code = true;
    var fw = css.match(/(?:^|;)font-weight:([a-z0-9]+)/);
    if (fw) n.bold = fw[1] === "bold" || fw[1] === "bolder" || (+fw[1] >= 600);
    var fs = css.match(/(?:^|;)font-style:([a-z]+)/);
    if (fs) n.italic = fs[1] === "italic" || fs[1] === "oblique";
    if (t === "A") {
      var h = (el.getAttribute("href") || "").trim();
      n.href = /^(https?:\/\/|mailto:)/i.test(h) ? h : null;
    }
    return n;
  }
  // runs flattens inline content into text runs, each with its state.
  function runs(node, st, out) {
    node.childNodes.forEach(function (c) {
      if (c.nodeType === 3) {
        var t = c.data.replace(/[\s\u00a0]+/g, " ");
        if (t) out.push({ text: t, bold: st.bold, italic: st.italic, code: st.code, href: st.href });
      } else if (c.nodeType === 1 && !skipped(c)) {
        if (c.tagName === "BR") out.push({ br: true });
        else runs(c, inlineState(c, st), out);
      }
    });
    return out;
  }
  function escapeText(t) { return t.replace(/([\\`*_\[\]<])/g, "\\$1"); }
  // marked wraps text in a marker, the text's outer spaces kept outside it.
  function marked(text, m) {
    var lead = text.match(/^\s*/)[0], trail = text.match(/\s*$/)[0];
    if (lead.length === text.length) return text;
    return lead + m + text.slice(lead.length, text.length - trail.length) + m + trail;
  }
  // renderRuns writes runs as Markdown: links group their runs, then bold runs, then
  // italic runs, so that neighbouring runs of the same kind share one marker (Google
  // Docs splits a bold sentence into many spans).
  function group(list, key) {
    var out = [];
    list.forEach(function (r) {
      var k = r.br ? "\n" : r[key];
      var last = out[out.length - 1];
      if (last && last.key === k && !r.br && !last.br) last.items.push(r);
      else out.push({ key: k, br: !!r.br, items: [r] });
    });
    return out;
  }
  function renderPlain(list, noMarks) {
    return group(list, "italic").map(function (g) {
      if (g.br) return "\\\n";
      var t = g.items.map(function (r) { return r.code ? "`" + r.text.replace(/`/g, "") + "`" : escapeText(r.text); }).join("");
      return g.key && !noMarks ? marked(t, "*") : t;
    }).join("");
  }
  function renderBold(list, noMarks) {
    return group(list, "bold").map(function (g) {
      if (g.br) return "\\\n";
      var t = renderPlain(g.items, noMarks);
      return g.key && !noMarks ? marked(t, "**") : t;
    }).join("");
  }
  function renderRuns(list, noMarks) {
    var text = group(list, "href").map(function (g) {
      if (g.br) return "\\\n";
      var t = renderBold(g.items, noMarks);
      if (!g.key || !t.trim()) return t;
      var lead = t.match(/^\s*/)[0], trail = t.match(/\s*$/)[0];
      return lead + "[" + t.trim() + "](" + markdownURL(g.key) + ")" + trail;
    }).join("");
    // One space between words; no break at either end of a block.
    return text.replace(/ {2,}/g, " ").replace(/ *\\\n */g, "\\\n").replace(/^(\\\n|\s)+|(\\\n|\s)+$/g, "");
  }
  // A paragraph must not start with what Markdown would read as a block marker.
  function guardStart(t) {
    return t.replace(/^(#{1,6}(?=\s|$)|>|[-+](?=\s)|=+\s*$)/, "\\$1").replace(/^(\d{1,9})([.)])(?=\s)/, "$1\\$2");
  }
  function hasBlocks(el) { return !!el.querySelector("p,div,h1,h2,h3,h4,h5,h6,ul,ol,li,blockquote,pre,table,hr,section,article"); }
  function wordList(el) {
    var m = styleOf(el).match(/mso-list:\S*?level(\d)/) || (/\bMsoListParagraph/.test(el.getAttribute("class") || "") && [0, "1"]);
    if (!m) return null;
    var bullet = el.querySelector('[style*="mso-list:Ignore" i],[style*="mso-list: Ignore" i]');
    var b = bullet ? bullet.textContent.replace(/[\s\u00a0]+/g, "") : "";
    return { level: +m[1], ordered: /^[0-9a-zA-Z]{1,4}[.)]$/.test(b) };
  }
  // blocks converts a container's children into Markdown blocks.
  function blocks(node, st, out) {
    var pending = [];
    var wordItems = null; // Word's list paragraphs, gathered into one list
    function flush() {
      var t = renderRuns(pending);
      pending = [];
      if (t) out.push(guardStart(t));
    }
    function flushWord() {
      if (!wordItems) return;
      var counters = [];
      out.push(wordItems.map(function (it) {
        counters.length = it.level;
        counters[it.level - 1] = (counters[it.level - 1] || 0) + 1;
        var indent = new Array(it.level).join("   ");
        return indent + (it.ordered ? counters[it.level - 1] + ". " : "- ") + it.text;
      }).join("\n"));
      wordItems = null;
    }
    node.childNodes.forEach(function (c) {
      if (c.nodeType === 3) { if (c.data.trim() || pending.length) runs({ childNodes: [c] }, st, pending); return; }
      if (c.nodeType !== 1 || skipped(c)) return;
      var t = c.tagName;
      if (!BLOCK.test(t) && !hasBlocks(c)) { if (t === "BR") pending.push({ br: true }); else runs(c, inlineState(c, st), pending); return; }
      flush();
      var wl = t === "P" || t === "DIV" ? wordList(c) : null;
      if (wl) {
        wordItems = wordItems || [];
        wordItems.push({ level: Math.min(wl.level, 9), ordered: wl.ordered, text: renderRuns(runs(c, st, [])) });
        return;
      }
      flushWord();
      var cls = c.getAttribute("class") || "";
      if (/^H[1-6]$/.test(t) || /\bMso(Title|Heading)/.test(cls)) {
        // The headline is the page's h1: a pasted heading 1 becomes the body's first level, 2.
        var level = /^H[1-6]$/.test(t) ? Math.max(2, +t[1]) : 2;
        var h = renderRuns(runs(c, st, []), true).replace(/\\\n/g, " ");
        if (h) out.push(new Array(level + 1).join("#") + " " + h);
      } else if (t === "UL" || t === "OL") {
        var l = list(c, st, 0);
        if (l) out.push(l);
      } else if (t === "BLOCKQUOTE" || /\bMso(Intense)?Quote\b/.test(cls)) {
        var inner = [];
        if (t === "BLOCKQUOTE") blocks(c, st, inner); else { var q = renderRuns(runs(c, st, [])); if (q) inner.push(guardStart(q)); }
        if (inner.length) out.push(inner.join("\n\n").split("\n").map(function (x) { return x ? "> " + x : ">"; }).join("\n"));
      } else if (t === "PRE") {
        var code = c.textContent.replace(/\n$/, "");
        var fence = "```";
        while (code.indexOf(fence) >= 0) fence += "`";
        if (code.trim()) out.push(fence + "\n" + code + "\n" + fence);
      } else if (t === "HR") {
        out.push("---");
      } else {
        blocks(c, inlineState(c, st), out);
      }
    });
    flush();
    flushWord();
    return out;
  }
  // list writes a list, its items' nested lists indented under them (also Google Docs'
  // nesting, a list placed directly inside its parent list).
  function list(el, st, depth) {
    var ordered = el.tagName === "OL", n = 0, lines = [];
    var start = parseInt(el.getAttribute("start"), 10);
    if (ordered && start > 0) n = start - 1;
    var indent = "";
    el.childNodes.forEach(function (c) {
      if (c.nodeType !== 1 || skipped(c)) return;
      if (c.tagName === "UL" || c.tagName === "OL") {
        var nested = list(c, st, depth + 1);
        if (nested) lines.push(nested.split("\n").map(function (x) { return indent + x; }).join("\n"));
        return;
      }
      var marker = ordered ? (++n) + ". " : "- ";
      indent = new Array(marker.length + 1).join(" ");
      var text = [], sub = [];
      var inline = [];
      var item = inlineState(c, st);
      c.childNodes.forEach(function (x) {
        if (x.nodeType === 1 && (x.tagName === "UL" || x.tagName === "OL")) {
          var s = list(x, item, depth + 1);
          if (s) sub.push(s);
        } else if (x.nodeType === 1 && !skipped(x) && (BLOCK.test(x.tagName) || hasBlocks(x))) {
          var bs = blocks(x, inlineState(x, item), []);
          if (bs.length) text.push(bs.join(" "));
        } else if (x.nodeType === 3) {
          runs({ childNodes: [x] }, item, inline);
        } else if (x.nodeType === 1 && !skipped(x)) {
          if (x.tagName === "BR") inline.push({ br: true }); else runs(x, inlineState(x, item), inline);
        }
      });
      var own = renderRuns(inline);
      if (own) text.unshift(own);
      var line = marker + text.join(" ").replace(/\\\n/g, " ");
      lines.push(line + sub.map(function (x) { return "\n" + x.split("\n").map(function (y) { return indent + y; }).join("\n"); }).join(""));
    });
    return lines.join("\n");
  }
  // htmlToMarkdown is the clipboard's HTML as Markdown; "" when it holds no formatting
  // worth keeping (then the plain text is pasted as it is).
  function htmlToMarkdown(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var root = doc.body;
    if (!root) return "";
    if (!root.querySelector('b,strong,i,em,a[href],h1,h2,h3,h4,h5,h6,ul,ol,blockquote,pre,[style*="font-weight"],[style*="font-style"],[style*="mso-list"],[class*="MsoTitle"],[class*="MsoHeading"],[class*="MsoQuote"]')) return "";
    return blocks(root, { bold: false, italic: false, code: false, href: null }, []).join("\n\n");
  }
  window.broadsheetMarkdown = htmlToMarkdown; // for the browser tests, and the console

  function insertBlockText(md) {
    var s = body.selectionStart, e = body.selectionEnd;
    replaceRange(s, e, md, s + md.length);
  }

  // ---- Inline images: dropped, pasted or picked, described, then written where the
  // cursor is. An image dropped on the featured-image box stays the featured image.
  var imageDialog = document.getElementById("md-image-dialog");
  var libraryDialog = document.getElementById("md-library-dialog");
  var bodyStatus = document.getElementById("body-status");
  function say(msg) { if (bodyStatus) bodyStatus.textContent = msg; }
  function imageMarkdown(alt, url) {
    return "![" + alt.replace(/\s+/g, " ").trim().replace(/([\[\]\\])/g, "\\$1") + "](" + markdownURL(url) + ")";
  }
  // The image is a paragraph of its own: a blank line before and after it, however
  // many line breaks already stand at the cursor (on the empty line between two
  // paragraphs, one on each side; without the second after, Markdown would join the
  // image to the next paragraph's text).
  function insertImage(at, md) {
    var v = body.value;
    var pre = at > 0 && v[at - 1] !== "\n" ? "\n\n" : (at > 1 && v[at - 2] !== "\n" ? "\n" : "");
    var post = at < v.length && v[at] !== "\n" ? "\n\n" : (at + 1 < v.length && v[at + 1] !== "\n" ? "\n" : "");
    var text = pre + md + post;
    replaceRange(at, at, text, at + pre.length + md.length);
  }
  // describe asks for the alt text (required, or an explicit "decorative"), then calls
  // done(alt, decorative).
  function describe(previewSrc, suggested, done) {
    if (!imageDialog) return;
    var alt = document.getElementById("md-image-alt"), deco = document.getElementById("md-image-decorative");
    var prev = document.getElementById("md-image-preview");
    alt.value = suggested || "";
    alt.disabled = false;
    deco.checked = false;
    showError(document.getElementById("md-image-error"), "", alt);
    prev.replaceChildren();
    if (previewSrc) {
      var img = document.createElement("img");
      img.src = previewSrc;
      img.alt = "";
      prev.appendChild(img);
    }
    openDialog(imageDialog, function (how) {
      if (how !== "ok") { say("No image was added."); return; }
      done(deco.checked ? "" : alt.value.replace(/\s+/g, " ").trim(), deco.checked);
      return true;
    });
    alt.focus();
  }
  if (imageDialog) {
    var decoBox = document.getElementById("md-image-decorative");
    decoBox.addEventListener("change", function () {
      var alt = document.getElementById("md-image-alt");
      alt.disabled = decoBox.checked;
      if (decoBox.checked) showError(document.getElementById("md-image-error"), "", alt);
    });
    imageDialog.querySelector("form").addEventListener("submit", function (ev) {
      if (ev.submitter && ev.submitter.value !== "ok") return;
      var alt = document.getElementById("md-image-alt");
      if (!decoBox.checked && alt.value.trim() === "") {
        ev.preventDefault();
        showError(document.getElementById("md-image-error"),
          "Please describe the image, or tick “Decorative” if it adds nothing a reader needs.", alt);
      }
    });
  }
  var uploadURL = "/admin/media/inline";
  function upload(file, at) {
    if (!/^image\/(jpeg|png|gif|webp)$/.test(file.type)) { say("Only JPEG, PNG, GIF and WebP images can be added; " + (file.name || "this file") + " was not."); return; }
    var reader = new FileReader();
    reader.onload = function () {
      describe(file.size < 8 << 20 ? reader.result : "", "", function (alt, decorative) {
        var data = new FormData();
        data.append("csrf", csrf);
        data.append("file", file, file.name || "pasted.png");
        data.append("alt", alt);
        if (decorative) data.append("decorative", "1");
        say("Uploading " + (file.name || "the image") + "…");
        fetch(uploadURL, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (r) {
            return r.json().catch(function () { return { error: r.status === 413 ? "That image is too large." : "The image could not be uploaded (" + r.status + ")." }; });
          })
          .then(function (j) {
            if (j.error || !j.url) { say(j.error || "The image could not be uploaded."); return; }
            insertImage(Math.min(at, body.value.length), imageMarkdown(alt, j.url));
            say("Image added to the body" + (decorative ? " as decorative." : "."));
          })
          .catch(function () { say("The image could not be uploaded: the connection failed. Nothing was added; try again."); });
      });
    };
    reader.readAsDataURL(file);
  }
  function imagesOf(list) {
    return Array.prototype.filter.call(list || [], function (f) { return /^image\//.test(f.type); });
  }

  // The library picker: pages of the library as JSON, each image a button.
  var libList = document.getElementById("md-library-list"), libMore = document.getElementById("md-library-more");
  var libStatus = document.getElementById("md-library-status"), libNext = 0, libAt = 0;
  function loadLibrary(before) {
    libStatus.textContent = "Loading the library…";
    // The body takes every item (all=1); the featured image, images only.
    var q = [];
    if (libMode === "body") q.push("all=1");
    if (before) q.push("before=" + before);
    fetch("/admin/media/library.json" + (q.length ? "?" + q.join("&") : ""), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) { libStatus.textContent = "The library could not be loaded."; return; }
        j.items.forEach(function (it) {
          var li = document.createElement("li"), b = document.createElement("button"), img = document.createElement("img");
          b.type = "button";
          if (it.kind !== "image") {
            // A file, sound or video (or a reference to one): named, with what it becomes.
            var kind = document.createElement("span"), name = document.createElement("span");
            kind.className = "md-library-kind";
            kind.textContent = (it.kind === "audio" ? "Sound" : it.kind === "video" ? "Video" : /pdf/.test(it.type || "") ? "PDF" : "File") + (it.reference ? ", kept elsewhere" : "");
            name.textContent = it.label;
            b.append(kind, name);
            b.addEventListener("click", function () {
              libraryDialog.close("picked");
              insertImage(Math.min(libAt, body.value.length), it.insert);
              say(it.kind === "audio" ? "Sound player added to the body." : it.kind === "video" ? "Video player added to the body." : "Link to " + it.label + " added to the body.");
            });
            li.appendChild(b);
            libList.appendChild(li);
            return;
          }
          img.src = it.thumb; img.alt = ""; img.loading = "lazy"; img.width = 96; img.height = Math.max(1, Math.round(96 * it.height / it.width));
          var label = document.createElement("span");
          label.textContent = it.alt || "No description (decorative)";
          b.append(img, label);
          b.addEventListener("click", function () {
            libraryDialog.close("picked");
            if (libMode === "featured") { pickFeatured(it); return; }
            describe(it.thumb, it.alt, function (alt) { insertImage(Math.min(libAt, body.value.length), imageMarkdown(alt, it.url)); say("Image added to the body."); });
          });
          li.appendChild(b);
          libList.appendChild(li);
        });
        libNext = j.next;
        libMore.hidden = !j.next;
        var count = libList.children.length;
        var noun = libMode === "body" ? [" item", " items"] : [" image", " images"];
        libStatus.textContent = count ? count + (count === 1 ? noun[0] : noun[1]) + " shown" + (j.next ? "; more below." : ".") : (libMode === "body" ? "The library is empty." : "The library has no images yet.");
      })
      .catch(function () { libStatus.textContent = "The library could not be loaded."; });
  }
  // The library dialog serves the body's images ("body") and the featured image
  // ("featured"): the same thumbnails and "More images" paging, a different heading.
  var libMode = "body", libTitle = document.getElementById("md-library-title"), libNote = document.getElementById("md-library-note");
  function openLibrary(mode) {
    if (!libraryDialog) return;
    libMode = mode === "featured" ? "featured" : "body";
    if (libTitle) libTitle.textContent = libMode === "featured" ? "Choose the featured image" : "Add an image or a file to the body";
    libMore.textContent = libMode === "featured" ? "More images" : "More from the library";
    if (libNote) libNote.textContent = libMode === "featured" ?
      "Only images can be the featured image: the library’s files (PDF), sound, video and references to files kept elsewhere are not listed here. Add them to the body with “Image or file”." :
      "An image is added as a picture; sound and video as a player; a PDF or another file, and a reference to a file kept elsewhere, as a link.";
    libAt = body.selectionEnd;
    libList.replaceChildren();
    document.getElementById("md-image-upload").value = "";
    openDialog(libraryDialog, function (how) {
      if (libMode === "featured") { if (featuredButton) featuredButton.focus(); return false; }
      return how === "picked" || how === "upload" ? false : undefined;
    });
    loadLibrary(0);
  }
  if (libraryDialog) {
    libMore.addEventListener("click", function () { loadLibrary(libNext); });
    document.getElementById("md-library-close").addEventListener("click", function () { libraryDialog.close("cancel"); });
    document.getElementById("md-image-upload").addEventListener("change", function (ev) {
      var f = imagesOf(ev.target.files)[0];
      if (!f) return;
      libraryDialog.close("upload");
      if (libMode === "featured") { takeFeatured([f]); return; }
      upload(f, libAt);
    });
  }

  // The featured image from the library dialog: the item becomes the select's choice
  // (an option added when it is older than those listed), its description fills an
  // empty alt text field, and its thumbnail shows what was chosen.
  var featuredButton = document.getElementById("featured-library");
  var featuredChosen = document.getElementById("featured-chosen");
  function pickFeatured(it) {
    var sel = form.querySelector("#image-media");
    if (!sel) return;
    var opt = sel.querySelector('option[value="' + it.id + '"]');
    if (!opt) {
      opt = document.createElement("option");
      opt.value = String(it.id);
      opt.textContent = (it.alt || it.url.replace(/^.*\//, "")) + " (" + it.width + " × " + it.height + ")";
      sel.appendChild(opt);
    }
    sel.value = String(it.id);
    var find = form.querySelector("#image-find");
    if (find) find.value = "";
    var up = form.querySelector("#image-file");
    if (up) up.value = "";
    var alt = form.querySelector("#image-alt");
    if (alt && !alt.value.trim() && it.alt) alt.value = it.alt;
    if (featuredChosen) {
      var img = document.createElement("img");
      img.src = it.thumb; img.alt = ""; img.width = 96; img.height = Math.max(1, Math.round(96 * it.height / it.width));
      var words = document.createElement("span");
      words.textContent = "Chosen: " + (it.alt || "an image with no description") + ". It becomes the featured image when you save.";
      featuredChosen.replaceChildren(img, words);
    }
    // A choice made by the script is a change like a typed one: the autosave keeps it,
    // and leaving asks first.
    sel.dispatchEvent(new Event("input", { bubbles: true }));
    sel.dispatchEvent(new Event("change", { bubbles: true }));
    if (featuredButton) featuredButton.focus();
  }
  if (featuredButton && libraryDialog) {
    featuredButton.parentNode.hidden = false;
    featuredButton.addEventListener("click", function () { openLibrary("featured"); });
  }

  // Drops and pastes. Images go into the body unless dropped on the featured-image box;
  // a file dropped elsewhere never opens in place of the editor (losing the text).
  var file = form.querySelector("#image-file");
  var featuredBox = form.querySelector(".image-choice");
  function takeFeatured(files) {
    var imgs = imagesOf(files);
    if (!file || !imgs.length) return false;
    var dt = new DataTransfer();
    dt.items.add(imgs[0]);
    file.files = dt.files;
    file.dispatchEvent(new Event("change", { bubbles: true })); // leaving now asks first
    if (status) status.textContent = "Image " + imgs[0].name + " will be the featured image when you save. Describe it in the alt text field.";
    return true;
  }
  document.addEventListener("dragover", function (e) { if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) e.preventDefault(); });
  document.addEventListener("drop", function (e) {
    var files = e.dataTransfer && e.dataTransfer.files;
    if (!files || !files.length) return;
    e.preventDefault();
    if (featuredBox && featuredBox.contains(e.target)) { takeFeatured(files); return; }
    var imgs = imagesOf(files);
    if (!imgs.length) { say("Only images can be dropped here."); return; }
    upload(imgs[0], body.selectionEnd);
  });
  body.addEventListener("paste", function (e) {
    var cd = e.clipboardData;
    if (!cd) return;
    var html = cd.getData("text/html");
    if (html) {
      var md = "";
      try { md = htmlToMarkdown(html); } catch (err) { md = ""; }
      if (md) { e.preventDefault(); insertBlockText(md); return; }
    }
    var imgs = imagesOf(cd.files);
    if (imgs.length && !cd.getData("text/plain")) { e.preventDefault(); upload(imgs[0], body.selectionEnd); }
  });

  // ---- Word count and reading time (230 words a minute, rounded up), announced
  // politely a moment after typing stops.
  var counter = document.getElementById("body-count"), countTimer = null;
  function countWords(text) {
    var t = text.replace(/!\[([^\]]*)\]\([^)]*\)/g, " ").replace(/\]\([^)]*\)/g, " ").replace(/<[^>]*>/g, " ").replace(/https?:\/\/\S+/g, " ");
    var m = t.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’.\-]*/gu);
    return m ? m.length : 0;
  }
  function showCount() {
    var n = countWords(body.value), min = Math.ceil(n / 230);
    counter.textContent = n.toLocaleString("en") + (n === 1 ? " word" : " words") + " · " + (n ? min + " min read" : "nothing to read yet");
    counter.hidden = false;
  }
  if (counter) {
    showCount();
    body.addEventListener("input", function () { clearTimeout(countTimer); countTimer = setTimeout(showCount, 400); });
  }

  // ---- Buttons that say what they do: with a publication time to come, Publish
  // schedules ("Schedule"), as does Update on a live story; a scheduled story's save with
  // a time now or past publishes it ("Publish"). The server gives both labels
  // (data-label-now, data-label-later) and its clock (data-now); the time typed is a
  // wall time in the site's zone (published_zone), compared with now's wall time there.
  var published = form.querySelector("#published"), zoneField = form.querySelector('input[name="published_zone"]');
  var timedButtons = Array.prototype.slice.call(form.querySelectorAll("button[data-label-later]"));
  var serverNow = parseInt(form.getAttribute("data-now"), 10), loadedAt = Date.now();
  function wallNow() {
    var now = new Date((serverNow || loadedAt) + (Date.now() - loadedAt));
    var parts = {};
    new Intl.DateTimeFormat("en-GB", { timeZone: zoneField.value, hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(now)
      .forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute + ":" + parts.second;
  }
  function relabel() {
    var typed = published.value, later = false;
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(typed)) typed += ":00";
    try { later = typed !== "" && typed > wallNow(); } catch (e) { return; } // a zone the browser does not know: the server's labels stay
    timedButtons.forEach(function (b) {
      var label = b.getAttribute(later ? "data-label-later" : "data-label-now");
      if (b.firstChild && b.firstChild.nodeType === 3) b.firstChild.data = label; else b.prepend(label);
    });
  }
  if (published && zoneField && timedButtons.length) {
    published.addEventListener("input", relabel);
    published.addEventListener("change", relabel);
  }

  // ---- Leaving with unsaved changes: the browser asks first, while the form differs
  // from what was loaded and is not being sent, or from the start when what was loaded
  // is not saved (data-not-saved: a refused save, the conflict, a restored autosave).
  var changed = form.hasAttribute("data-not-saved");
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("change", function () { changed = true; });
  // Preview sends the form to a new tab: this page stays, its changes still unsaved.
  form.addEventListener("submit", function (ev) {
    var b = ev.submitter;
    if (b && b.getAttribute("formtarget") && b.getAttribute("formtarget") !== "_self") return;
    submitting = true;
  });
  window.addEventListener("pageshow", function () { submitting = false; });
  window.addEventListener("beforeunload", function (e) {
    if (!changed || submitting) return;
    e.preventDefault();
    e.returnValue = "You have unsaved changes.";
    return e.returnValue;
  });
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
