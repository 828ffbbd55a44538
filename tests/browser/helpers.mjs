// Browser-test helpers: the real newszone binary (process.env.NZ_BIN) on a temporary database
// and a free port on 127.0.0.1, users made with its CLI, real Chromium driven by playwright-core
// (tests/tools/node_modules), and axe-core for accessibility. No mocks.
import { spawn, spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const require = createRequire(import.meta.url);
const { chromium } = require(path.join(root, "tests", "tools", "node_modules", "playwright-core"));

export const BIN = process.env.NZ_BIN || path.join(root, "build", "newszone");
/** Chromium's flags here: headless as root, and no connections of its own (the network is closed). */
export const CHROMIUM_FLAGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
	"--no-first-run",
];
export const AXE = path.join(root, "tests", "tools", "node_modules", "axe-core", "axe.min.js");

// A real 32×18 PNG (made with zlib; nothing in it but coloured pixels).
export const PNG = Buffer.from(
	"iVBORw0KGgoAAAANSUhEUgAAACAAAAASCAIAAAC1qksFAAAFXUlEQVR42g3NwQezUAAA8O8P69KlS5cuXd6hSEaNxypb4k3eeFmeptikiE2K2Mwimtl4lE+HDjt8f8+33z/w+/OXAwOnME77cIsXZ/Yc7Dir5dZ3zrty24bDNUdKLjxzUcElOXdKuezIFQl3OXAV5Zo9dyPcY8d1PvdE3Nvj2IYbHW5acTPkvkvu35+/PBh4hfHah1+8eLPnYcdbLb++896V3zY8rnlS8uGZjwo+yflTymdHvkj4y4GvKN/s+RvhHzu+8/kn4t8ezzb86PDTip8h/13yv0AAg6AwQfsIi5dg9gLsBKsV1nfBuwrbRsC1QEohPAtRISS5cEqF7CgUiXA5CBUVmr1wI8JjJ3S+8ETC2xPYRhgdYVoJMxS+S+EXiGAQFSZqH3HxEs1ehJ1oteL6LnpXcduIuBZJKYZnMSrEJBdPqZgdxSIRLwexomKzF29EfOzEzhefSHx7ItuIoyNOK3GG4ncp/gIJDJLCJO0jLV6S2Uuwk6xWWt8l7yptGwnXEiml8CxFhZTk0imVsqNUJNLlIFVUavbSjUiPndT50hNJb09iG2l0pGklzVD6LqVfIINBVpisfeTFSzZ7GXay1crru+xd5W0j41ompRye5aiQk1w+pXJ2lItEvhzkisrNXr4R+bGTO19+IvntyWwjj448reQZyt+l/AsAGIDCgPYBixcwewA7YLVgfQfeFWwbgGtAShCeQVSAJAenFGRHUCTgcgAVBc0e3Ah47EDngycCbw+wDRgdMK3ADMF3CX6BCgZVYar2URcv1exV2KlWq67vqndVt42Ka5WUanhWo0JNcvWUqtlRLRL1clArqjZ79UbUx07tfPWJ1Lenso06Ouq0UmeofpfqL9DBoCtM1z764qWbvQ473Wr19V33rvq20XGtk1IPz3pU6Emun1I9O+pFol8OekX1Zq/fiP7Y6Z2vP5H+9nS20UdHn1b6DPXvUv8FBhgMhRnax1i8DLM3YGdYrbG+G97V2DYGrg1SGuHZiAojyY1TamRHo0iMy8GoqNHsjRsxHjuj840nMt6ewTbG6BjTypih8V0avwCCASoMah+4eEGzh7CDVgvXd+hd4baBuIakhOEZRgVMcnhKYXaERQIvB1hR2OzhjcDHDnY+fCL49iDbwNGB0wrOEH6X8BfYYLAVZmsfe/Gyzd6GnW219vpue1d729i4tklph2c7Kuwkt0+pnR3tIrEvB7uidrO3b8R+7OzOt5/Ifns229ijY08re4b2d2n/AhcMrsJc7eMuXq7Zu7BzrdZd313v6m4bF9cuKd3w7EaFm+TuKXWzo1sk7uXgVtRt9u6NuI+d2/nuE7lvz2Ubd3TcaeXO0P0u3V+AwIAUhrQPWryQ2SPYIatF6zvyrmjbIFwjUqLwjKICJTk6pSg7oiJBlwOqKGr26EbQY4c6Hz0RenuIbdDooGmFZoi+S/QLMBiwwrD2wYsXNnsMO2y1eH3H3hVvG4xrTEocnnFU4CTHpxRnR1wk+HLAFcXNHt8Ifuxw5+Mnwm8Psw0eHTyt8Azxd4l/QQCGQGGB9gkWr8DsA9gFVhus74F3DbZNgOuAlEF4DqIiSPLglAbZMSiS4HIIKho0++BGgscu6PzgiYK3F7BNMDrBtApmGHyXwS+gYKAKo9qHLl7U7CnsqNXS9Z16V7ptKK4pKWl4plFBk5yeUpodaZHQy4FWlDZ7eiP0saOdT5+Ivj3KNnR06LSiM6TfJf0FMRhihcXaJ168YrOPYRdbbby+x9413jYxrmNSxuE5joo4yeNTGmfHuEjiyyGuaNzs4xuJH7u48+Mnit9ezDbx6MTTKp5h/F3G//4DRIyWLgQq9TkAAAAASUVORK5CYII=",
	"base64",
);

