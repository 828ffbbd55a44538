/*
 * live.js: new updates of a live story without reloading (docs/live-coverage.md). While the
 * page's live section says the coverage is on (data-live-on), it asks for the page again every
 * 15 seconds (never while the tab is hidden), as a conditional request: the server answers
 * 304 while nothing changed (ETag). When the section changed, it is swapped in and a status
 * line says how many updates are new. Without JavaScript the page is whole; a reload shows the
 * same. No other request, no cookie, no third party.
 */
(function () {
	'use strict';
	var every = window.nzLivePollMs || 15000;
	var etag = null;
	if (!window.fetch || !window.DOMParser || !document.getElementById('live')) return;

	function ids(root) {
		var seen = {};
		root.querySelectorAll('#live-updates > li[id]').forEach(function (li) {
			seen[li.id] = true;
		});
		return seen;
	}

	function swap(html) {
		var doc = new DOMParser().parseFromString(html, 'text/html');
		var cur = document.getElementById('live'), fresh = doc.getElementById('live');
		var badge = document.querySelector('.live-badge');
		if (badge && !doc.querySelector('.live-badge')) badge.remove();
		if (!cur || !fresh || fresh.innerHTML === cur.innerHTML) return true;
		var old = ids(cur), added = 0;
		fresh.querySelectorAll('#live-updates > li[id]').forEach(function (li) {
			if (!old[li.id]) added++;
		});
		var node = document.importNode(fresh, true);
		cur.replaceWith(node);
		var status = node.querySelector('.live-status');
		if (status && added) status.textContent = added === 1 ? '1 new update' : added + ' new updates';
		return node.hasAttribute('data-live-on');
	}

	function poll() {
		if (document.hidden) return setTimeout(poll, every);
		fetch(location.pathname, {cache: 'no-cache', credentials: 'same-origin'})
			.then(function (r) {
				var tag = r.headers.get('ETag');
				if (!r.ok || (tag && tag === etag)) return null;
				etag = tag;
				return r.text();
			})
			.then(function (html) {
				return html ? swap(html) : true;
			}, function () {
				return true;
			})
			.then(function (again) {
				if (again) setTimeout(poll, every);
			});
	}
	if (document.getElementById('live').hasAttribute('data-live-on')) setTimeout(poll, every);
})();
