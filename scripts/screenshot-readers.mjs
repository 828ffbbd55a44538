// Takes the README's screenshots of what readers and the newsroom see beyond the article and
// the editor, in Debian's Chromium with the browser tests' helpers on the demo newsroom: the
// front page (desktop and phone), the Korean edition, the live story (desktop and phone), two
// editors on one article (the presence notice, desktop and phone), the stats page after some
// reading and searching, and the media library. Each is the first screen of its viewport.
// Usage: NZ_BIN=build/newszone node scripts/screenshot-readers.mjs   (scripts/screenshots.sh
// runs it, then makes the PNGs 8-bit with pngquant)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { addUser, newsroom, signIn } from "../tests/browser/helpers.mjs";

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "docs", "screenshots");
const DESKTOP = { viewport: { width: 1280, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const READER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
// after every photo in view has come (renditions are made on their first request)
async function shot(page, name) {
	await page.waitForFunction(
		() =>
			[...document.images]
				.filter((i) => i.getBoundingClientRect().top < innerHeight)
				.every((i) => i.complete && i.naturalWidth > 0),
		null,
		{ timeout: 60000 },
	);
	await page.screenshot({ path: path.join(out, `${name}.png`) });
}

const nr = await newsroom({ setup: [["demo"]] });
// a page's photos are made on their first request: slow on a busy machine
const context = async (options) => {
	const ctx = await nr.context(options);
	ctx.setDefaultTimeout(60000);
	return ctx;
};
try {
	const reader = await context(DESKTOP);
	const api = reader.request;
	const list = (await (await api.get("/api/v1/articles?limit=40")).json()).articles;
	const local = (a) => new URL(a.url).pathname;
	// the demo's live story (demo/live.json)
	const live = await (await api.get("/api/v1/articles/iron-meridian-logistics-exercise-begins")).json();

	// some reading (a few stories more than others, from a few sites) and searches that miss
	const referers = ["https://news.google.com/", "https://www.facebook.com/", "https://t.co/x"];
	for (let i = 0; i < list.length; i++)
		for (let n = 0; n < Math.max(1, 14 - i); n++)
			await api.get(local(list[i]), {
				headers: { "User-Agent": READER, Referer: referers[(i + n) % referers.length] },
			});
	for (const q of ["drone carrier", "typhoon relief", "drone carrier", "cyber range"])
		await api.get(`/search?q=${encodeURIComponent(q)}`, { headers: { "User-Agent": READER } });

	const page = await reader.newPage();
	await page.goto("/");
	await shot(page, "front");
	await page.goto("/ko/");
	await shot(page, "front-ko");
	// the live story at its updates (the phone's shot shows its top)
	await page.goto(local(live));
	await page.evaluate(() => {
		const u = document.querySelector("#live-updates").closest("section") || document.querySelector("#live-updates");
		window.scrollTo(0, u.getBoundingClientRect().top + window.scrollY - 140);
	});
	await shot(page, "live");
	const phone = await (await context(PHONE)).newPage();
	await phone.goto("/");
	await shot(phone, "front-phone");
	await phone.goto(local(live));
	await shot(phone, "live-phone");

	// two editors on one article: the second sees the first
	const pw = { minjun: addUser(nr.db, "minjun", "editor"), sarah: addUser(nr.db, "sarah", "admin") };
	const first = await (await context(DESKTOP)).newPage();
	await signIn(first, "minjun", pw.minjun);
	await first.goto(`/admin/articles/${list[1].id}`);
	const admin = await (await context(DESKTOP)).newPage();
	await signIn(admin, "sarah", pw.sarah);
	await admin.goto(`/admin/articles/${list[1].id}`);
	await admin.locator(".presence").getByText(/minjun is editing since/).waitFor();
	await shot(admin, "admin-presence");
	const small = await (await context(PHONE)).newPage();
	await signIn(small, "sarah", pw.sarah);
	await small.goto(`/admin/articles/${list[1].id}`);
	await small.locator(".presence").getByText(/minjun is editing since/).waitFor();
	await shot(small, "admin-presence-phone");

	await admin.goto("/admin/stats");
	await shot(admin, "admin-stats");
	await admin.goto("/admin/media");
	await shot(admin, "admin-media");
	console.log("wrote docs/screenshots/{front,front-phone,front-ko,live,live-phone,admin-presence," +
		"admin-presence-phone,admin-stats,admin-media}.png");
} finally {
	await nr.stop();
}
