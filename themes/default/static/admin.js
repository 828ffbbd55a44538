/* Newszone back office: small improvements on pages that work without it.
 * - Live preview: the editor's fields are posted to the server's preview URL (the real theme
 *   renders them) as you type, and the <article> of the answer is shown beside the form.
 * - Highlight bullets and authors: add and remove inputs, move authors up and down.
 * - Confirmations: a form or button with data-confirm asks before it is sent.
 * - Slug: suggested from the headline while the slug field has not been touched.
 * Loaded with `defer` from /static (the CSP allows scripts from this origin only; no inline
 * script anywhere). Everything here is optional: a failed fetch only leaves the preview stale.
 */
(function () {
	"use strict";

	document.documentElement.classList.add("js");

	/* ---- confirmations ---------------------------------------------------------------- */

	document.addEventListener("submit", function (ev) {
		var form = ev.target;
		var button = ev.submitter;
		var message = (button && button.getAttribute("data-confirm")) ||
			form.getAttribute("data-confirm");
		if (message && !window.confirm(message))
			ev.preventDefault();
	});

	/* ---- slots: bullets and authors ------------------------------------------------------ */

	function renumber(list, labelText, idPrefix) {
		var items = list.querySelectorAll("li");
		items.forEach(function (li, i) {
			var input = li.querySelector("input");
			var label = li.querySelector("label");
			var n = i + 1;
			input.id = idPrefix + n;
			label.htmlFor = input.id;
			label.textContent = labelText + " " + n;
			li.querySelectorAll("button[data-remove]").forEach(function (b) {
				b.setAttribute("aria-label", "Remove " + labelText.toLowerCase() + " " + n);
			});
			li.querySelectorAll("button[data-up]").forEach(function (b) {
				b.setAttribute("aria-label", "Move " + labelText.toLowerCase() + " " + n + " up");
				b.disabled = i === 0;
			});
		});
	}

	function addControls(li, list, opts) {
		if (li.querySelector("button[data-remove]"))
			return;
		if (opts.movable) {
			var up = document.createElement("button");
			up.type = "button";
			up.textContent = "↑";
			up.setAttribute("data-up", "");
			up.addEventListener("click", function () {
				var prev = li.previousElementSibling;
				if (prev) {
					list.insertBefore(li, prev);
					renumber(list, opts.label, opts.idPrefix);
					up.focus();
					changed();
				}
			});
			li.appendChild(up);
		}
		var remove = document.createElement("button");
		remove.type = "button";
		remove.textContent = "Remove";
		remove.setAttribute("data-remove", "");
		remove.addEventListener("click", function () {
			var next = li.nextElementSibling || li.previousElementSibling;
			li.remove();
			if (!list.querySelector("li"))
				addSlot(list, opts);
			renumber(list, opts.label, opts.idPrefix);
			var focus = next ? next.querySelector("input") : list.querySelector("input");
			if (focus)
				focus.focus();
			changed();
		});
		li.appendChild(remove);
	}

	function addSlot(list, opts) {
		var template = list.querySelector("li");
		var li;
		if (template) {
			li = template.cloneNode(true);
			li.querySelectorAll("button").forEach(function (b) { b.remove(); });
			li.querySelector("input").value = "";
		} else {
			li = document.createElement("li");
			var label = document.createElement("label");
			var input = document.createElement("input");
			input.type = "text";
			input.name = opts.name;
			li.appendChild(label);
			li.appendChild(input);
		}
		list.appendChild(li);
		addControls(li, list, opts);
		renumber(list, opts.label, opts.idPrefix);
		return li.querySelector("input");
	}

	function setupSlots(attr, opts) {
		document.querySelectorAll("[" + attr + "]").forEach(function (list) {
			list.querySelectorAll("li").forEach(function (li) { addControls(li, list, opts); });
			renumber(list, opts.label, opts.idPrefix);
			var add = document.querySelector("[" + attr + "-add]");
			if (add) {
				add.addEventListener("click", function () {
					addSlot(list, opts).focus();
				});
			}
		});
	}

	setupSlots("data-bullets", { name: "highlight", label: "Bullet", idPrefix: "highlight-" });
	setupSlots("data-authors",
		{ name: "author", label: "Author", idPrefix: "author-", movable: true });

	/* ---- slug suggestion ----------------------------------------------------------------- */

	var headline = document.getElementById("headline");
	var slug = document.getElementById("slug");
	if (headline && slug && !slug.value && !slug.readOnly) {
		var touched = false;
		slug.addEventListener("input", function () { touched = true; });
		headline.addEventListener("input", function () {
			if (touched)
				return;
			slug.value = headline.value.toLowerCase().normalize("NFKD")
				.replace(/[\u0300-\u036f]/g, "")
				.replace(/[^a-z0-9\uac00-\ud7a3]+/g, "-")
				.replace(/^-+|-+$/g, "").slice(0, 80).replace(/-+$/, "");
		});
	}

	/* ---- live preview -------------------------------------------------------------------- */

	var form = document.querySelector("form[data-preview]");
	var target = document.querySelector("[data-preview-target]");
	var timer = null;
	var inflight = null;
	var status = document.querySelector("[data-preview-status]");

	function fields() {
		var data = new FormData(form);
		data.delete("photo"); /* the file is uploaded on save, not for every keystroke */
		var params = new URLSearchParams();
		data.forEach(function (value, key) {
			if (typeof value === "string")
				params.append(key, value);
		});
		return params;
	}

	function refresh() {
		if (!form || !target)
			return;
		if (inflight)
			inflight.abort();
		inflight = new AbortController();
		if (status)
			status.textContent = "Updating preview…";
		fetch(form.getAttribute("data-preview"), {
			method: "POST",
			body: fields(),
			credentials: "same-origin",
			signal: inflight.signal,
			headers: { "X-CSRF-Token": form.elements.csrf ? form.elements.csrf.value : "" },
		}).then(function (r) {
			if (!r.ok)
				throw new Error("HTTP " + r.status);
			return r.text();
		}).then(function (html) {
			var doc = new DOMParser().parseFromString(html, "text/html");
			var article = doc.querySelector("article");
			target.replaceChildren();
			if (article) {
				var lang = doc.documentElement.getAttribute("lang");
				if (lang)
					target.setAttribute("lang", lang);
				/* The preview is not a page of its own: demote its headings so the
				 * editor's outline stays in order (h1 → h2 and so on). */
				var copy = document.importNode(article, true);
				demote(copy);
				target.appendChild(copy);
			}
			if (status)
				status.textContent = "Preview updated.";
		}).catch(function (e) {
			if (e.name !== "AbortError" && status)
				status.textContent = "The preview could not be updated (" + e.message + ").";
		});
	}

	function demote(root) {
		root.querySelectorAll("h1, h2, h3, h4, h5").forEach(function (h) {
			var level = Math.min(6, parseInt(h.tagName.substring(1), 10) + 1);
			var n = document.createElement("h" + level);
			for (var i = 0; i < h.attributes.length; i++)
				n.setAttribute(h.attributes[i].name, h.attributes[i].value);
			while (h.firstChild)
				n.appendChild(h.firstChild);
			h.replaceWith(n);
		});
		/* Ids inside the copy must not clash with the editor's own. */
		root.querySelectorAll("[id]").forEach(function (el) {
			el.id = "preview-" + el.id;
		});
		root.querySelectorAll("[aria-labelledby]").forEach(function (el) {
			el.setAttribute("aria-labelledby", "preview-" + el.getAttribute("aria-labelledby"));
		});
	}

	function changed() {
		if (!form || !target)
			return;
		clearTimeout(timer);
		timer = setTimeout(refresh, 400);
	}

	if (form && target) {
		form.addEventListener("input", changed);
		form.addEventListener("change", changed);
		var button = document.querySelector("[data-preview-button]");
		if (button) {
			button.addEventListener("click", function (ev) {
				ev.preventDefault();
				refresh();
				target.closest("section").scrollIntoView({ block: "start" });
			});
		}
		refresh();
	}
})();

