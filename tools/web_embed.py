#!/usr/bin/env python3
"""Builds the web pages into the command: web_embed.py WEBDIR OUTPUT.c DEPFILE.

Every file under WEBDIR/assets gets a content-hashed name (/assets/js/case.js becomes
/assets/js/case.<hash>.js), and every reference to it in HTML, CSS and JavaScript is
rewritten to that name, so that an asset can be cached for a year and a page always
names the version built with it. The hash is taken after the file's own references were
rewritten, so a module whose import changed gets a new name too: files are processed in
dependency order, and a cycle is an error. A reference to a file that does not exist, an
inline script or style (which the pages' Content-Security-Policy would refuse in the
browser) or a reference to another origin fails the build with the file and the reason.

OUTPUT.c holds the table src/server/web.c serves from (see web_files.h); DEPFILE lists
every file and folder read, so that ninja runs this again when web/ changes.
"""
import hashlib
import html.parser
import os
import posixpath
import re
import sys

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
TEXT = {".html", ".js", ".mjs", ".css", ".svg"}
# Licence and provenance notes beside vendored code travel in the source tree only.
SKIP = {"LICENSE", "LICENCE", "README.md", "VERSION", "NOTICE"}
HASH_LEN = 12
FILE_MAX = 8 << 20

# An absolute reference to an asset, wherever it stands in a text file.
ABS_REF = re.compile(r"(?<![\w./-])/assets/[A-Za-z0-9_./@-]+")
# JavaScript: relative module specifiers and URLs beside the module.
JS_REL = re.compile(
    r"""(\bfrom\s*|\bimport\s*\(?\s*|new\s+URL\s*\(\s*)(["'])(\.\.?/[^"'\s]+)\2""")
# JavaScript: any module specifier, to refuse the bare and foreign ones.
JS_SPEC = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])([^"'\s]*)\2""")
# CSS: url(...) and @import "..." that are relative.
CSS_REL = re.compile(r"""(url\(\s*|@import\s+)(["']?)"""
                     r"""(\.\.?/[^"')\s]+|[A-Za-z0-9_-][^"'):\s]*\.[a-z0-9]+)\2""")
# Anything that would leave the origin.
FOREIGN = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


class BuildError(Exception):
    pass


def fail(path, reason):
    raise BuildError("%s: %s" % (path, reason))


class PageCheck(html.parser.HTMLParser):
    """Refuses what the Content-Security-Policy would refuse in the browser anyway."""

    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                fail(self.path, "line %d: inline event handler %s= (use addEventListener in a "
                     "module)" % (line, name))
            if name == "style":
                fail(self.path, "line %d: style attribute (put it in a stylesheet)" % line)
            if value and name in ("src", "href", "action") and \
                    re.match(r"\s*(javascript:|(https?:)?//)", value, re.I):
                fail(self.path, "line %d: %s=%r leaves the origin or runs a script"
                     % (line, name, value))
        if tag == "style":
            fail(self.path, "line %d: <style> element (put it in a stylesheet)" % line)
        if tag == "script":
            if "src" not in names:
                self.in_script = True
            elif names.get("type") != "module":
                fail(self.path, "line %d: scripts are ES modules: type=\"module\"" % line)

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            fail(self.path, "line %d: inline script (move it into a module under "
                 "assets/js/)" % self.getpos()[0])


def hashed_name(url, data):
    digest = hashlib.sha256(data).hexdigest()[:HASH_LEN]
    head, tail = posixpath.split(url)
    stem, dot, ext = tail.partition(".")
    name = "%s.%s.%s" % (stem, digest, ext) if dot else "%s.%s" % (stem, digest)
    return posixpath.join(head, name)


def collect(webdir):
    files, dirs = {}, [webdir]
    for root, subdirs, names in os.walk(webdir):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        dirs += [os.path.join(root, d) for d in subdirs]
        for name in sorted(names):
            if name.startswith(".") or name in SKIP:
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, webdir).replace(os.sep, "/")
            if not (rel.startswith("assets/") or re.fullmatch(r"pages/[a-z0-9_-]+\.html", rel)):
                fail(rel, "web/ holds pages/NAME.html and assets/** only")
            ext = os.path.splitext(name)[1].lower()
            if ext not in TYPES:
                fail(rel, "unknown file type %r (known: %s)" % (ext, " ".join(sorted(TYPES))))
            if not re.fullmatch(r"[A-Za-z0-9_./@-]+", rel):
                fail(rel, "file names use letters, digits and . _ - @ only")
            if os.path.getsize(path) > FILE_MAX:
                fail(rel, "larger than %d bytes" % FILE_MAX)
            with open(path, "rb") as f:
                files["/" + rel] = f.read()
    return files, dirs


