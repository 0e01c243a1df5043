#!/usr/bin/env python3
"""tools/web_embed.py on small web/ trees: hashed names, rewritten references in HTML,
CSS and JS, a new name when a dependency changes, and the build errors (doc/web.md)."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "web_embed.py")

PAGE = """<!doctype html><html lang="en"><head><title>t</title>
<link rel="stylesheet" href="/assets/css/site.css">
<script type="module" src="/assets/js/main.js"></script></head><body>%s</body></html>
"""
BASE = {
    "pages/index.html": PAGE % "",
    "pages/case.html": PAGE % "<img src=\"/assets/img/logo.svg\" alt=\"\">",
    "assets/js/main.js": "import { f } from './lib/util.js';\nimport '../vendor/v.mjs';\nf();\n",
    "assets/js/lib/util.js": "export function f() { return new URL('/assets/img/logo.svg', location); }\n",
    "assets/vendor/v.mjs": "export const v = 1;\n",
    "assets/vendor/LICENSE": "MIT\n",
    "assets/css/site.css": "body { background: url(../img/logo.svg); }\n",
    "assets/img/logo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
}


def build(files):
    """Runs the tool on a tree of files; returns (exit code, stderr, {path: bytes})."""
    with tempfile.TemporaryDirectory() as d:
        web = os.path.join(d, "web")
        for rel, text in files.items():
            path = os.path.join(web, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        out, dep = os.path.join(d, "out.c"), os.path.join(d, "out.d")
        r = subprocess.run([sys.executable, TOOL, web, out, dep], capture_output=True, text=True)
        table = {}
        if r.returncode == 0:
            with open(out, encoding="ascii") as f:
                c = f.read()
            arrays = dict(re.findall(r"static const unsigned char (f\d+)\[\] = \{\n(.*?)\n0\};", c, re.S))
            for path, sym in re.findall(r'\{ "([^"]+)", "[^"]+", (f\d+), \d+ \}', c):
                nums = arrays[sym].replace("\n", "").rstrip(",")
                table[path] = bytes(int(x) for x in nums.split(",")) if nums else b""
            with open(dep, encoding="utf-8") as f:
                deps = f.read()
            built = [rel for rel in files if not rel.endswith("LICENSE")]
            assert all(os.path.join(web, rel) in deps for rel in built), deps
        return r.returncode, r.stderr, table


def named(table, prefix):
    found = [p for p in table if p.startswith(prefix)]
    assert len(found) == 1, (prefix, sorted(table))
    return found[0]


class Embed(unittest.TestCase):
    def test_hashed_and_rewritten(self):
        rc, err, t = build(BASE)
        self.assertEqual(rc, 0, err)
        main = named(t, "/assets/js/main.")
        util = named(t, "/assets/js/lib/util.")
        logo = named(t, "/assets/img/logo.")
        css = named(t, "/assets/css/site.")
        self.assertRegex(main, r"^/assets/js/main\.[0-9a-f]{12}\.js$")
        self.assertNotIn("/assets/vendor/LICENSE", " ".join(t))
        page = t["/pages/case.html"].decode()
        for name in (main, css, logo):
            self.assertIn('"%s"' % name, page)
        self.assertNotIn("/assets/js/main.js", page)
        self.assertIn(("from '%s'" % util).encode(), t[main])
        self.assertIn(named(t, "/assets/vendor/v.").encode(), t[main])
        self.assertIn(logo.encode(), t[util])
        self.assertIn(("url(%s)" % logo).encode(), t[css])

    def test_a_changed_dependency_renames_its_importers(self):
        _, _, before = build(BASE)
        changed = dict(BASE, **{"assets/js/lib/util.js": BASE["assets/js/lib/util.js"] + "// 2\n"})
        _, _, after = build(changed)
        self.assertNotEqual(named(before, "/assets/js/lib/util."), named(after, "/assets/js/lib/util."))
        self.assertNotEqual(named(before, "/assets/js/main."), named(after, "/assets/js/main."))
        self.assertEqual(named(before, "/assets/css/site."), named(after, "/assets/css/site."))

    def refused(self, change, reason):
        files = dict(BASE)
        files.update(change)
        files = {k: v for k, v in files.items() if v is not None}
        rc, err, _ = build(files)
        self.assertNotEqual(rc, 0)
        self.assertRegex(err, reason)

    def test_build_errors(self):
        self.refused({"pages/index.html": PAGE % '<script type="module" src="/assets/js/nope.js"></script>'},
                     r"pages/index.html: line 3: /assets/js/nope.js names no file")
        self.refused({"assets/js/main.js": "import './missing.js';\n"},
                     r"assets/js/main.js: line 1: /assets/js/missing.js names no file")
        self.refused({"assets/css/site.css": "a { background: url(../img/none.png); }"}, r"names no file")
        self.refused({"assets/vendor/v.mjs": "import '../js/main.js';\n"},
                     r"reference cycle: /assets/js/main.js -> /assets/vendor/v.mjs -> /assets/js/main.js")
        self.refused({"pages/index.html": PAGE % "<script>alert(1)</script>"}, r"inline script")
        self.refused({"pages/index.html": PAGE % '<p style="color: red">x</p>'}, r"style attribute")
        self.refused({"pages/index.html": PAGE % '<button onclick="x()">x</button>'}, r"onclick")
        self.refused({"pages/index.html": PAGE % "<style>p {}</style>"}, r"<style> element")
        self.refused({"pages/index.html": PAGE % '<script src="/assets/js/main.js"></script>'},
                     r'type="module"')
        self.refused({"pages/index.html": PAGE % '<img src="https://cdn.example/x.png" alt="">'},
                     r"leaves the origin")
        self.refused({"pages/index.html": PAGE % '<a href="javascript:x()">x</a>'}, r"leaves the origin")
        self.refused({"assets/js/main.js": "import sodium from 'libsodium';\n"},
                     r"module specifier 'libsodium'")
        self.refused({"assets/js/main.js": "const m = import('https://cdn.example/m.js');\n"},
                     r"module specifier 'https://cdn.example/m.js'")
        self.refused({"assets/data.exe": "x"}, r"unknown file type")
        self.refused({"pages/case.html": None}, r"index.html and case.html")
        self.refused({"other/x.js": "1"}, r"pages/NAME.html and assets")


if __name__ == "__main__":
    unittest.main()
