// The newsroom's day in real Chromium: a contributor writes an article with highlights and a
// photo, previews it and submits it; an editor reviews it and schedules it a minute ahead, and
// it appears on the front page on time (the scheduler publishes it with nobody visiting); an
// edit makes a revision whose diff shows the change; a correction shows on the public page.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PNG, addUser, articleId, eventually, localInput, newsroom, signIn, submit } from "./helpers.mjs";

const HEADLINE = "Harbor drill tests new port defenses at Jinhae";
let nz, writer, editor;
const shared = {}; // what one step leaves for the next: id, slug

before(async () => {
	nz = await newsroom({ setup: [["demo"]] });
	writer = { login: "rita", password: addUser(nz.db, "rita", "contributor") };
	editor = { login: "ed", password: addUser(nz.db, "ed", "editor") };
});

after(async () => {
	await nz?.stop();
});

test("a contributor writes an article with highlights and a photo, previews it, submits it", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, writer.login, writer.password);
	await page.getByRole("link", { name: "New article" }).first().click();
	await page.getByLabel("Headline").fill(HEADLINE);
	await page.getByLabel("Introduction line").fill("During the drill:");
	await page.getByLabel("Bullet 1", { exact: true }).fill("Minesweepers cleared a mock minefield in two hours");
	await page.getByLabel("Bullet 2", { exact: true }).fill("Coast guard boats joined for the first time");
	// A third bullet through the page's own button (JavaScript improves the form).
	await page.getByRole("button", { name: "Add a bullet" }).click();
	await page.getByLabel("Bullet 3", { exact: true }).fill("The next drill is planned for spring");
	await page.getByLabel("Body (Markdown)").fill(
		"The Navy tested its new port defenses on Tuesday in a harbor drill at Jinhae.\n\n" +
			"Officers said the drill went as planned.",
	);
	await page.getByLabel("Section").selectOption({ label: "Defense" });
	await page.getByLabel("Tags").fill("navy, harbor");
	await page.getByLabel("Author 1", { exact: true }).fill("Rita Moon");
	await page.setInputFiles("#photo", { name: "harbor.png", mimeType: "image/png", buffer: PNG });
	await page.locator("#photo_caption").fill("Minesweepers leave Jinhae harbor at dawn.");
	await page.locator("#photo_credit").fill("Newszone Daily");
	await page.locator("#photo_alt").fill("Two grey minesweepers sailing out of a harbor");

	// The live preview is the real theme's article, rendered by the server as she types.
	const preview = page.locator("[data-preview-target] article");
	await assert.doesNotReject(
		preview.getByText("Coast guard boats joined for the first time").waitFor({ timeout: 10000 }),
	);
	assert.equal(await preview.locator(".headline").innerText(), HEADLINE);
	assert.match(await preview.innerText(), /During the drill:/);
	assert.match(await preview.innerText(), /The next drill is planned for spring/);

	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /created/i);
	shared.id = articleId(page);
	shared.slug = await page.getByLabel("Address (slug)").inputValue();
	assert.equal(shared.slug, "harbor-drill-tests-new-port-defenses-at-jinhae");
	// The photo is stored with its texts and is the lead; its preview shows it.
	assert.equal(await page.locator("#media-caption-1").inputValue(), "Minesweepers leave Jinhae harbor at dawn.");
	assert.equal(await page.locator("#media-alt-1").inputValue(), "Two grey minesweepers sailing out of a harbor");
	await preview.locator("img").waitFor({ timeout: 10000 });

	// A contributor can send it for review, but has no publishing buttons.
	assert.equal(await page.getByRole("button", { name: "Save and publish now" }).count(), 0);
	await submit(page, "Save and submit for review");
	assert.match(await page.locator(".flash").innerText(), /sent for review/i);
	assert.equal(await page.locator(".meta .status").innerText(), "In review");
	await ctx.close();
});

test("an editor reviews it, schedules it a minute ahead, and it appears on the front page on time", async () => {
	assert.ok(shared.id, "the article from the first test");
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await page.getByRole("link", { name: "Review queue" }).first().click();
	await Promise.all([page.waitForURL(/\/admin\/articles\/\d+$/), page.getByRole("link", { name: HEADLINE }).click()]);
	assert.equal(articleId(page), shared.id);
	// The site's zone is Asia/Seoul (KST, UTC+9, the default): the input takes local time.
	const at = Date.now() + 60000;
	await page.getByLabel("Publish at").fill(localInput(at, 540));
	await submit(page, "Save and schedule");
	assert.match(await page.locator(".flash").innerText(), /scheduled/i);
	assert.equal(await page.locator(".meta .status").innerText(), "Scheduled");

	// Not public before its time...
	const front = async () => (await (await fetch(nz.url + "/")).text()).includes(HEADLINE);
	assert.equal((await fetch(`${nz.url}/article/${shared.slug}`)).status, 404);
	assert.equal(await front(), false);
	// ...and on the front page once it has come, with nobody touching the back office.
	const shown = await eventually(front, 90000, 1000);
	assert.ok(shown, "the scheduled article did not reach the front page within 90 s");
	assert.ok(Date.now() >= at - 1000, "published before its time");
	const pub = await ctx.newPage();
	await pub.goto(`/article/${shared.slug}`);
	assert.equal(await pub.locator("h1.headline").innerText(), HEADLINE);
	const img = pub.locator("figure.lead-figure img");
	assert.equal(await img.getAttribute("width"), "32");
	assert.equal(await img.getAttribute("height"), "18");
	assert.equal(await img.getAttribute("alt"), "Two grey minesweepers sailing out of a harbor");
	assert.match(await pub.locator(".highlights").innerText(), /Minesweepers cleared a mock minefield/);
	await ctx.close();
});

test("an edit creates a revision whose diff shows the change", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await page.goto(`/admin/articles/${shared.id}`);
	const body = page.getByLabel("Body (Markdown)");
	await body.fill((await body.inputValue()).replace("went as planned", "went better than planned"));
	await page.getByLabel("Note for the history").fill("Quote corrected after the briefing");
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /saved/i);

	await page.getByRole("link", { name: "History and revisions" }).click();
	const newest = page.locator("table.revisions tbody tr").first();
	assert.match(await newest.innerText(), /ed/);
	assert.match(await newest.innerText(), /Quote corrected after the briefing/);
	// The newest change is compared by default, word by word.
	const body_diff = page.locator(".comparison .diff-field", { hasText: "Body" }).locator(".diff");
	assert.equal(await body_diff.locator("del").innerText(), "as");
	assert.equal(await body_diff.locator("ins").innerText(), "better than");
	assert.match(await body_diff.innerText(), /Officers said the drill went/);
	// The public page shows the new text and an "Updated" time only after a minute has passed
	// since publishing, so only the text is checked here.
	const pub = await (await fetch(`${nz.url}/article/${shared.slug}`)).text();
	assert.match(pub, /went better than planned/);
	await ctx.close();
});

test("a correction shows on the public page", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, editor.login, editor.password);
	await page.goto(`/admin/articles/${shared.id}`);
	const text = "An earlier version of this article misstated the number of minesweepers.";
	await page.getByLabel("New correction").fill(text);
	await submit(page, "Append the correction");
	assert.match(await page.locator(".flash").innerText(), /correction/i);
	await page.goto(`/article/${shared.slug}`);
	const corrections = page.locator("section.corrections");
	assert.match(await corrections.innerText(), new RegExp(text.replace(/\./g, "\\.")));
	await ctx.close();
});