/** Runs `newszone --db DB args...`; returns stdout, throwing with stderr when it fails. */
export function cli(db, ...args) {
	const r = spawnSync(BIN, ["--db", db, ...args], { encoding: "utf8", timeout: 60000 });
	if (r.status !== 0)
		throw new Error(`newszone ${args.join(" ")} exited ${r.status}:\n${r.stdout}${r.stderr}`);
	return r.stdout;
}

/** Creates a back-office user with the CLI; returns the generated password it printed. */
export function addUser(db, login, role) {
	const out = cli(db, "user", "add", login, "--role", role);
	const m = /^password: (\S+)$/m.exec(out);
	assert.ok(m, `no password in the output of user add:\n${out}`);
	return m[1];
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.unref();
		s.on("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

async function waitForServer(url, proc, log) {
	const deadline = Date.now() + 15000;
	while (Date.now() < deadline) {
		if (proc.exitCode !== null)
			throw new Error(`the server exited early (${proc.exitCode}):\n${log()}`);
		try {
			const r = await fetch(url + "/healthz");
			if (r.ok)
				return;
		} catch {
			/* not listening yet */
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`the server did not start:\n${log()}`);
}

/**
 * A newsroom for one test file: a temporary folder and database (initialised, with the
 * sections and articles of `init` given as CLI argument lists), the server on a free port, and
 * Chromium. Call stop() at the end.
 */
export async function newsroom({ setup = [] } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nz-browser-"));
	const db = path.join(dir, "newszone.db");
	cli(db, "init");
	for (const args of setup)
		cli(db, ...args);
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	let output = "";
	const proc = spawn(BIN, ["--db", db, "serve", "--listen", `127.0.0.1:${port}`], {
		stdio: ["ignore", "pipe", "pipe"],
	});
	proc.stdout.on("data", (d) => (output += d));
	proc.stderr.on("data", (d) => (output += d));
	await waitForServer(url, proc, () => output);
	const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS });
	return {
		dir,
		db,
		url,
		browser,
		log: () => output,
		/** A fresh browser context (its own cookies); options as playwright's newContext. */
		async context(options = {}) {
			const ctx = await browser.newContext({ baseURL: url, ...options });
			ctx.setDefaultTimeout(10000);
			return ctx;
		},
		/** Stops everything; fails when the server did not stop cleanly (a crash, or a
		 * sanitizer's report at exit). */
		async stop() {
			await browser.close().catch(() => {});
			if (proc.exitCode === null && proc.signalCode === null) {
				proc.kill("SIGTERM");
				await new Promise((r) => proc.once("exit", r));
			}
			fs.rmSync(dir, { recursive: true, force: true });
			assert.equal(proc.exitCode, 0, `the server did not stop cleanly:\n${output}`);
		},
	};
}

/** Signs in on page (its context keeps the session cookie); ends on the dashboard. */
export async function signIn(page, login, password) {
	await page.goto("/admin/login");
	await page.getByLabel("Login").fill(login);
	await page.getByLabel("Password").fill(password);
	await Promise.all([page.waitForURL(/\/admin$/), page.getByRole("button", { name: "Sign in" }).click()]);
}

/** Clicks a submit button and waits for the navigation it causes (a 303 and the next page). */
export async function submit(page, name) {
	await Promise.all([page.waitForNavigation(), page.getByRole("button", { name, exact: true }).click()]);
}

/** The article id in the editor's URL (/admin/articles/N). */
export function articleId(page) {
	const m = /\/admin\/articles\/(\d+)/.exec(page.url());
	assert.ok(m, `not on an editor page: ${page.url()}`);
	return Number(m[1]);
}

/**
 * Writes a new article in the editor with the fields given (headline, intro, bullets[], body)
 * and saves it as a draft; returns its id. The page is left on the saved article's editor.
 */
export async function writeArticle(page, { headline, intro, bullets = [], body }) {
	await page.goto("/admin/articles/new");
	await page.getByLabel("Headline").fill(headline);
	if (intro)
		await page.getByLabel("Introduction line").fill(intro);
	for (let i = 0; i < bullets.length; i++)
		await page.locator(`#highlight-${i + 1}`).fill(bullets[i]);
	await page.getByLabel("Body (Markdown)").fill(body);
	await submit(page, "Save");
	assert.match(await page.locator(".flash").innerText(), /created/i);
	return articleId(page);
}

/**
 * The time t (ms) as a datetime-local value at offsetMin from UTC: "YYYY-MM-DDTHH:MM:SS", or
 * "YYYY-MM-DDTHH:MM" on a whole minute, as Chromium writes it back (Playwright's fill checks the
 * value it reads back and calls ":00" seconds malformed: the test failed once a minute).
 */
export function localInput(t, offsetMin) {
	const s = new Date(t + offsetMin * 60000).toISOString().slice(0, 19);
	return s.endsWith(":00") ? s.slice(0, 16) : s;
}

/**
 * Runs axe-core on the page and fails on any serious or critical violation, naming each rule
 * and the elements it found. The context must bypass CSP (newContext({bypassCSP: true})) so
 * axe's script can be added.
 */
export async function assertAccessible(page, label) {
	await page.addScriptTag({ path: AXE });
	const results = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ["violations"] });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
		}));
	});
	const bad = results.filter((v) => v.impact === "serious" || v.impact === "critical");
	assert.deepEqual(
		bad,
		[],
		`${label}: axe found serious/critical problems:\n` +
			bad.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join("\n    ")}`).join("\n"),
	);
}

/** Polls fn (async, returning truthy when done) every `every` ms for up to `ms`. */
export async function eventually(fn, ms, every = 500) {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > deadline)
			return v;
		await new Promise((r) => setTimeout(r, every));
	}
}
