/* Newszone back office, the editor's desk tools (on #editor-form only; the page works without):
 * - A copy in the browser: the form's text fields are kept in localStorage a moment after each
 *   change, per article (and per new article); when the page is opened again with a copy that
 *   differs from what the server sent, a notice offers to restore it or discard it. A copy that
 *   equals the form (the save went through) is dropped.
 * - Unsaved changes: leaving the page with changes not yet sent asks first.
 * - Ctrl+S / Cmd+S saves (the form's Save button).
 * - A Markdown toolbar over the body (bold, italic, link, heading, quote, list) and the body's
 *   word count and reading time.
 * Loaded with `defer` from /static beside admin.js; no inline script (the CSP forbids it).
 */
(function () {
	"use strict";

	var form = document.getElementById("editor-form");
	if (!form)
		return;
	var body = form.querySelector("textarea[name=body]");
	var KEY = "nz-editor:" + location.pathname;
	var WORDS_PER_MINUTE = 230;

	/* ---- the form's text as a plain object ------------------------------------------------ */

	function fields() {
		var out = {};
		Array.prototype.forEach.call(form.elements, function (el) {
			if (!el.name || el.name === "csrf" || el.name === "base_revision" || el.disabled)
				return;
			if (el.type === "file" || el.type === "submit" || el.type === "button" ||
			    el.type === "hidden")
				return;
			if ((el.type === "checkbox" || el.type === "radio") && !el.checked)
				return;
			var k = el.name;
			out[k] = out[k] === undefined ? el.value : [].concat(out[k], el.value);
		});
		return out;
	}

	function same(a, b) {
		return JSON.stringify(a) === JSON.stringify(b);
	}

	/* Puts the saved values back into fields of the same name, in order; slots the page has
	 * fewer of than the copy (bullets, authors) keep what they have. */
	function restore(values) {
		var seen = {};
		Array.prototype.forEach.call(form.elements, function (el) {
			if (!(el.name in values) || el.type === "file" || el.type === "hidden" ||
			    el.type === "submit")
				return;
			var v = [].concat(values[el.name]);
			var i = seen[el.name] || 0;
			seen[el.name] = i + 1;
			if (el.type === "checkbox" || el.type === "radio")
				el.checked = v.indexOf(el.value) >= 0;
			else if (i < v.length)
				el.value = v[i];
			el.dispatchEvent(new Event("input", { bubbles: true }));
		});
	}

	/* ---- the copy in the browser ---------------------------------------------------------- */

	var original = fields();
	var dirty = false;
	var timer = null;

	function store() {
		timer = null;
		try {
			localStorage.setItem(KEY, JSON.stringify({ at: Date.now(), fields: fields() }));
		} catch (e) {
			/* storage full or refused: the unsaved-changes warning still guards */
		}
	}

	function stored() {
		try {
			var s = JSON.parse(localStorage.getItem(KEY) || "null");
			return s && s.fields ? s : null;
		} catch (e) {
			return null;
		}
	}

	function offerRestore(copy) {
		var box = document.createElement("div");
		box.className = "autosave-notice";
		box.setAttribute("role", "region");
		box.setAttribute("aria-label", "Unsaved copy");
		var p = document.createElement("p");
		p.textContent = "This browser kept a copy of your unsaved changes from " +
			new Date(copy.at).toLocaleString() + ".";
		var yes = document.createElement("button");
		yes.type = "button";
		yes.className = "primary";
		yes.textContent = "Restore my changes";
		var no = document.createElement("button");
		no.type = "button";
		no.textContent = "Discard the copy";
		yes.addEventListener("click", function () {
			restore(copy.fields);
			dirty = true;
			box.remove();
			form.querySelector("[name=headline]").focus();
		});
		no.addEventListener("click", function () {
			localStorage.removeItem(KEY);
			box.remove();
		});
		box.append(p, yes, document.createTextNode(" "), no);
		form.parentNode.insertBefore(box, form);
	}

	var copy = stored();
	if (copy && same(copy.fields, original))
		localStorage.removeItem(KEY); /* what the server has now: the save went through */
	else if (copy)
		offerRestore(copy);

	form.addEventListener("input", function (ev) {
		if (ev.target && ev.target.type === "file")
			return;
		dirty = !same(fields(), original);
		if (!timer)
			timer = setTimeout(store, 1500);
	});

	/* ---- unsaved changes ------------------------------------------------------------------ */

	var leaving = false;
	form.addEventListener("submit", function (ev) {
		if (!ev.defaultPrevented && !(ev.submitter && ev.submitter.formTarget === "_blank")) {
			leaving = true;
			if (timer) {
				clearTimeout(timer);
				store();
			}
		}
	});
	window.addEventListener("beforeunload", function (ev) {
		if (!dirty || leaving)
			return;
		ev.preventDefault();
		ev.returnValue = "";
	});

	/* ---- Ctrl+S / Cmd+S ------------------------------------------------------------------- */

	document.addEventListener("keydown", function (ev) {
		if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && (ev.key === "s" || ev.key === "S")) {
			ev.preventDefault();
			var save = form.querySelector("button[name=then][value=save]");
			if (save)
				form.requestSubmit(save);
		}
	});

	/* ---- the Markdown toolbar ------------------------------------------------------------- */

	if (!body)
		return;

	function wrap(before, after, placeholder) {
		var s = body.selectionStart, e = body.selectionEnd, v = body.value;
		var text = v.slice(s, e) || placeholder;
		body.setRangeText(before + text + after, s, e, "end");
		body.setSelectionRange(s + before.length, s + before.length + text.length);
	}

	/* Starts each line of the selection (or the caret's line) with prefix. */
	function prefixLines(prefix) {
		var v = body.value;
		var s = v.lastIndexOf("\n", body.selectionStart - 1) + 1;
		var e = body.selectionEnd;
		var block = v.slice(s, e).split("\n").map(function (line) {
			return line.indexOf(prefix) === 0 ? line : prefix + line;
		}).join("\n");
		body.setRangeText(block, s, e, "select");
	}

	var tools = [
		["Bold", "B", function () { wrap("**", "**", "bold text"); }],
		["Italic", "I", function () { wrap("*", "*", "italic text"); }],
		["Link", "Link", function () {
			var url = window.prompt("Address of the link (https://…)", "https://");
			if (url && url !== "https://")
				wrap("[", "](" + url + ")", "link text");
		}],
		["Heading", "H", function () { prefixLines("### "); }],
		["Quote", "“ ”", function () { prefixLines("> "); }],
		["List", "• List", function () { prefixLines("- "); }],
	];
	var bar = document.createElement("div");
	bar.className = "md-toolbar";
	bar.setAttribute("role", "toolbar");
	bar.setAttribute("aria-label", "Formatting");
	bar.setAttribute("aria-controls", body.id);
	tools.forEach(function (t) {
		var b = document.createElement("button");
		b.type = "button";
		b.textContent = t[1];
		b.setAttribute("aria-label", t[0]);
		b.title = t[0];
		b.addEventListener("click", function () {
			body.focus();
			t[2]();
			body.dispatchEvent(new Event("input", { bubbles: true }));
		});
		bar.appendChild(b);
	});
	body.parentNode.insertBefore(bar, body);

	/* ---- word count and reading time ------------------------------------------------------ */

	var count = document.createElement("p");
	count.className = "hint word-count";
	count.id = "body-count";
	function words() {
		var text = body.value.replace(/[#>*_\[\]()`-]/g, " ").trim();
		/* Hangul/CJK have no spaces to count by: count their characters / 2.5 as words */
		var cjk = (text.match(/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u4e00-\u9fff]/g) || []).length;
		var latin = text.replace(/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u4e00-\u9fff]+/g, " ")
			.split(/\s+/).filter(Boolean).length;
		return latin + Math.round(cjk / 2.5);
	}
	function update() {
		var n = words();
		var minutes = Math.max(1, Math.round(n / WORDS_PER_MINUTE));
		count.textContent = n + (n === 1 ? " word" : " words") + " · about " + minutes +
			" min to read";
	}
	body.insertAdjacentElement("afterend", count);
	body.addEventListener("input", update);
	update();
})();

