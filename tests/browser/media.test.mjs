// The media library in real Chromium: an editor clicks on a photo to set its focal point (the
// marker moves, the form takes the two percentages, and once saved the crops are cut around it);
// in the editor she picks a photo from the library and it lands in the body at the cursor as
// ![alt](media:ID), attached to the article, so the saved article shows it there as a figure;
// files dropped on the upload zone are previewed before saving. In the editor a click on a
// photo's preview sets its focal point (typed numbers without JavaScript), and a photo from the
// library can be made the lead photo.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { addUser, cli, newsroom, signIn, submit } from "./helpers.mjs";

let nz, ed, token, photo;

/** A width × height PNG, a left-to-right gradient (made here with zlib). */
function png(width, height) {
	const chunk = (kind, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(kind), data]);
		const crc = Buffer.alloc(4);
		crc.writeUInt32BE(zlib.crc32(body));
		return Buffer.concat([len, body, crc]);
	};
	const rows = [];
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(width + 1);
		for (let x = 0; x < width; x++)
			row[x + 1] = Math.floor((x * 255) / width);
		rows.push(row);
	}
	const head = Buffer.alloc(13);
	head.writeUInt32BE(width, 0);
	head.writeUInt32BE(height, 4);
	head[8] = 8; // bit depth; colour type 0 (gray)
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk("IHDR", head),
		chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))),
		chunk("IEND", Buffer.alloc(0)),
	]);
}

before(async () => {
	nz = await newsroom();
	ed = { login: "ed", password: addUser(nz.db, "ed", "editor") };
	token = /^(nzt_\S+)$/m.exec(cli(nz.db, "token", "create", "ed"))[1];
	const r = await fetch(nz.url + "/api/v1/admin/media?caption=Lighthouse+on+the+cape&alt=A+lighthouse", {
		method: "POST",
		headers: { Authorization: "Bearer " + token, "Content-Type": "image/png" },
		body: png(800, 400),
	});
	assert.equal(r.status, 201);
	photo = await r.json();
});

after(async () => {
	await nz?.stop();
});

test("a click on the photo sets its focal point, and the crops follow", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, ed.login, ed.password);
	await page.getByRole("link", { name: "Photos" }).first().click();
	await page.getByRole("link", { name: /Lighthouse on the cape/ }).click();
	const img = page.locator("#focal-image");
	await img.waitFor();
	const box = await img.boundingBox();
	await img.click({ position: { x: box.width * 0.25, y: box.height * 0.8 } });
	assert.equal(await page.getByLabel("Across, % from the left").inputValue(), "25");
	assert.equal(await page.getByLabel("Down, % from the top").inputValue(), "80");
	const marker = await page.locator("#focal-marker").boundingBox();
	assert.ok(Math.abs(marker.x + marker.width / 2 - (box.x + box.width * 0.25)) < 3, "the marker is where she clicked");
	await submit(page, "Save the photo");
	assert.match(await page.locator(".flash").innerText(), /saved/);
	const crops = await page.locator(".media-crops img").evaluateAll((els) => els.map((e) => e.getAttribute("src")));
	assert.ok(crops.every((src) => src.includes(".f25-80.")), crops.join(" "));
	// the crop is really made around that point: the server answers it as a JPEG
	const r = await page.request.get(crops[0]);
	assert.equal(r.status(), 200);
	assert.equal(r.headers()["content-type"], "image/jpeg");
	await ctx.close();
});

test("a photo chosen from the library goes into the body at the cursor", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, ed.login, ed.password);
	await page.getByRole("link", { name: "New article" }).first().click();
	await page.getByLabel("Headline").fill("The cape at night");
	const body = page.getByLabel("Body (Markdown)");
	await body.fill("First paragraph.\n\nLast paragraph.");
	// the cursor after the first paragraph
	await body.evaluate((el) => el.setSelectionRange(16, 16));
	await page.locator("#media-picker summary").click();
	await page.getByRole("button", { name: /Insert: Lighthouse on the cape/ }).click();
	assert.equal(
		await body.inputValue(),
		`First paragraph.\n\n![A lighthouse](media:${photo.id})\n\nLast paragraph.`,
	);
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /created/i);
	// attached to the article: it is listed among its photos, and the preview shows the figure
	assert.equal(await page.locator(`input[name=media_id][value="${photo.id}"]`).count(), 1);
	const figure = page.locator("[data-preview-target] figure.story-figure");
	await figure.waitFor({ timeout: 10000 });
	assert.match(await figure.innerText(), /Lighthouse on the cape/);
	await ctx.close();
});

test("files dropped on the upload zone are previewed before saving", async () => {
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, ed.login, ed.password);
	await page.getByRole("link", { name: "New article" }).first().click();
	const files = [
		{ name: "one.png", mimeType: "image/png", buffer: png(64, 32) },
		{ name: "two.png", mimeType: "image/png", buffer: png(32, 64) },
	];
	const dt = await page.evaluateHandle((fs) => {
		const d = new DataTransfer();
		for (const f of fs)
			d.items.add(new File([new Uint8Array(f.data)], f.name, { type: f.type }));
		return d;
	}, files.map((f) => ({ name: f.name, type: f.mimeType, data: [...f.buffer] })));
	await page.locator("#photo-drop").dispatchEvent("drop", { dataTransfer: dt });
	assert.deepEqual(await page.locator("#photo-previews li").allInnerTexts(), [" one.png", " two.png"].map((s) => s.trim()));
	await page.getByLabel("Headline").fill("Two photos at once");
	await page.locator("#photo_alt").fill("A gradient");
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /created/i);
	assert.equal(await page.locator("input[name=media_id]").count(), 2);
	await ctx.close();
});

