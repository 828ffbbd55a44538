"""The command line: help, errors, init, demo."""
import os
import re
import resource
import shutil
import signal

from nz import ROOT, NzTestCase, Server, run


class Cli(NzTestCase):
    def test_help_for_each_command(self):
        p = run(["--help"])
        for cmd in ("init", "serve", "import", "demo"):
            self.assertIn(cmd, p.stdout)
            h = run([cmd, "--help"])
            self.assertIn("usage: newszone [--db PATH] " + cmd, h.stdout)

    def test_unknown_command_and_option(self):
        p = run(["frobnicate"], check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown command 'frobnicate'", p.stderr)
        p = run(["import", "--bogus", "x"], db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--bogus", p.stderr)

    def test_db_defaults_to_newszone_db_in_cwd(self):
        run(["init"], cwd=self.tmp)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "newszone.db")))

    def test_init_twice_is_fine(self):
        p = run(["init"], db=self.db)
        self.assertIn("schema version", p.stdout)
        run(["init"], db=self.db)

    def test_serve_without_database_explains(self):
        p = run(["serve", "--listen", "127.0.0.1:0"], db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no database", p.stderr)
        self.assertFalse(os.path.exists(self.db))

    def test_demo_refuses_a_database_with_articles(self):
        run(["demo"], db=self.db)
        p = run(["demo"], db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("already has", p.stderr)

    def test_bad_listen_address(self):
        run(["init"], db=self.db)
        p = run(["serve", "--listen", "nonsense:port"], db=self.db, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("HOST:PORT", p.stderr)


    def test_a_fault_prints_the_stack_then_ends_by_its_signal(self):
        # What an operator (or CI) sees when the process dies of a fault: the signal named and
        # the faulting thread's frames as offsets addr2line resolves, then death by the signal
        # itself, not a silent exit. Under ASan (make test's sanitizer lane) the sanitizer's
        # own handler stays in place (cli/crash.c) and its report is what is printed.
        run(["init"], db=self.db)
        srv = Server(self.db)
        resource.prlimit(srv.proc.pid, resource.RLIMIT_CORE, (0, 0))  # no core file left
        srv.proc.send_signal(signal.SIGSEGV)
        code = srv.proc.wait(timeout=10)
        out = srv.output()
        if "AddressSanitizer" in out:
            self.assertIn("ERROR: AddressSanitizer: SEGV", out)
            self.assertNotEqual(code, 0)
            self.assertNotIn("newszone: crashed with", out)
            return
        self.assertEqual(code, -signal.SIGSEGV)
        self.assertIn("newszone: crashed with SIGSEGV", out)
        self.assertRegex(out, r"newszone\(\+0x[0-9a-f]+\)")


class ThemeOverride(NzTestCase):
    def copy_theme(self):
        theme = os.path.join(self.tmp, "theme")
        shutil.copytree(os.path.join(ROOT, "themes", "default"), theme)
        return theme

    def test_serve_uses_the_theme_folder(self):
        theme = self.copy_theme()
        front = os.path.join(theme, "templates", "front.mustache")
        with open(front, encoding="utf-8") as f:
            src = f.read()
        with open(front, "w", encoding="utf-8") as f:
            f.write(src.replace("{{$main}}", "{{$main}}<p>Local edition banner</p>", 1))
        run(["init"], db=self.db)
        srv = self.serve(["--theme", theme])
        self.assertIn("Local edition banner", srv.get("/").text)
        with open(os.path.join(theme, "static", "site.css"), "a") as f:
            f.write("\n.local { color: #111; }\n")
        srv2 = self.serve(["--theme", theme])
        css = re.search(r'href="(/static/site\.[0-9a-f]+\.css)"', srv2.get("/").text).group(1)
        self.assertIn(".local", srv2.get(css).text)

    def test_broken_theme_is_refused_with_file_and_line(self):
        theme = self.copy_theme()
        with open(os.path.join(theme, "templates", "list.mustache"), "a") as f:
            f.write("\n{{#unclosed}}\n")
        run(["init"], db=self.db)
        p = run(["serve", "--listen", "127.0.0.1:0", "--theme", theme], db=self.db, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("list.mustache", p.stderr)
        self.assertRegex(p.stderr, r"line \d+")
