"""Photos on a real server: what readers get at /media/... is a rendition the image pipeline made
(resized, in AVIF, WebP or JPEG), never the uploaded original: a JPEG uploaded with GPS tags
comes out with none (read back with exiftool), while the original stays in the store for
editors. Limits read from the header are refused with a message that names them."""
import os
import re
import random
import signal
import struct
import subprocess
import time
import unittest
import zlib

from nz import NzTestCase, eventually, run, sql_rows
from nzadmin import NewsroomCase, add_token, add_user, api, png

GPS_TAGS = ["-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945",
            "-GPSLongitudeRef=E", "-Make=SourceCam", "-XMP-dc:Creator=A source"]


def exif(path, *args):
    """exiftool's output for a file (tag: value lines)."""
    return subprocess.run(["exiftool", "-s", *args, path], capture_output=True, text=True,
                          check=True).stdout


def big_png(width, height):
    """A width x height PNG of 16-bit RGBA noise columns: its first row noise, every other row
    the same (PNG's "up" filter: zeros), so the file is small while libvips still decodes,
    converts and resizes every pixel: a few seconds per rendition at 49 megapixels."""
    rnd = random.Random(7)
    z = zlib.compressobj()
    idat = [z.compress(b"\x00" + bytes(rnd.randrange(256) for _ in range(8 * width)))]
    same = b"\x04" + bytes(8 * width)
    idat += [z.compress(same) for _ in range(height - 1)]
    idat.append(z.flush())

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 6, 0, 0, 0)) +
            chunk(b"IDAT", b"".join(idat)) + chunk(b"IEND", b""))


