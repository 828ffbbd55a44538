/* Newszone back office, photos (each part only where its elements are; the pages work without):
 * - The focal point (#focal-picker on a photo's page, [data-focal-picker] on each photo of the
 *   editor): a click on the photo sets the form's two percentages and moves the marker; saving
 *   the form stores them (typed percentages do the same without JavaScript).
 * - The editor's photo picker (#media-picker in the editor): photos from the library, searched
 *   by the admin API's list; choosing one attaches it to the article (a hidden pending_media
 *   input, as an upload with the form does) and inserts ![alt](media:<id>) at the body's cursor,
 *   or makes it the lead photo (a hidden "lead" input naming it).
 * - The editor's uploads (#photo-drop): files dropped on the zone or picked (several at once)
 *   are previewed before the form is saved; they go with the form.
 * Loaded with `defer` from /static beside admin.js; no inline script (the CSP forbids it).
 */
(function () {
	"use strict";

	/* ---- the focal point ---------------------------------------------------------------- */

	/* Binds one picker: a click on img sets fx and fy (percent, whole) and moves the marker;
	 * typing in the fields moves it too. fx and fy may be absent (read only). */
	function bindFocal(box, img, marker, fx, fy, label, centre) {
		function place(x, y) {
			marker.style.left = x + "%";
			marker.style.top = y + "%";
			marker.hidden = false;
			if (label)
				label.textContent = x + "% across, " + y + "% down";
		}
		place(Number(box.getAttribute("data-focal-x")), Number(box.getAttribute("data-focal-y")));
		if (!fx || !fy)
			return; /* read-only: no form */
		img.title = "Click to set the focal point";
		img.addEventListener("click", function (ev) {
			var r = img.getBoundingClientRect();
			var x = Math.round((ev.clientX - r.left) / r.width * 100);
			var y = Math.round((ev.clientY - r.top) / r.height * 100);
			x = Math.max(0, Math.min(100, x));
			y = Math.max(0, Math.min(100, y));
			fx.value = x;
			fy.value = y;
			if (centre)
				centre.checked = false;
			place(x, y);
		});
		function typed() {
			var x = Number(fx.value), y = Number(fy.value);
			if (fx.value !== "" && fy.value !== "" && x >= 0 && x <= 100 && y >= 0 && y <= 100)
				place(Math.round(x), Math.round(y));
		}
		fx.addEventListener("input", typed);
		fy.addEventListener("input", typed);
	}

	/* The photo's page in the library (ids), and each photo of the editor's form (one
	 * fieldset.photo each, the picker and its two fields marked with data- attributes). */
	function focalPickers() {
		var box = document.getElementById("focal-picker");
		var img = document.getElementById("focal-image");
		var marker = document.getElementById("focal-marker");
		if (box && img && marker)
			bindFocal(box, img, marker, document.getElementById("focal-x"),
				document.getElementById("focal-y"), document.getElementById("focal-label"),
				document.querySelector("input[name=focal_centre]"));
		Array.prototype.forEach.call(document.querySelectorAll("fieldset.photo"), function (set) {
			var b = set.querySelector("[data-focal-picker]");
			var i = b && b.querySelector("img");
			var m = b && b.querySelector(".focal-marker");
			if (i && m)
				bindFocal(b, i, m, set.querySelector("input[data-focal-x]"),
					set.querySelector("input[data-focal-y]"), null, null);
		});
	}

	/* ---- the editor: a photo from the library, inserted at the cursor -------------------- */

	/* The body's text with s put at the cursor as a paragraph of its own. */
	function insertAtCursor(area, s) {
		var start = area.selectionStart, end = area.selectionEnd, v = area.value;
		var before = v.slice(0, start), after = v.slice(end);
		var pre = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
		var post = after === "" || /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
		area.value = before + pre + s + post + after;
		var at = (before + pre + s).length;
		area.focus();
		area.setSelectionRange(at, at);
		area.dispatchEvent(new Event("input", { bubbles: true }));
	}

	/* Attaches photo id to the article (kept when the form is saved) unless it already is. */
	function attach(form, id) {
		var listed = form.querySelectorAll("input[name=media_id], input[name=pending_media]");
		for (var i = 0; i < listed.length; i++)
			if (listed[i].value === id)
				return;
		var input = document.createElement("input");
		input.type = "hidden";
		input.name = "pending_media";
		input.value = id;
		form.appendChild(input);
	}

	function libraryPicker() {
		var picker = document.getElementById("media-picker");
		var form = document.getElementById("editor-form");
		var body = form && form.querySelector("textarea[name=body]");
		if (!picker || !body)
			return;
		var q = document.getElementById("media-picker-q");
		var results = document.getElementById("media-picker-results");
		var status = document.getElementById("media-picker-status");
		var cursor = { start: body.value.length, end: body.value.length };
		/* where the cursor was when the writer left the body for the picker */
		body.addEventListener("blur", function () {
			cursor = { start: body.selectionStart, end: body.selectionEnd };
		});

		/* Makes photo id the lead photo when the form is saved: attached, and named by "lead"
		 * instead of the radios of the photos already listed. */
		function makeLead(item) {
			var id = item.getAttribute("data-media-id");
			attach(form, id);
			Array.prototype.forEach.call(form.querySelectorAll("input[name=lead]"), function (r) {
				if (r.type === "hidden")
					r.parentNode.removeChild(r);
				else
					r.checked = false;
			});
			var upload = form.querySelector("input[name=photo_lead]");
			if (upload)
				upload.checked = false;
			var input = document.createElement("input");
			input.type = "hidden";
			input.name = "lead";
			input.value = id;
			form.appendChild(input);
			status.textContent = "Photo " + id + " will be the lead photo when you save.";
		}

		function choose(item) {
			var id = item.getAttribute("data-media-id");
			var alt = (item.getAttribute("data-alt") || "").replace(/[\[\]]/g, "");
			attach(form, id);
			body.setSelectionRange(cursor.start, cursor.end);
			insertAtCursor(body, "![" + alt + "](media:" + id + ")");
			cursor = { start: body.selectionStart, end: body.selectionEnd };
			status.textContent = "Photo " + id + " was inserted; it is added to the article when you save.";
		}

		function search() {
			status.textContent = "Searching…";
			fetch("/admin/media?q=" + encodeURIComponent(q.value), { credentials: "same-origin" })
				.then(function (r) { return r.text(); })
				.then(function (html) {
					var doc = new DOMParser().parseFromString(html, "text/html");
					var items = doc.querySelectorAll(".media-item");
					results.textContent = "";
					Array.prototype.forEach.call(items, function (src) {
						var li = document.createElement("li");
						li.className = "media-item";
						["data-media-id", "data-alt", "data-caption"].forEach(function (a) {
							li.setAttribute(a, src.getAttribute(a) || "");
						});
						var b = document.createElement("button");
						b.type = "button";
						b.className = "media-choose";
						var img = src.querySelector("img");
						if (img) {
							var i2 = document.createElement("img");
							i2.src = img.getAttribute("src");
							i2.alt = "";
							b.appendChild(i2);
						}
						var cap = src.getAttribute("data-caption") || "Photo " + src.getAttribute("data-media-id");
						b.appendChild(document.createTextNode("Insert: " + cap));
						b.addEventListener("click", function () { choose(li); });
						li.appendChild(b);
						var lead = document.createElement("button");
						lead.type = "button";
						lead.className = "media-lead";
						lead.textContent = "Lead photo: " + cap;
						lead.addEventListener("click", function () { makeLead(li); });
						li.appendChild(lead);
						results.appendChild(li);
					});
					status.textContent = items.length ? items.length + " photos." : "No photos found.";
				})
				.catch(function () { status.textContent = "The library could not be read."; });
		}

		document.getElementById("media-picker-go").addEventListener("click", search);
		q.addEventListener("keydown", function (ev) {
			if (ev.key === "Enter") {
				ev.preventDefault(); /* not the editor's submit */
				search();
			}
		});
		picker.addEventListener("toggle", function () {
			if (picker.open && !results.children.length)
				search();
		});
	}

	/* ---- the editor: uploads dropped or picked, previewed before saving ----------------- */

	function uploads() {
		var zone = document.getElementById("photo-drop");
		var input = document.getElementById("photo");
		var list = document.getElementById("photo-previews");
		if (!zone || !input || !list)
			return;
		function preview() {
			list.textContent = "";
			Array.prototype.forEach.call(input.files, function (f) {
				var li = document.createElement("li");
				var img = document.createElement("img");
				img.src = URL.createObjectURL(f);
				img.alt = "";
				li.appendChild(img);
				li.appendChild(document.createTextNode(" " + f.name));
				list.appendChild(li);
			});
		}
		input.addEventListener("change", preview);
		zone.addEventListener("dragover", function (ev) {
			ev.preventDefault();
			zone.classList.add("dragging");
		});
		zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
		zone.addEventListener("drop", function (ev) {
			ev.preventDefault();
			zone.classList.remove("dragging");
			var dt = new DataTransfer();
			Array.prototype.forEach.call(ev.dataTransfer.files, function (f) {
				if (/^image\/(jpeg|png|webp)$/.test(f.type))
					dt.items.add(f);
			});
			input.files = dt.files;
			preview();
		});
	}

	focalPickers();
	libraryPicker();
	uploads();
})();