/** A new draft (admin API) with the photos of ids, the first its lead; returns its id. */
async function draftWith(headline, ids) {
	const r = await fetch(nz.url + "/api/v1/admin/articles", {
		method: "POST",
		headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
		body: JSON.stringify({ headline, body_markdown: "Text.", media: ids.map((id) => ({ id })) }),
	});
	assert.equal(r.status, 201);
	return (await r.json()).id;
}

/** Uploads a width × height PNG with caption and alt text (admin API); returns the photo. */
async function upload(width, height, caption, alt) {
	const q = new URLSearchParams({ caption, alt });
	const r = await fetch(nz.url + "/api/v1/admin/media?" + q, {
		method: "POST",
		headers: { Authorization: "Bearer " + token, "Content-Type": "image/png" },
		body: png(width, height),
	});
	assert.equal(r.status, 201);
	return r.json();
}

test("in the editor, a click on a photo sets its focal point, saved with the article", async () => {
	const harbour = await upload(600, 300, "Harbour at dusk", "A harbour");
	const id = await draftWith("The harbour at dusk", [harbour.id]);
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, ed.login, ed.password);
	await page.goto(`/admin/articles/${id}`);
	const set = page.locator("fieldset.photo").first();
	const across = set.getByLabel("Across, % from the left");
	assert.equal(await across.inputValue(), ""); // none yet: the centre
	const img = set.locator("[data-focal-picker] img");
	const box = await img.boundingBox();
	await img.click({ position: { x: box.width * 0.7, y: box.height * 0.2 } });
	// the thumbnail is small: a pixel is about 1 %
	const x = Number(await across.inputValue()), y = Number(await set.getByLabel("Down, % from the top").inputValue());
	assert.ok(Math.abs(x - 70) <= 1 && Math.abs(y - 20) <= 1, `${x}, ${y}`);
	const marker = await set.locator(".focal-marker").boundingBox();
	assert.ok(Math.abs(marker.x + marker.width / 2 - (box.x + box.width * 0.7)) < 3, "the marker is where she clicked");
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /saved/i);
	// the form comes back from the server with the point, and the article's crops are cut there
	assert.equal(await page.locator("fieldset.photo").first().getByLabel("Across, % from the left").inputValue(), String(x));
	const r = await page.request.get(`/api/v1/admin/articles/${id}`, { headers: { Authorization: "Bearer " + token } });
	const photos = (await r.json()).media;
	assert.ok(photos[0].renditions.some((r) => r.path.includes(`.f${x}-${y}.`)), JSON.stringify(photos[0].renditions));
	await ctx.close();
});

test("without JavaScript, the editor's two typed percentages set the focal point", async () => {
	const buoy = await upload(400, 400, "Buoy off the coast", "A red buoy");
	const id = await draftWith("A buoy off the coast", [buoy.id]);
	const ctx = await nz.context({ javaScriptEnabled: false });
	const page = await ctx.newPage();
	await signIn(page, ed.login, ed.password);
	await page.goto(`/admin/articles/${id}`);
	const set = page.locator("fieldset.photo").first();
	await set.getByLabel("Across, % from the left").fill("15");
	await set.getByLabel("Down, % from the top").fill("85");
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /saved/i);
	assert.equal(await page.locator("fieldset.photo").first().getByLabel("Down, % from the top").inputValue(), "85");
	const r = await page.request.get(`/api/v1/admin/articles/${id}`, { headers: { Authorization: "Bearer " + token } });
	assert.ok((await r.json()).media[0].renditions.some((x) => x.path.includes(".f15-85.")));
	await ctx.close();
});

test("a photo chosen from the library becomes the lead photo", async () => {
	const quay = await upload(500, 300, "Quay in the rain", "A wet quay");
	const ferry = await upload(500, 320, "Ferry leaving the quay", "A ferry");
	const id = await draftWith("Ferries in the rain", [quay.id]);
	const ctx = await nz.context();
	const page = await ctx.newPage();
	await signIn(page, ed.login, ed.password);
	await page.goto(`/admin/articles/${id}`);
	await page.locator("#media-picker summary").click();
	await page.getByRole("button", { name: /Lead photo: Ferry leaving the quay/ }).click();
	assert.match(await page.locator("#media-picker-status").innerText(), /lead photo when you save/);
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /saved/i);
	const first = page.locator("fieldset.photo").first();
	assert.match(await first.locator("legend").first().innerText(), /Photo 1 \(lead photo\)/);
	assert.equal(await first.locator("input[name=media_id]").inputValue(), String(ferry.id));
	assert.equal(await page.locator("fieldset.photo").count(), 2); // the quay stays, second
	await ctx.close();
});