def references(url, text, ext):
    """The asset URLs a file names, as (start, end, target) spans of text."""
    spans = []
    for m in ABS_REF.finditer(text):
        spans.append((m.start(), m.end(), m.group(0)))
    if ext in (".js", ".mjs"):
        for m in JS_SPEC.finditer(text):
            spec = m.group(3)
            if not spec.startswith(("./", "../", "/assets/")):
                line = text.count("\n", 0, m.start()) + 1
                fail(url[1:], "line %d: module specifier %r: a browser resolves only relative "
                     "(./x.js) or /assets/ ones; vendor the module under assets/vendor/ and "
                     "import it by its path (rewrite the vendored file's own imports too)"
                     % (line, spec))
    rel = JS_REL if ext in (".js", ".mjs") else CSS_REL if ext == ".css" else None
    if rel:
        base = posixpath.dirname(url)
        for m in rel.finditer(text):
            if m.group(3).startswith("/"):
                continue
            target = posixpath.normpath(posixpath.join(base, m.group(3)))
            spans.append((m.start(3), m.end(3), target))
    spans.sort()
    return spans


def build(webdir):
    files, dirs = collect(webdir)
    if "/pages/index.html" not in files or "/pages/case.html" not in files:
        fail("web/pages", "index.html and case.html are both needed")
    texts, refs = {}, {}
    for url, data in files.items():
        ext = os.path.splitext(url)[1].lower()
        if ext not in TEXT:
            refs[url] = []
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            fail(url[1:], "not UTF-8 (%s)" % e)
        if ext == ".html":
            PageCheck(url[1:]).feed(text)
        texts[url] = text
        refs[url] = references(url, text, ext)
        for start, _, target in refs[url]:
            if target not in files or not target.startswith("/assets/"):
                line = text.count("\n", 0, start) + 1
                fail(url[1:], "line %d: %s names no file under web/assets" % (line, target))

    hashed, out, state = {}, {}, {}

    def visit(url, chain):
        if state.get(url) == "done":
            return
        if state.get(url) == "busy":
            cycle = chain[chain.index(url):] + [url]
            fail(url[1:], "reference cycle: %s (content hashes need an order; break the "
                 "cycle, e.g. pass what one module needs as an argument)" % " -> ".join(cycle))
        state[url] = "busy"
        for _, _, target in refs[url]:
            visit(target, chain + [url])
        data = files[url]
        if url in texts:
            text, pieces, last = texts[url], [], 0
            for start, end, target in refs[url]:
                pieces += [text[last:start], hashed[target]]
                last = end
            pieces.append(text[last:])
            data = "".join(pieces).encode("utf-8")
        if url.startswith("/assets/"):
            hashed[url] = hashed_name(url, data)
            out[hashed[url]] = data
        else:
            out[url] = data
        state[url] = "done"

    for url in sorted(files):
        visit(url, [])
    return out, files, dirs


def c_bytes(data):
    lines = []
    for i in range(0, len(data), 24):
        lines.append("".join("%d," % b for b in data[i:i + 24]))
    return "\n".join(lines)


def write_c(out, dst):
    with open(dst + ".tmp", "w", encoding="ascii") as f:
        f.write("/* Generated from web/ by tools/web_embed.py; do not edit. */\n")
        f.write('#include "server/web_files.h"\n\n')
        names = sorted(out)
        for i, url in enumerate(names):
            f.write("static const unsigned char f%d[] = {\n%s\n0};\n" % (i, c_bytes(out[url])))
        f.write("\n/* sorted by path, for bsearch */\nconst struct web_file web_files[] = {\n")
        for i, url in enumerate(names):
            ext = os.path.splitext(url)[1].lower()
            f.write('\t{ "%s", "%s", f%d, %d },\n' % (url, TYPES[ext], i, len(out[url])))
        f.write("};\nconst size_t web_file_count = %d;\n" % len(names))
    os.replace(dst + ".tmp", dst)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: web_embed.py WEBDIR OUTPUT.c DEPFILE")
    webdir, dst, depfile = sys.argv[1:4]
    try:
        out, files, dirs = build(webdir)
    except BuildError as e:
        sys.exit("web_embed.py: web/%s" % e)
    write_c(out, dst)
    deps = [os.path.abspath(d) for d in dirs] + \
        [os.path.abspath(os.path.join(webdir, u[1:])) for u in sorted(files)]
    with open(depfile, "w", encoding="utf-8") as f:
        f.write("%s: %s\n" % (dst, " ".join(d.replace(" ", "\\ ") for d in deps)))


if __name__ == "__main__":
    main()