/* ---- who else is editing: a heartbeat keeps this person's visit and redraws the notice -------- */
(function () {
	"use strict";
	var box = document.querySelector("[data-presence]");
	var form = document.getElementById("editor-form");
	if (!box || !form || !window.fetch)
		return;
	var every = (parseInt(box.getAttribute("data-heartbeat"), 10) || 15) * 1000;
	function draw(others) {
		box.textContent = "";
		others.forEach(function (o) {
			var p = document.createElement("p");
			var t = document.createElement("time");
			t.setAttribute("datetime", o.since);
			t.textContent = o.since_local;
			p.appendChild(document.createTextNode(o.name + " is editing since "));
			p.appendChild(t);
			p.appendChild(document.createTextNode("."));
			box.appendChild(p);
		});
		if (others.length) {
			var hint = document.createElement("p");
			hint.className = "hint";
			hint.textContent = "If one of you saves first, the other is shown the changes " +
				"before anything is overwritten.";
			box.appendChild(hint);
		}
	}
	function beat() {
		fetch(box.getAttribute("data-presence"), {
			method: "POST",
			credentials: "same-origin",
			headers: { "X-CSRF-Token": form.elements.csrf ? form.elements.csrf.value : "" },
		}).then(function (r) {
			return r.ok ? r.json() : null;
		}).then(function (j) {
			if (j && j.others)
				draw(j.others);
		}).catch(function () { /* offline: the notice stays as it was */ });
	}
	setInterval(beat, every);
})();
