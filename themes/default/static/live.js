/*
 * live.js: new updates of a live story without reloading (docs/live-coverage.md). While the
 * page's live section says the coverage is on (data-live-on), it listens to the story's
 * Server-Sent Events (data-live-events, an EventSource on the same server): each event
 * ("update", "change", "end") makes it ask for the page again, as a conditional request, and
 * swap in the live section, with a status line saying how many updates are new. Where there
 * is no EventSource, or the stream cannot be had (a static copy of the site), it asks for the
 * page every 15 seconds instead (never while the tab is hidden); the server answers 304 while
 * nothing changed (ETag). Without JavaScript the page is whole; a reload shows the same. No
 * other request, no cookie, no third party.
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

	// The page again as a conditional request, its live section swapped in when it changed;
	// resolves to false once the coverage has ended (true otherwise, also on a failure).
	function ask() {
		return fetch(location.pathname, {cache: 'no-cache', credentials: 'same-origin'})
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
			});
	}

	function poll() {
		if (document.hidden) return setTimeout(poll, every);
		ask().then(function (on) {
			if (on) setTimeout(poll, every);
		});
	}

	// After an event; events that come while the page is being asked for make one more ask.
	var busy = false, again = false, source = null;
	function refresh() {
		if (busy) return (again = true);
		busy = true;
		ask().then(function (on) {
			if (!on && source) source.close();
			busy = false;
			if (again) {
				again = false;
				refresh();
			}
		});
	}

	function listen(url) {
		var opened = false;
		source = new EventSource(url);
		source.onopen = function () {
			opened = true;
		};
		source.addEventListener('update', refresh);
		source.addEventListener('change', refresh);
		source.addEventListener('end', function () {
			source.close(); // the coverage ended: no reconnection
			refresh();
		});
		source.onerror = function () {
			// Closed for good (never opened: no stream here, as on a static copy): poll.
			if (source.readyState === EventSource.CLOSED || !opened) {
				source.close();
				source = null;
				setTimeout(poll, every);
			}
		};
	}

	var live = document.getElementById('live');
	if (!live.hasAttribute('data-live-on')) return;
	var events = live.getAttribute('data-live-events');
	if (window.EventSource && events && !window.nzLiveNoStream) {
		var newest = live.querySelector('#live-updates > li[id^="update-"]');
		listen(events + (newest ? '?after=' + newest.id.slice(7) : ''));
	} else {
		setTimeout(poll, every);
	}
})();
