// Two people editing the same article in real Chromium: the second save is refused, shows what
// the first person changed, and keeps everything the second person typed in the form; saving
// again after seeing the changes is a deliberate choice and works.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { addUser, newsroom, signIn, submit, writeArticle } from "./helpers.mjs";

let nz;

before(async () => {
	nz = await newsroom();
});

after(async () => {
	await nz?.stop();
});

test("a concurrent edit is refused without loss", async () => {
	const ann = { login: "ann", password: addUser(nz.db, "ann", "editor") };
	const bob = { login: "bob", password: addUser(nz.db, "bob", "editor") };
	const ctxA = await nz.context();
	const ctxB = await nz.context();
	const a = await ctxA.newPage();
	const b = await ctxB.newPage();
	await signIn(a, ann.login, ann.password);
	await signIn(b, bob.login, bob.password);
	const id = await writeArticle(a, {
		headline: "Ministers meet in Seoul",
		body: "The defense ministers met on Monday.\n\nThey agreed to meet again next year.",
	});

	// Both open the same revision.
	await a.goto(`/admin/articles/${id}`);
	await b.goto(`/admin/articles/${id}`);

	// Ann changes the headline and saves first.
	await a.getByLabel("Headline").fill("Ministers meet in Busan");
	await submit(a, "Save");
	assert.match(await a.locator(".flash").innerText(), /saved/i);

	// Bob, still on the old revision, adds a paragraph and saves: refused.
	const bobBody =
		"The defense ministers met on Monday.\n\nThey agreed to meet again next year.\n\n" +
		"Bob's paragraph: the talks lasted three hours.";
	await b.getByLabel("Body (Markdown)").fill(bobBody);
	const [resp] = await Promise.all([
		b.waitForResponse((r) => r.request().method() === "POST"),
		b.getByRole("button", { name: "Save", exact: true }).click(),
	]);
	assert.equal(resp.status(), 409);
	await b.waitForLoadState();
	const conflict = b.locator("section.conflict");
	assert.match(await conflict.innerText(), /someone else changed this article/i);
	assert.match(await conflict.innerText(), /ann/);
	// Ann's change is shown as a diff...
	assert.equal(await conflict.locator(".diff ins").first().innerText(), "Busan");
	assert.equal(await conflict.locator(".diff del").first().innerText(), "Seoul");
	// ...and Bob's text is all still there, nothing saved over Ann's.
	assert.equal(await b.getByLabel("Body (Markdown)").inputValue(), bobBody);
	assert.equal(await b.getByLabel("Headline").inputValue(), "Ministers meet in Seoul");
	const stored = await (await ctxA.request.get(`/admin/articles/${id}`)).text();
	assert.ok(!stored.includes("Bob&#39;s paragraph"), "Bob's refused save changed the article");

	// Bob takes Ann's headline and saves again: now it is his deliberate save, and it works.
	await b.getByLabel("Headline").fill("Ministers meet in Busan");
	await submit(b, "Save");
	assert.match(await b.locator(".flash").innerText(), /saved/i);
	assert.equal(await b.getByLabel("Headline").inputValue(), "Ministers meet in Busan");
	assert.equal(await b.getByLabel("Body (Markdown)").inputValue(), bobBody);
	await ctxA.close();
	await ctxB.close();
});
