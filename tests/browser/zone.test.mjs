// The newsroom's time zone in real Chromium: an admin picks America/New_York from the settings
// page's zone list and saves; the article pages then show their times in New York, EST for a
// winter story and EDT for a summer one, with the offset of each day in the datetime.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { addUser, newsroom, signIn, submit } from "./helpers.mjs";

const story = (slug, at) => `---
headline: ${slug.replace("-", " ")}
slug: ${slug}
language: en
section: defense
status: published
published_at: ${at}
---

The body of ${slug}.
`;

let nz, admin, tmp;

before(async () => {
	tmp = fs.mkdtempSync(path.join(os.tmpdir(), "nz-zone-"));
	const files = [
		["winter-drill", "2026-01-15T15:00:00Z"],
		["summer-drill", "2026-07-15T15:00:00Z"],
	].map(([slug, at]) => {
		const f = path.join(tmp, `${slug}.md`);
		fs.writeFileSync(f, story(slug, at));
		return f;
	});
	nz = await newsroom({ setup: [["import", "--publish", ...files]] });
	admin = { login: "adam", password: addUser(nz.db, "adam", "admin") };
});

after(async () => {
	await nz?.stop();
	fs.rmSync(tmp, { recursive: true, force: true });
});

/** The first time on an article's page, by its slug, as a reader who has not seen it yet (a
 * fresh context: pages may be kept by the browser for their max-age). */
async function shownTime(slug) {
	const page = await (await nz.context()).newPage();
	await page.goto(`/api/v1/articles/${slug}`);
	const url = new URL(JSON.parse(await page.locator("body").innerText()).url);
	await page.goto(url.pathname);
	return page.locator("article time").first();
}

test("an admin picks America/New_York and article pages show EST and EDT", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, admin.login, admin.password);
	const before = await (await shownTime("winter-drill")).innerText();
	assert.match(before, /KST/, "the default zone is Asia/Seoul");

	await page.goto("/admin/settings");
	const zone = page.getByLabel("Time zone");
	assert.equal(await zone.inputValue(), "Asia/Seoul");
	await zone.selectOption("America/New_York");
	await submit(page, "Save the settings");
	assert.match(page.url(), /\/admin\/settings\?done=settings$/);
	assert.equal(await page.getByLabel("Time zone").inputValue(), "America/New_York");

	const winter = await shownTime("winter-drill");
	assert.equal(await winter.innerText(), "January 15, 2026 10:00 EST");
	assert.equal(await winter.getAttribute("datetime"), "2026-01-15T10:00:00-05:00");
	const summer = await shownTime("summer-drill");
	assert.equal(await summer.innerText(), "July 15, 2026 11:00 EDT");
	assert.equal(await summer.getAttribute("datetime"), "2026-07-15T11:00:00-04:00");
	await ctx.close();
});