/* The front layout's slots (/admin/front): drag a slot to reorder; the fields are renumbered
 * in their new order, so the form's "Save" sends it. The up/down buttons work without this. */
(function () {
	"use strict";
	var list = document.querySelector("[data-front-slots]");
	if (!list)
		return;
	var dragged = null;

	function renumber() {
		list.querySelectorAll("[data-front-slot]").forEach(function (li, i) {
			li.querySelectorAll("[data-front-field]").forEach(function (input) {
				input.name = input.getAttribute("data-front-field") + "_" + i;
			});
		});
	}

	list.querySelectorAll("[data-front-slot]").forEach(function (li) {
		li.draggable = true;
		li.addEventListener("dragstart", function (ev) {
			dragged = li;
			li.classList.add("dragging");
			ev.dataTransfer.effectAllowed = "move";
			ev.dataTransfer.setData("text/plain", "");
		});
		li.addEventListener("dragend", function () {
			li.classList.remove("dragging");
			dragged = null;
		});
		li.addEventListener("dragover", function (ev) {
			if (!dragged || dragged === li)
				return;
			ev.preventDefault();
			var box = li.getBoundingClientRect();
			var after = ev.clientY > box.top + box.height / 2;
			list.insertBefore(dragged, after ? li.nextSibling : li);
		});
		li.addEventListener("drop", function (ev) {
			ev.preventDefault();
			renumber();
		});
	});
	list.addEventListener("drop", renumber);
})();
