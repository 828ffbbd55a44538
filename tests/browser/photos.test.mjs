// The article page's lead photo in real Chromium: the browser picks the rendition that fits the
// column from the <picture>'s AVIF srcset: a narrow one on a 390 px phone, a wider one at
// 1280 px, never the original upload; the photo has its width and height before it loads.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { addUser, cli, newsroom } from "./helpers.mjs";

let nz, token, slug, hash;

/** A 1600x900 RGB PNG: a gradient, so its renditions are real pictures. */
function bigPng() {
	const w = 1600, h = 900;
	const rows = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			const o = y * (w * 3 + 1) + 1 + x * 3;
			rows[o] = (x * 255) / w;
			rows[o + 1] = (y * 255) / h;
			rows[o + 2] = 128;
		}
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf) => {
		let c = 0xffffffff;
		for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (kind, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const body = Buffer.concat([Buffer.from(kind), data]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(body));
		return Buffer.concat([len, body, sum]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

async function call(method, path, body, type = "application/json") {
	const r = await fetch(nz.url + "/api/v1/admin" + path, {
		method,
		headers: { Authorization: `Bearer ${token}`, "Content-Type": type },
		body: type === "application/json" ? JSON.stringify(body) : body,
	});
	const text = await r.text();
	assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
	return JSON.parse(text);
}

before(async () => {
	nz = await newsroom();
	addUser(nz.db, "eve", "editor");
	token = /^(nzt_\S+)$/m.exec(cli(nz.db, "token", "create", "eve"))[1];
	const m = await call("POST", "/media?alt=A+gradient", bigPng(), "image/png");
	hash = m.hash;
	const a = await call("POST", "/articles", {
		headline: "A story with a wide photo",
		body_markdown: "The body.",
		media: [{ id: m.id, caption: "A gradient", credit: "Staff" }],
	});
	await call("POST", `/articles/${a.id}/publish`, {});
	slug = a.slug;
});

after(async () => {
	await nz?.stop();
});

async function chosen(width) {
	const ctx = await nz.context({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
	const page = await ctx.newPage();
	const photos = [];
	page.on("request", (r) => r.url().includes("/media/") && photos.push(r.url()));
	await page.goto(`/article/${slug}`);
	const img = page.locator(".lead-figure img");
	const box = { w: await img.getAttribute("width"), h: await img.getAttribute("height") };
	await page.waitForFunction(() => document.querySelector(".lead-figure img").complete);
	const src = await img.evaluate((el) => el.currentSrc);
	await ctx.close();
	return { src, photos, box };
}

test("a phone gets a narrow AVIF rendition, a desktop a wider one", async () => {
	const phone = await chosen(390);
	assert.match(phone.src, new RegExp(`/media/${hash}\\.w480\\.avif$`));
	assert.deepEqual(phone.photos, [phone.src]); // one photo fetched, not the JPEG too
	const desktop = await chosen(1280);
	assert.match(desktop.src, new RegExp(`/media/${hash}\\.w960\\.avif$`));
	assert.deepEqual(desktop.photos, [desktop.src]);
	assert.deepEqual(phone.box, { w: "960", h: "540" }); // laid out before it loads
});