def png_header_only(width, height):
    """A PNG whose header declares width x height (its pixels would never fit in memory)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + chunk(b"IEND", b""))


class Photos(NewsroomCase):
    prefix = "nz-e2e-photos-"

    def upload(self, data, ctype):
        return api(self.srv, "POST", "/api/v1/admin/media?caption=Tower", self.token, raw=data,
                   headers={"Content-Type": ctype})

    def jpeg_with_gps(self):
        """A real JPEG (the server's own rendition of a PNG) with GPS tags added by exiftool."""
        r = self.upload(png(96, 64), "image/png")
        self.assertEqual(r.status, 201, r.text)
        got = self.srv.get("/media/%s.w320.jpg" % r.json()["hash"])
        self.assertEqual(got.status, 200)
        path = os.path.join(self.tmp, "gps.jpg")
        with open(path, "wb") as f:
            f.write(got.body)
        subprocess.run(["exiftool", "-q", "-overwrite_original", *GPS_TAGS, path], check=True)
        self.assertIn("GPSLatitude", exif(path, "-gps:all"))  # the input really has them
        with open(path, "rb") as f:
            return f.read()

    def test_gps_never_reaches_readers(self):
        data = self.jpeg_with_gps()
        r = self.upload(data, "image/jpeg")
        self.assertEqual(r.status, 201, r.text)
        m = r.json()
        self.assertEqual((m["width"], m["height"]), (96, 64))
        # the API lists what readers may get: the 320 step (96 px wide) in three formats...
        paths = {x["path"]: (x["type"], x["width"], x["height"]) for x in m["renditions"]}
        self.assertEqual(paths["/media/%s.w320.avif" % m["hash"]], ("image/avif", 96, 64))
        self.assertEqual(len(paths), 8)  # ...three crops, the full-size copy and the card
        names = [".jpg", ".w320.jpg", ".w640.webp", ".w480.avif", ".16x9.f50-50.w1200.jpg",
                 ".191x100.f30-60.w1200.webp", ".1x1.f50-50.w320.avif"]
        types = {"jpg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}
        for name in names:
            got = self.srv.get("/media/" + m["hash"] + name)
            self.assertEqual(got.status, 200, name)
            self.assertEqual(got.headers["content-type"], types[name.rsplit(".", 1)[1]])
            self.assertIn("immutable", got.headers["cache-control"])
            path = os.path.join(self.tmp, "out" + name)
            with open(path, "wb") as f:
                f.write(got.body)
            tags = exif(path, "-a", "-G1", "-EXIF:all", "-XMP:all", "-GPS:all", "-MakerNotes:all")
            self.assertEqual(tags.strip(), "", name)
            self.assertNotIn(b"SourceCam", got.body)
        # the original keeps its tags, for editors, in the store
        rows = sql_rows(self.db, "SELECT bytes FROM blobs WHERE hash = ?", (m["hash"],))
        stored = rows[0][0]  # psql gives bytea as "\\x<hex>"
        stored = bytes.fromhex(stored[2:]) if isinstance(stored, str) else bytes(stored)
        self.assertIn(b"SourceCam", stored)

    def test_turned_upright_by_its_orientation(self):
        # 96x64 stored, EXIF orientation 6 (turn a quarter clockwise to view): 64x96 upright
        path = os.path.join(self.tmp, "turned.jpg")
        with open(path, "wb") as f:
            f.write(self.jpeg_with_gps())
        subprocess.run(["exiftool", "-q", "-overwrite_original", "-Orientation#=6", path],
                       check=True)
        with open(path, "rb") as f:
            r = self.upload(f.read(), "image/jpeg")
        self.assertEqual((r.json()["width"], r.json()["height"]), (64, 96))
        got = self.srv.get("/media/%s.w320.jpg" % r.json()["hash"])
        out = os.path.join(self.tmp, "upright.jpg")
        with open(out, "wb") as f:
            f.write(got.body)
        self.assertIn("64x96", exif(out, "-ImageSize"))

    def test_never_upscaled_and_cropped_to_ratio(self):
        r = self.upload(png(200, 100), "image/png")
        h = r.json()["hash"]
        got = self.srv.get("/media/%s.w640.jpg" % h)
        path = os.path.join(self.tmp, "small.jpg")
        with open(path, "wb") as f:
            f.write(got.body)
        self.assertIn("ImageSize                       : 200x100", exif(path, "-ImageSize"))
        got = self.srv.get("/media/%s.1x1.f50-50.w320.jpg" % h)
        with open(path, "wb") as f:
            f.write(got.body)
        self.assertIn("100x100", exif(path, "-ImageSize"))

    def test_pixel_limit_from_the_header(self):
        r = self.upload(png_header_only(30000, 30000), "image/png")
        self.assertEqual(r.status, 413, r.text)
        self.assertIn("megapixels", r.text)
        rows = sql_rows(self.db, "SELECT count(*) FROM media WHERE width = 30000")
        self.assertEqual(int(rows[0][0]), 0)

    def test_only_renditions_the_pipeline_makes(self):
        h = self.upload(png(40, 30), "image/png").json()["hash"]
        for name in (".w641.jpg", ".w0640.jpg", ".16x9.f50-500.w1200.jpg", ".gif", ""):
            self.assertEqual(self.srv.get("/media/%s%s" % (h, name)).status, 404, name)
        self.assertEqual(self.srv.get("/media/%s.w320.jpg" % ("0" * 64)).status, 404)
        self.assertEqual(self.srv.get("/media/%s.w320.jpg" % h.upper()).status, 404)

    def test_renditions_made_in_the_background(self):
        # nobody asks for them: 320, 480, 640 and 960 (the first past 700) in three formats,
        # three crops, the full-size copy and the link-preview card
        h = self.upload(png(700, 400), "image/png").json()["hash"]

        def made():
            rows = sql_rows(self.db, "SELECT name FROM renditions WHERE source = ?", (h,))
            return sorted(r[0] for r in rows)
        self.assertTrue(eventually(lambda: len(made()) == 17, deadline=60), made())
        self.assertIn("w960.avif", made())
        self.assertIn("191x100.f50-50.w1200.jpg", made())

    def test_photo_placed_in_the_body(self):
        # the editor puts the second photo between two paragraphs: the page shows it there as a
        # figure with a lazy <picture> and its caption and credit, and not again after the body
        lead = api(self.srv, "POST", "/api/v1/admin/media?alt=A+tower", self.token,
                   raw=png(800, 600), headers={"Content-Type": "image/png"}).json()
        r = api(self.srv, "POST", "/api/v1/admin/media?caption=Harbour+cranes&credit=Kim+Ara",
                self.token, raw=png(1000, 500), headers={"Content-Type": "image/png"})
        placed = r.json()
        body = "Cranes came first.\n\n![Cranes at dusk](media:%d)\n\nShips came later.\n" % (
            placed["id"])
        r = api(self.srv, "POST", "/api/v1/admin/articles", self.token,
                {"headline": "Cranes in the body", "body_markdown": body,
                 "media": [{"id": lead["id"]}, {"id": placed["id"]}]})
        self.assertEqual(r.status, 201, r.text)
        art = r.json()
        r = api(self.srv, "POST", "/api/v1/admin/articles/%d/publish" % art["id"], self.token)
        self.assertEqual(r.status, 200, r.text)
        page = self.srv.get("/article/" + art["slug"]).text
        start = page.index("<p>Cranes came first.</p>")
        fig = page[start:page.index("<p>Ships came later.</p>")]
        self.assertIn('<figure class="story-figure">', fig)
        self.assertIn('<source type="image/avif" srcset="/media/%s.w320.avif 320w' %
                      placed["hash"], fig)
        self.assertIn('alt="Cranes at dusk" width="960" height="480" loading="lazy"', fig)
        self.assertIn('<span class="caption">Harbour cranes</span> '
                      '<span class="credit">Photo: Kim Ara</span>', fig)
        self.assertEqual(page.count("Harbour cranes"), 1)
        self.assertNotIn("media:", page)
        # every URL the figure names is a rendition the server makes
        for url in set(re.findall(r'/media/[0-9a-f]{64}\.[a-z0-9.-]+', fig)):
            got = self.srv.get(url)
            self.assertEqual(got.status, 200, url)
            self.assertTrue(got.headers["content-type"].startswith("image/"), url)


class StopWhileRendering(NzTestCase):
    """A rolling restart: a node told to stop (SIGTERM) while its background worker makes the
    renditions of a large photo stops at once instead of finishing the rendition (seconds of
    libvips work); nothing half-made is kept, the photo is not taken for a broken one, and the
    next start makes its renditions. The photo is tall: libvips notices a cancel between two
    bands of 128 rows of the rendition, and a 320 px wide one of it has 21."""

    def setUp(self):
        super().setUp()
        run(["init"], db=self.db)
        add_user(self.db, "eve", "editor")
        self.token = add_token(self.db, "eve")[1]

    def renditions(self, h):
        return sorted(r[0] for r in sql_rows(
            self.db, "SELECT name FROM renditions WHERE source = ?", (h,)))

    def test_stop_interrupts_a_rendition(self):
        srv = self.serve()
        r = api(srv, "POST", "/api/v1/admin/media", self.token, raw=big_png(2400, 20000),
                headers={"Content-Type": "image/png"})
        self.assertEqual(r.status, 201, r.text)
        h = r.json()["hash"]
        # the worker makes the full-size copy first, then at once the next rendition
        self.assertTrue(eventually(lambda: self.renditions(h), deadline=60))
        srv.proc.send_signal(signal.SIGTERM)
        start = time.monotonic()
        srv.proc.wait(timeout=60)
        took = time.monotonic() - start
        log = srv.output()
        # that rendition takes seconds (four on a busy machine): not waited for, not kept
        self.assertLess(took, 2.0, "the stop waited for the rendition; log:\n" + log[-2000:])
        self.assertEqual(self.renditions(h), ["png"])
        self.assertNotIn("ERROR", log)  # not reported as a photo the pipeline refuses
        # the next start makes the one cut short, and it serves
        srv = self.serve()
        self.assertTrue(eventually(lambda: "w320.jpg" in self.renditions(h), deadline=60),
                        self.renditions(h))
        got = srv.get("/media/%s.w320.jpg" % h)
        self.assertEqual(got.status, 200)
        self.assertEqual(got.headers["content-type"], "image/jpeg")


if __name__ == "__main__":
    unittest.main()
