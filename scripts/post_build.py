#!/usr/bin/env python3
"""Finishes a build of both bundles in DIST (default dist/): moves each index.html's inline boot script into a
hashed file (so the Content-Security-Policy can forbid inline scripts), writes the service worker with this
build's file lists, then precompresses everything. Run by scripts/build_app.sh after the two Trunk builds.

The field bundle is at DIST's root, the office's in DIST/office/. The precache lists are generated, never
hand-written, so a rebuilt app gets a new cache name and the service worker drops the old one. The server sends
the .br/.gz twins to browsers that accept them, so nothing is compressed per request.
"""
import gzip
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys

dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
office = dist / "office"
COMPRESSIBLE = {".html", ".js", ".wasm", ".css", ".webmanifest", ".json", ".svg"}


def extract_boot(folder: pathlib.Path, prefix: str) -> None:
    index = folder / "index.html"
    html = index.read_text(encoding="utf-8")
    inline = re.search(r'<script type="module">(.*?)</script>', html, re.S)
    if not inline:
        return
    boot = inline.group(1).strip() + "\n"
    name = f"boot-{hashlib.sha256(boot.encode()).hexdigest()[:16]}.js"
    (folder / name).write_text(boot, encoding="utf-8")
    html = html[: inline.start()] + f'<script type="module" src="{prefix}{name}"></script>' + html[inline.end():]
    index.write_text(html, encoding="utf-8")


def built_files(folder: pathlib.Path, skip: tuple[pathlib.Path, ...] = ()) -> list[pathlib.Path]:
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file() and p.name != "sw.js" and p.suffix not in {".gz", ".br"}
        and not any(s in p.parents for s in skip)
    )


# The public page (no sign-in, plain script) is copied as it is; the tablets' service worker leaves it alone.
public_page = dist / "cong-khai"
shutil.copytree(pathlib.Path(__file__).resolve().parent.parent / "public" / "cong-khai", public_page, dirs_exist_ok=True)

extract_boot(dist, "/")
extract_boot(office, "/office/")
field_files = built_files(dist, skip=(office, public_page))
office_files = built_files(office)
digest = hashlib.sha256()
for path in field_files + office_files:
    digest.update(path.relative_to(dist).as_posix().encode())
    digest.update(path.read_bytes())


def urls(files: list[pathlib.Path], root: str) -> list[str]:
    return [root] + ["/" + p.relative_to(dist).as_posix() for p in files]


template = pathlib.Path(__file__).resolve().parent.parent / "public" / "sw.js"
worker = (
    template.read_text(encoding="utf-8")
    .replace("__PRECACHE__", json.dumps(urls(field_files, "/")))
    .replace("__OFFICE__", json.dumps(urls(office_files, "/office/")))
    .replace("__BUILD_HASH__", digest.hexdigest()[:16])
)
(dist / "sw.js").write_text(worker, encoding="utf-8")

brotli = shutil.which("brotli")
for path in field_files + office_files + built_files(public_page) + [dist / "sw.js"]:
    if path.suffix not in COMPRESSIBLE:
        continue
    data = path.read_bytes()
    with open(f"{path}.gz", "wb") as out:
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as gz:
            gz.write(data)
    if brotli:
        subprocess.run([brotli, "-f", "-q", "11", "-o", f"{path}.br", str(path)], check=True)

print(
    f"post_build: the service worker precaches {len(field_files) + 1} field URLs and keeps "
    f"{len(office_files) + 1} office URLs for devices that open the office; "
    f"compressed with gzip{' and brotli' if brotli else ''}"
)
